import { Worker } from 'node:worker_threads';
import { DataError } from '../../core/errors.js';
import { STORED_TYPES, type StoredArray } from '../features.js';
import { checkUnchanged } from '../../io/regular-file.js';
import { truncated } from '../read/npy-file.js';
import type { FileStamp, RingLayout, RowStreamer, StreamSpec } from '../rows.js';
import { CHANGED, CONTROL_BYTES, CONTROL_LAYOUT, CTRL, SHORT_READ, streamWorkerSource } from './reader-thread.js';

/** A stamp as the reader thread sends it: JSON, so its bigints as decimal strings. */
type StampText = { size: number; mtimeNs: string; ino: string; dev: string };
const stampFrom = (t: StampText): FileStamp => ({
  size: t.size,
  mtimeNs: BigInt(t.mtimeNs),
  ino: BigInt(t.ino),
  dev: BigInt(t.dev),
});

/**
 * Reads a file's rows in the background with one worker thread (see reader-thread.ts for its side):
 * the trainer's thread posts the buffers of the next epoch, the reader fills ring slots ahead of it, and
 * `wait` blocks (Atomics.wait) only when the reader has fallen behind. The ring's memory is
 * slots · slotBytes, whatever the size of the file.
 */
export class WorkerRowStreamer implements RowStreamer {
  readonly values: StoredArray;
  readonly waits = { count: 0, seconds: 0, buffers: 0 };
  private readonly ctrl: Int32Array;
  private readonly numbers: Float64Array;
  private readonly text: Uint8Array;
  private readonly worker: Worker;
  private posted = 0;
  private closed = false;

  readonly slotBytes: number;
  readonly slots: number;
  private readonly rowBytes: number;

  constructor(
    private readonly spec: StreamSpec,
    { stored, rowBytes, slotBytes, slots }: RingLayout,
  ) {
    this.rowBytes = rowBytes;
    this.slotBytes = slotBytes;
    this.slots = slots;
    const ring = new SharedArrayBuffer(slots * slotBytes);
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.ctrl = new Int32Array(control, 0, CONTROL_LAYOUT.words);
    this.numbers = new Float64Array(control, CONTROL_LAYOUT.numbersAt, CONTROL_LAYOUT.numbers);
    this.text = new Uint8Array(control, CONTROL_LAYOUT.textAt, CONTROL_LAYOUT.textBytes);
    const { bytes, view } = STORED_TYPES[stored];
    this.values = view(ring, 0, (slots * slotBytes) / bytes);
    // execArgv: [] so that no loader (tsx) reaches the plain CommonJS source.
    this.worker = new Worker(streamWorkerSource, {
      eval: true,
      execArgv: [],
      workerData: { spec, ring, control, slots, slotBytes, rowBytes },
    });
    this.worker.unref();
  }

  post(buffers: Float64Array[]): void {
    this.worker.postMessage({ seq: this.posted, buffers });
    this.posted += buffers.length;
  }

  wait(seq: number): void {
    if (Atomics.load(this.ctrl, CTRL.PRODUCED) > seq) return this.check();
    const t0 = performance.now();
    for (;;) {
      this.check();
      const produced = Atomics.load(this.ctrl, CTRL.PRODUCED);
      if (produced > seq) break;
      Atomics.wait(this.ctrl, CTRL.PRODUCED, produced, 1000);
    }
    this.waits.count++;
    this.waits.seconds += (performance.now() - t0) / 1000;
  }

  release(seq: number): void {
    this.waits.buffers = seq;
    Atomics.store(this.ctrl, CTRL.CONSUMED, seq);
    Atomics.notify(this.ctrl, CTRL.CONSUMED);
  }

  /** Throws what the reader reported: the file, the example cut off and its byte offset, or its message. */
  private check(): void {
    const code = Atomics.load(this.ctrl, CTRL.ERROR);
    if (code === 0) return;
    const file = this.spec.file;
    this.close();
    if (code === SHORT_READ && this.spec.kind === 'npy') {
      const [row, got, end] = this.numbers;
      const layout = { file, dataOffset: this.spec.dataOffset, rowBytes: this.rowBytes };
      throw truncated(layout, { firstRow: row!, got: got!, fileEnd: end! });
    }
    if (code === CHANGED) this.changed();
    const message = new TextDecoder().decode(this.text.subarray(0, Atomics.load(this.ctrl, CTRL.TEXT_LENGTH)));
    throw new DataError(`${file}: reading in the background failed: ${message.replace(/\s*\n\s*/g, ' ')}`, file);
  }

  /** Throws what changed in the file, as the reader thread saw it (see checkUnchanged). */
  private changed(): void {
    const text = new TextDecoder().decode(this.text.subarray(0, Atomics.load(this.ctrl, CTRL.TEXT_LENGTH)));
    const seen = JSON.parse(text) as { now: StampText; onPath: StampText | null };
    const spec = this.spec;
    const cut =
      spec.kind === 'npy'
        ? (size: number) =>
            truncated(
              { file: spec.file, dataOffset: spec.dataOffset, rowBytes: this.rowBytes },
              { firstRow: 0, got: Math.max(0, size - spec.dataOffset), fileEnd: size },
            )
        : undefined;
    checkUnchanged(
      spec.file,
      spec.stamp,
      { now: stampFrom(seen.now), onPath: seen.onPath ? stampFrom(seen.onPath) : undefined },
      cut,
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, CTRL.STOP, 1);
    Atomics.notify(this.ctrl, CTRL.CONSUMED);
    void this.worker.terminate();
  }
}
