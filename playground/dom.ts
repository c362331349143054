/** Small helpers for the page's elements. */

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
};

export const input = (id: string) => byId<HTMLInputElement>(id);
export const select = (id: string) => byId<HTMLSelectElement>(id);
export const button = (id: string) => byId<HTMLButtonElement>(id);

export function show(id: string, text: string): void {
  byId(id).textContent = text;
}

/** An element with a class and children (text or elements). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** Offers `text` as a file download named `name`. */
export function download(name: string, text: string, type = 'application/json'): void {
  const a = el('a', { download: name });
  a.href = URL.createObjectURL(new Blob([text], { type }));
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Shows an error in the page's alert line (an Error's class and message, as the library words it). */
export function showError(e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
  show('error', `${name}${err.message}`);
  byId('error').dataset['name'] = err.name;
}

export function clearError(): void {
  show('error', '');
  delete byId('error').dataset['name'];
}

/** Calls `draw` at most once per `ms` (at the next animation frame), however often it is asked for. */
export function throttled(draw: () => void, ms = 100): { soon(): void; now(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    soon: () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        requestAnimationFrame(draw);
      }, ms);
    },
    now: () => {
      clearTimeout(timer);
      timer = undefined;
      draw();
    },
  };
}
