/**
 * The source of the reader thread of `src/data/stream/reader.ts`, as plain CommonJS run with
 * `new Worker(source, { eval: true })` (no loader, no build step, so it runs the same from source under
 * tsx and from dist). It reads buffers of rows, each a list of spans (first file row, row count, byte
 * offset in the slot), into slot seq % slots of a SharedArrayBuffer ring, and hands them over with
 * Atomics: PRODUCED counts the buffers written, CONSUMED the buffers the trainer gave back; a slot is
 * written only once its previous buffer is given back. A read that comes up short (a file truncated
 * while the run goes on), a file that no longer has the stamp it was opened with (checked after every
 * buffer: size, modification time, inode), or any error is reported in the control block and ends the
 * thread. The file is opened without blocking and must be the one the trainer's thread opened (its
 * stamp): a FIFO put in its place cannot hang the reader.
 */

/** Indices of the control block's Int32 words. */
export const CTRL = { PRODUCED: 0, CONSUMED: 1, STOP: 2, ERROR: 3, TEXT_LENGTH: 4 } as const;
/** Byte offsets in the control block: the Int32 words, the error's numbers (Float64), the error's text. */
export const CONTROL_LAYOUT = { words: 16, numbersAt: 64, numbers: 4, textAt: 96, textBytes: 1024 } as const;
export const CONTROL_BYTES = CONTROL_LAYOUT.textAt + CONTROL_LAYOUT.textBytes;
/**
 * ERROR codes: 1, the file ended early (numbers: first row asked for, bytes got, file end); 2, a message;
 * 3, the file changed (text: JSON of its stamp now and of what its path names now, bigints as strings).
 */
export const SHORT_READ = 1,
  FAILED = 2,
  CHANGED = 3;

export const streamWorkerSource = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { spec, ring, control, slots, slotBytes, rowBytes } = workerData;
const ctrl = new Int32Array(control, 0, ${CONTROL_LAYOUT.words});
const numbers = new Float64Array(control, ${CONTROL_LAYOUT.numbersAt}, ${CONTROL_LAYOUT.numbers});
const text = new Uint8Array(control, ${CONTROL_LAYOUT.textAt}, ${CONTROL_LAYOUT.textBytes});
const bytes = new Uint8Array(ring);
const queue = [];
let running = false;
let stopped = false;
let fd = -1;
let h5ds = null;

function fail(code, message, nums) {
  stopped = true;
  if (nums) for (let i = 0; i < nums.length; i++) numbers[i] = nums[i];
  const encoded = new TextEncoder().encode(String(message)).subarray(0, text.length);
  text.set(encoded);
  Atomics.store(ctrl, ${CTRL.TEXT_LENGTH}, encoded.length);
  Atomics.store(ctrl, ${CTRL.ERROR}, code);
  Atomics.notify(ctrl, ${CTRL.PRODUCED});
}

// After reading raw bytes: big-endian values reversed, 64-bit integers made float64 (as the main thread does).
function fix(at, length) {
  const w = spec.swap;
  if (w)
    for (let t = at; t < at + length; t += w)
      for (let a = t, b = t + w - 1; a < b; a++, b--) { const x = bytes[a]; bytes[a] = bytes[b]; bytes[b] = x; }
  if (spec.int64) {
    const n = length / 8;
    const ints = spec.int64 === 'signed' ? new BigInt64Array(ring, at, n) : new BigUint64Array(ring, at, n);
    const floats = new Float64Array(ring, at, n);
    for (let t = 0; t < n; t++) floats[t] = Number(ints[t]);
  }
}

function readSpan(row, count, at) {
  const want = count * rowBytes;
  if (spec.kind === 'npy') {
    const position = spec.dataOffset + row * rowBytes;
    let got = 0;
    while (got < want) {
      const n = fs.readSync(fd, bytes, at + got, Math.min(want - got, 1 << 30), position + got);
      if (n === 0) break;
      got += n;
    }
    if (got < want) {
      fail(${SHORT_READ}, 'short read', [row, got, fs.fstatSync(fd).size]);
      return false;
    }
    fix(at, want);
    return true;
  }
  const values = h5ds.slice([[row, row + count]]);
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const out = new Float64Array(ring, at, values.length);
    for (let t = 0; t < values.length; t++) out[t] = Number(values[t]);
  } else bytes.set(new Uint8Array(values.buffer, values.byteOffset, want), at);
  return true;
}

