import { featureSource, type Features } from '../../data/features.js';
import { EVAL_CHUNK } from '../../evaluate/metrics.js';
import { AppendedOutput, type OutputTarget } from '../../io/outputs.js';
import type { Model } from '../../train/model.js';
import { withSignalsHandled } from '../command-outputs.js';
import type { PredictionText } from './file-format.js';

/** Examples read, predicted and written at a time by default: a few hundred KB of text, whatever m. */
export const PREDICT_BATCH = 4 * EVAL_CHUNK;

/**
 * The batches of m examples for a batch size of `batch`: [start, end) ranges in order. Their starts
 * are multiples of EVAL_CHUNK (`batch` is rounded up to one): `Model.forward` runs the network on
 * EVAL_CHUNK examples at a time from the first example it is given, so each example is computed in the
 * same chunk, with the same neighbours, as in one forward pass over all of X, and its numbers are the
 * same bit for bit whatever the batch size (a kernel may round differently for another chunk width).
 */
export function predictBatches(m: number, batch: number): { start: number; end: number }[] {
  const step = Math.max(1, Math.ceil(batch / EVAL_CHUNK)) * EVAL_CHUNK;
  const out: { start: number; end: number }[] = [];
  for (let start = 0; start < m; start += step) out.push({ start, end: Math.min(m, start + step) });
  return out;
}

/**
 * Runs the model over X: (n[0], m) a batch of examples at a time and writes each batch's predictions
 * before reading the next, so that memory holds one batch — its features (read from disk when X is a
 * streamed file), A[L]: (n[L], b) and its text — whatever m. The output goes through `AppendedOutput`:
 * a regular file is a temporary file until every batch is written, then renamed into place; a failure
 * on the way (a non-finite value at example 900,000, a file cut short) removes it and leaves the target
 * as it was. Between batches the event loop runs, so that Ctrl-C or SIGTERM (which then remove the
 * temporary file: exit 130 / 143) and a closed stdout (exit 141) are handled at once, and a slow reader
 * of stdout holds back the writer (`drain`).
 * @param target the output; undefined: stdout.
 * @returns m, the number of predictions written.
 */
export async function writePredictions(
  model: Model,
  X: Features,
  text: PredictionText,
  options: {
    batch: number;
    target: OutputTarget | undefined;
    stdout: (s: string) => void;
    drain?: (() => Promise<void>) | undefined;
  },
): Promise<number> {
  const src = featureSource(X);
  const m = src.cols;
  // The handlers come first: from the moment the temporary file exists, a signal removes it. A signal
  // during the (synchronous) commit takes effect after it, the output complete.
  await withSignalsHandled(async () => {
    let out: AppendedOutput | undefined;
    try {
      out = new AppendedOutput(options.target, options.stdout);
      // The head goes out with the first batch: an input that fails in its first batch writes nothing.
      let head = text.head;
      for (const { start, end } of predictBatches(m, options.batch)) {
        const b = end - start;
        const AL = model.forward(src.take(Int32Array.from({ length: b }, (_, j) => start + j)));
        let cls: Int32Array | undefined;
        if (model.isClassifier) {
          cls = new Int32Array(b);
          // The rule Model.predictClasses applies: A[L] > 0.5 for a sigmoid, argmax for a softmax.
          model.backend.predictClasses(AL, cls, 0.5);
        }
        out.append(head + text.rows(AL, cls, start));
        head = '';
        await options.drain?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
      out.append(head + text.tail);
      out.commit();
    } catch (e) {
      out?.abort();
      throw e;
    }
  });
  return m;
}
