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
 * - classifier, CSV: `index,class,p_<class>...`, one probability column per class in the order of the
 *   model's classes (a sigmoid's P(class 0) = 1 − a and P(class 1) = a), as `predictProba` gives them;
 *   JSON: `{index, class, classIndex, "p_<class>": ...}` per example;
 * - regression, CSV: `index,prediction` (one unit) or `index,y0,y1,...`; JSON: a number or a list per
 *   example.
 */
export function predictionText(format: PredictFormat, shape: PredictionShape): PredictionText {
  return shape.classifier ? classifierText(format, shape) : regressionText(format, shape.units);
}

/** A[L] is (n[L], b), row-major: unit i of example j at i·b + j. */
function values(AL: Matrix, n: number, j: number): number[] {
  return Array.from({ length: n }, (_, i) => AL.data[i * AL.cols + j]!);
}

/** One CSV line per example of the batch. */
function lines(b: number, line: (j: number) => string): string {
  let text = '';
  for (let j = 0; j < b; j++) text += line(j) + '\n';
  return text;
}

/** JSON items, separated by commas: every batch but the first starts with one. */
function items(b: number, start: number, item: (j: number) => string): string {
  let text = '';
  for (let j = 0; j < b; j++) text += (start + j === 0 ? '' : ',') + item(j);
  return text;
}

function classifierText(format: PredictFormat, { units: n, classes: names }: PredictionShape): PredictionText {
  // Each class's text once (a sigmoid's two classes, a softmax's n[L]), not once per example.
  const classes = Array.from({ length: Math.max(n, 2) }, (_, c) => (names ? names[c]! : c));
  // P(class c) of example j: a sigmoid's one unit gives both classes' probabilities.
  const probs = (AL: Matrix, j: number) => (n === 1 ? [1 - AL.data[j]!, AL.data[j]!] : values(AL, n, j));
  if (format === 'json') {
    const fields = classes.map((name, c) => `"class":${JSON.stringify(name)},"classIndex":${c}`);
    const keys = classes.map((name) => JSON.stringify(`p_${name}`));
    const pText = (p: number[]) => p.map((v, c) => `${keys[c]}:${jsonNumber(v)}`).join(',');
    return {
      head: '{"predictions":[',
      rows: (AL, cls, start) =>
        items(AL.cols, start, (j) => `{"index":${start + j},${fields[cls![j]!]},${pText(probs(AL, j))}}`),
      tail: ']}\n',
    };
  }
  const fields = classes.map((name) => csvField(String(name)));
  return {
    head: ['index', 'class', ...classes.map((name) => csvField(`p_${name}`))].join(',') + '\n',
    rows: (AL, cls, start) => lines(AL.cols, (j) => `${start + j},${fields[cls![j]!]},${probs(AL, j).join(',')}`),
    tail: '',
  };
}

function regressionText(format: PredictFormat, n: number): PredictionText {
  if (format === 'json')
    return {
      head: '{"predictions":[',
      rows: (AL, _cls, start) =>
        items(AL.cols, start, (j) => (n === 1 ? jsonNumber(AL.data[j]!) : JSON.stringify(values(AL, n, j)))),
      tail: ']}\n',
    };
  return {
    head: ['index', ...Array.from({ length: n }, (_, i) => (n === 1 ? 'prediction' : `y${i}`))].join(',') + '\n',
    rows: (AL, _cls, start) => lines(AL.cols, (j) => [start + j, ...values(AL, n, j)].join(',')),
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
