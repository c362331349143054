import type { Matrix } from '../../core/matrix.js';

/** The formats `lnn predict` writes. */
export const PREDICT_FORMATS = ['csv', 'json'] as const;
export type PredictFormat = (typeof PREDICT_FORMATS)[number];

/**
 * What a prediction file is made of, so that it can be written a batch of examples at a time: `head`,
 * then `rows` for each batch in order, then `tail`. The concatenation is, byte for byte, the document
 * the whole-in-memory writer made (one CSV line per example; one JSON document
 * `{"predictions":[...]}`), whatever the batches.
 */
export interface PredictionText {
  head: string;
  /**
   * The text of examples start .. start + b − 1: AL: (n[L], b), the network's output for them; cls: (b)
   * their class indices (classifiers only).
   */
  rows(AL: Matrix, cls: Int32Array | undefined, start: number): string;
  tail: string;
}

/** What the model says about its output: n[L] units, and for a classifier its class names (if it has them). */
export interface PredictionShape {
  units: number;
  classifier: boolean;
  classes?: string[] | undefined;
}

/**
 * The writer of one format for one kind of model:
 * - classifier, CSV: `index,class,probability`, the probability being A[L] of the predicted class (of
 *   the one unit, for a sigmoid); JSON: `{index, class, classIndex, probability}` per example;
 * - regression, CSV: `index,prediction` (one unit) or `index,y0,y1,...`; JSON: a number or a list per
 *   example.
 */
export function predictionText(format: PredictFormat, shape: PredictionShape): PredictionText {
  const { units: n, classes: names } = shape;
  // A[L] is (n[L], b), row-major: unit i of example j at i·b + j.
  const prob = (AL: Matrix, c: number, j: number) => (n === 1 ? AL.data[j]! : AL.data[c * AL.cols + j]!);
  const values = (AL: Matrix, j: number) => Array.from({ length: n }, (_, i) => AL.data[i * AL.cols + j]!);
  const lines = (b: number, line: (j: number) => string) => {
    let text = '';
    for (let j = 0; j < b; j++) text += line(j) + '\n';
    return text;
  };
  // JSON items are separated by commas: every batch but the first starts with one.
  const items = (b: number, start: number, item: (j: number) => string) => {
    let text = '';
    for (let j = 0; j < b; j++) text += (start + j === 0 ? '' : ',') + item(j);
    return text;
  };
  if (shape.classifier) {
    // Each class's text once (a sigmoid's two classes, a softmax's n[L]), not once per example.
    const classes = Array.from({ length: Math.max(n, 2) }, (_, c) => (names ? names[c]! : c));
    if (format === 'json') {
      const fields = classes.map((name, c) => `"class":${JSON.stringify(name)},"classIndex":${c}`);
      return {
        head: '{"predictions":[',
        rows: (AL, cls, start) =>
          items(
            AL.cols,
            start,
            (j) => `{"index":${start + j},${fields[cls![j]!]},"probability":${jsonNumber(prob(AL, cls![j]!, j))}}`,
          ),
        tail: ']}\n',
      };
    }
    const fields = classes.map((name) => csvField(String(name)));
    return {
      head: 'index,class,probability\n',
      rows: (AL, cls, start) => lines(AL.cols, (j) => `${start + j},${fields[cls![j]!]},${prob(AL, cls![j]!, j)}`),
      tail: '',
    };
  }
  if (format === 'json')
    return {
      head: '{"predictions":[',
      rows: (AL, _cls, start) =>
        items(AL.cols, start, (j) => (n === 1 ? jsonNumber(AL.data[j]!) : JSON.stringify(values(AL, j)))),
      tail: ']}\n',
    };
  return {
    head: ['index', ...Array.from({ length: n }, (_, i) => (n === 1 ? 'prediction' : `y${i}`))].join(',') + '\n',
    rows: (AL, _cls, start) => lines(AL.cols, (j) => [start + j, ...values(AL, j)].join(',')),
    tail: '',
  };
}

/** A number as JSON.stringify writes it: as String does when finite, else null. */
function jsonNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

/** A CSV field: quoted (quotes doubled) when it holds a quote, a comma or a newline. */
function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
