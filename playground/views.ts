/**
 * What the network does, drawn: for two features, the plane coloured by the class the network picks
 * (paler where it is less sure) under the train points (filled) and the dev points (rings); for images, a
 * grid of dev examples with the network's prediction, the wrong ones marked.
 */
import type { Model, SplitResult } from '../src/browser.js';
import type { PageData } from './data.js';

/** The cells of the boundary's grid along each axis. */
const GRID = 90;

/** The class colours, from the report's style sheet (s0 … s7). */
function palette(): [number, number, number][] {
  const css = getComputedStyle(document.documentElement);
  return Array.from({ length: 8 }, (_, i) => {
    const hex = css.getPropertyValue(`--s${i}`).trim() || '#888888';
    const n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  });
}

/** The data's bounds, with a margin: [x0, x1, y0, y1]. */
function bounds(data: PageData): [number, number, number, number] {
  const [m] = data.rows.shape;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let j = 0; j < m; j++) {
    const x = data.rows.data[2 * j]!,
      y = data.rows.data[2 * j + 1]!;
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  const pad = 0.08 * Math.max(x1 - x0, y1 - y0, 1e-9);
  return [x0 - pad, x1 + pad, y0 - pad, y1 + pad];
}

/**
 * Draws the plane: the network's decision (when there is a model) and every train and dev point.
 * Returns a fingerprint of the decision (the predicted class of each cell), so that a change shows.
 */
export function drawBoundary(canvas: HTMLCanvasElement, data: PageData, split: SplitResult, model?: Model): string {
  const ctx = canvas.getContext('2d')!;
  const size = canvas.width;
  const [x0, x1, y0, y1] = bounds(data);
  const colours = palette();
  ctx.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--bg').trim() || '#fff';
  ctx.fillRect(0, 0, size, size);
  let fingerprint = '';
  if (model) fingerprint = drawDecision(ctx, model, [x0, x1, y0, y1], colours, size);
  const px = (x: number) => ((x - x0) / (x1 - x0)) * size;
  const py = (y: number) => size - ((y - y0) / (y1 - y0)) * size;
  const classOf = data.dataset.labels.data;
  const dot = (j: number, ring: boolean) => {
    const [r, g, b] = colours[(classOf[j] ?? 0) % 8]!;
    ctx.beginPath();
    ctx.arc(px(data.rows.data[2 * j]!), py(data.rows.data[2 * j + 1]!), ring ? 3.6 : 3.2, 0, 2 * Math.PI);
    ctx.lineWidth = ring ? 2 : 1;
    if (ring) {
      ctx.strokeStyle = `rgb(${r},${g},${b})`;
      ctx.fillStyle = '#ffffff';
      ctx.fill();
      ctx.stroke();
    } else {
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.strokeStyle = '#ffffff';
      ctx.fill();
      ctx.stroke();
    }
  };
  for (const j of split.indices.train) dot(j, false);
  for (const j of split.indices.dev) dot(j, true);
  return fingerprint;
}

function drawDecision(
  ctx: CanvasRenderingContext2D,
  model: Model,
  [x0, x1, y0, y1]: [number, number, number, number],
  colours: [number, number, number][],
  size: number,
): string {
  const grid = new Float64Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++)
    for (let c = 0; c < GRID; c++) {
      const k = 2 * (r * GRID + c);
      grid[k] = x0 + ((c + 0.5) / GRID) * (x1 - x0);
      grid[k + 1] = y1 - ((r + 0.5) / GRID) * (y1 - y0);
    }
  const proba = model.predictProba({ data: grid, shape: [GRID * GRID, 2] });
  const img = new ImageData(GRID, GRID);
  let fingerprint = '';
  proba.forEach((p, k) => {
    let best = 0;
    for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
    const K = p.length;
    const sure = K > 1 ? (p[best]! - 1 / K) / (1 - 1 / K) : 0;
    const a = 0.1 + 0.38 * sure;
    const [r, g, b] = colours[best % 8]!;
    img.data.set([255 * (1 - a) + r * a, 255 * (1 - a) + g * a, 255 * (1 - a) + b * a, 255], 4 * k);
    fingerprint += String(best);
  });
  // Draw the small grid scaled up, smoothly: the decision as a picture of the plane.
  const small = new OffscreenCanvas(GRID, GRID);
  small.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(small, 0, 0, size, size);
  return fingerprint;
}

/** How many dev examples the image grid shows. */
export const DIGITS_SHOWN = 48;

/** The dev examples as small pictures, with the network's prediction when there is a model. */
export function drawDigits(box: HTMLElement, data: PageData, split: SplitResult, model?: Model): number {
  const { width, height } = data.image!;
  const n = data.rows.shape[1];
  const dev = Array.from(split.indices.dev.slice(0, DIGITS_SHOWN));
  const rows = { data: new Float64Array(dev.length * n), shape: [dev.length, n] as [number, number] };
  dev.forEach((j, k) => rows.data.set(data.rows.data.subarray(j * n, (j + 1) * n), k * n));
  const predicted = model ? model.predict(rows) : undefined;
  let wrong = 0;
  const cells = dev.map((j, k) => {
    const truth = String(data.labels[j]);
    const guess = predicted ? String(predicted[k]) : undefined;
    const bad = guess !== undefined && guess !== truth;
    if (bad) wrong++;
    const cell = document.createElement('div');
    cell.className = `digit${bad ? ' wrong' : ''}`;
    cell.setAttribute('role', 'listitem');
    cell.dataset['predicted'] = guess ?? '';
    cell.dataset['truth'] = truth;
    cell.setAttribute(
      'aria-label',
      `dev example ${k}: ${guess === undefined ? `a ${truth}` : `predicted ${guess}, is ${truth}${bad ? ' (wrong)' : ''}`}`,
    );
    cell.append(picture(rows.data.subarray(k * n, (k + 1) * n), width, height));
    const caption = document.createElement('span');
    caption.textContent = guess === undefined ? truth : bad ? `${guess} ✗ (${truth})` : guess;
    cell.append(caption);
    return cell;
  });
  box.replaceChildren(...cells);
  return wrong;
}

/** A width × height picture of pixel values (0 to the largest), dark on light. */
function picture(values: Float64Array, width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height);
  let max = 0;
  for (const v of values) max = Math.max(max, v);
  values.forEach((v, i) => {
    const shade = Math.round(255 * (1 - (max > 0 ? v / max : 0)));
    img.data.set([shade, shade, shade, 255], 4 * i);
  });
  ctx.putImageData(img, 0, 0);
  return canvas;
}