// The file's stamp now, through the descriptor when there is one (.npy), and what its path names now.
function stampOf(st) {
  return st && { size: Number(st.size), mtimeNs: String(st.mtimeNs), ino: String(st.ino), dev: String(st.dev) };
}
function same(a, b) {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ino === b.ino && a.dev === b.dev;
}
const openedAs = stampOf(spec.stamp);
function unchanged(nfd) {
  const onPath = stampOf(fs.statSync(spec.file, { bigint: true, throwIfNoEntry: false }));
  const now = nfd >= 0 ? stampOf(fs.fstatSync(nfd, { bigint: true })) : onPath;
  if (now && onPath && same(now, openedAs) && onPath.ino === openedAs.ino && onPath.dev === openedAs.dev) return true;
  fail(${CHANGED}, JSON.stringify({ now: now || openedAs, onPath }));
  return false;
}

// Opens the file without blocking and checks it is the one the trainer's thread opened; returns the descriptor.
function openChecked() {
  const nfd = fs.openSync(spec.file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK || 0));
  if (unchanged(nfd)) return nfd;
  fs.closeSync(nfd);
  return -1;
}

// HDF5 opens files by name (an external link, external storage): each must be a regular file, and with
// spec.confined the file itself, or the open fails (EACCES) and the read with it.
function guardOpens(FS) {
  const open = FS.open;
  FS.open = (path, flags, mode) => {
    if (typeof flags !== 'number' || (flags & 3) !== 0 || flags & 64) return open(path, flags, mode);
    let nfd;
    try {
      nfd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK || 0));
    } catch {
      return open(path, flags, mode); // HDF5 gets its own reason
    }
    try {
      const st = fs.fstatSync(nfd, { bigint: true });
      const own = String(st.ino) === openedAs.ino && String(st.dev) === openedAs.dev;
      if (!st.isFile() || (spec.confined && !own)) throw new FS.ErrnoError(2);
    } finally {
      fs.closeSync(nfd);
    }
    return open(path, flags, mode);
  };
}

function produce(seq, spans) {
  for (;;) {
    if (Atomics.load(ctrl, ${CTRL.STOP})) return false;
    const consumed = Atomics.load(ctrl, ${CTRL.CONSUMED});
    if (seq - consumed < slots) break;
    Atomics.wait(ctrl, ${CTRL.CONSUMED}, consumed, 1000);
  }
  const base = (seq % slots) * slotBytes;
  for (let t = 0; t < spans.length; t += 3) if (!readSpan(spans[t], spans[t + 1], base + spans[t + 2])) return false;
  if (!unchanged(fd)) return false;
  Atomics.store(ctrl, ${CTRL.PRODUCED}, seq + 1);
  Atomics.notify(ctrl, ${CTRL.PRODUCED});
  return true;
}

async function open() {
  // A file that is not the one opened has been reported (fail() stops the thread).
  if (spec.kind === 'npy') return void (fd = openChecked());
  const checked = openChecked();
  if (checked < 0) return;
  fs.closeSync(checked);
  const mod = await import(spec.h5wasm);
  const module = await mod.default.ready;
  module.activate_throwing_error_handler();
  guardOpens(module.FS);
  const f = new mod.default.File(spec.file, 'r');
  h5ds = f.get(spec.key);
}
const opened = open();

async function run() {
  if (running) return;
  running = true;
  try {
    await opened;
    while (queue.length && !stopped) {
      const { seq, buffers } = queue.shift();
      for (let g = 0; g < buffers.length && !stopped; g++) if (!produce(seq + g, buffers[g])) stopped = true;
    }
  } catch (e) {
    fail(${FAILED}, (e && e.message) || String(e));
  } finally {
    running = false;
  }
}

parentPort.on('message', (msg) => {
  queue.push(msg);
  run();
});
`;
