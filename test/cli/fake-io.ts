/** A fake stderr (what was written, and whether it is a terminal) and a clock the test advances. */
export function fakeIo(tty: boolean) {
  const writes: string[] = [];
  let t = 0;
  return {
    io: { err: (s: string) => void writes.push(s), errIsTTY: tty },
    writes,
    now: () => t,
    advance: (ms: number) => void (t += ms),
  };
}
