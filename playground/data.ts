/**
 * The playground's data: the 2-D toy sets, the built-in sets served beside the page (an MNIST subset
 * and iris, JSON written by scripts/build-playground.mjs), and files a learner drops (CSV, or X.npy
 * with y.npy), each read with the library's own loaders. Every source ends as rows and labels (what
 * `trainInWorker` takes) and the library's Dataset of them, split by the library's rule.
 */
import {
  DataError,
  datasetFromRows,
  npyPair,
  parseCsv,
  toMatrix,
  toySet,
  trainDevTestSplit,
  type Dataset,
  type SplitResult,
  type ToyKind,
} from '../src/browser.js';

/** A data set as the page holds it. */
export interface PageData {
  /** What the page calls it: 'circles', 'iris', 'flowers.csv'. */
  name: string;
  kind: 'toy' | 'images' | 'table';
  /** One example per row, row after row: [m, n]. */
  rows: { data: Float64Array; shape: [number, number] };
  /** One per example: class names or numbers (regression: values). */
  labels: string[] | number[];
  featureNames?: string[];
  /** Images: each row is a width × height picture, row after row. */
  image?: { width: number; height: number };
  /** How `lnn train` names the data: 'builtin:iris', or the CSV the page offers as a download. */
  cliData: string;
  /** Whether the command line needs the page's CSV download (toys, dropped files, the MNIST subset). */
  needsDownload: boolean;
  /** The library's data set of these rows and labels (what the worker's `train` builds from them). */
  dataset: Dataset;
  /** What the data was made with (toys: m and noise), for the run table. */
  made?: string;
}

/** The rows and labels as the library's Dataset, with a name for its messages. */
function pageData(p: Omit<PageData, 'dataset'>): PageData {
  const featureNames = p.featureNames ? { featureNames: p.featureNames } : {};
  const dataset = datasetFromRows({ rows: p.rows, labels: p.labels, ...featureNames }, p.name);
  return { ...p, dataset };
}

/** A toy set of m points with the given noise (seeded by the run's seed, so a set is the same each time). */
export function toyData(kind: ToyKind, m: number, noise: number, seed: number): PageData {
  const { rows, labels } = toySet(kind, { m, noise, seed });
  return pageData({
    name: kind,
    kind: 'toy',
    rows: { data: Float64Array.from(rows.flat()), shape: [m, 2] },
    labels,
    featureNames: ['x1', 'x2'],
    cliData: `${kind}.csv`,
    needsDownload: true,
    made: `noise ${noise}`,
  });
}

/** The MNIST subset as scripts/build-playground.mjs writes it: uint8 pixels in base64, digits as numbers. */
interface MnistAsset {
  shape: [number, number];
  width: number;
  height: number;
  pixels: string;
  labels: number[];
  about: string;
}

/** The built-in sets, fetched from data/ beside the page once. */
const builtins = new Map<string, Promise<PageData>>();

export function builtinData(name: 'mnist' | 'iris'): Promise<PageData> {
  let p = builtins.get(name);
  if (!p) {
    p = name === 'iris' ? loadIris() : loadMnist();
    builtins.set(name, p);
    p.catch(() => builtins.delete(name));
  }
  return p;
}

async function fetchJson<T>(path: string): Promise<T> {
  const res = await fetch(path);
  if (!res.ok) throw new DataError(`${path}: the page could not fetch it (HTTP ${res.status})`);
  return (await res.json()) as T;
}

async function loadIris(): Promise<PageData> {
  const a = await fetchJson<{ rows: number[][]; labels: string[]; featureNames: string[] }>('data/iris.json');
  return pageData({
    name: 'iris',
    kind: 'table',
    rows: { data: Float64Array.from(a.rows.flat()), shape: [a.rows.length, a.rows[0]!.length] },
    labels: a.labels,
    featureNames: a.featureNames,
    cliData: 'builtin:iris',
    needsDownload: false,
  });
}

async function loadMnist(): Promise<PageData> {
  const a = await fetchJson<MnistAsset>('data/mnist-2000.json');
  const bytes = Uint8Array.from(atob(a.pixels), (c) => c.charCodeAt(0));
  return pageData({
    name: 'MNIST subset',
    kind: 'images',
    rows: { data: Float64Array.from(bytes), shape: a.shape },
    labels: a.labels,
    image: { width: a.width, height: a.height },
    cliData: 'mnist-2000.csv',
    needsDownload: true,
    made: a.about,
  });
}

/** What the page reads from dropped files, for the message that refuses the others. */
const READS = 'a .csv or .tsv with a header row, or a pair of .npy files (features X.npy and labels y.npy)';

/**
 * A dropped file (a CSV or TSV), or two (X.npy and y.npy: the labels' name holds 'y' or 'label'), read
 * with the library's loaders. Errors are the loaders' DataErrors (file, line, rule) or say what the page
 * reads.
 */
export async function fileData(files: readonly File[]): Promise<PageData> {
  const names = files.map((f) => f.name).join(' and ');
  if (files.length === 0) throw new DataError(`no file: drop ${READS}`);
  const npy = files.filter((f) => /\.npy$/i.test(f.name));
  if (npy.length === files.length) return npyData(npy);
  if (files.length > 1) throw new DataError(`${names}: drop one CSV, or X.npy with y.npy; the page reads ${READS}`);
  const file = files[0]!;
  if (!/\.(csv|tsv)$/i.test(file.name))
    throw new DataError(`${file.name}: not a data file the page reads; it reads ${READS}`, file.name);
  const text = await file.text();
  const delimiter = file.name.toLowerCase().endsWith('.tsv') ? { delimiter: '\t' } : {};
  try {
    return fromDataset(parseCsv(text, file.name, delimiter));
  } catch (e) {
    // No column named label, y, class…: the page has no --label, so the last column is the label.
    if (!(e instanceof DataError) || !e.message.startsWith(`${file.name}: name the label column`)) throw e;
    const data = fromDataset(parseCsv(text, file.name, { ...delimiter, label: '-1' }));
    return { ...data, made: 'the last column is the label' };
  }
}

async function npyData(files: readonly File[]): Promise<PageData> {
  if (files.length !== 2)
    throw new DataError(
      `${files.map((f) => f.name).join(' and ')}: a .npy holds only features or only labels; drop X.npy and y.npy together`,
    );
  const isLabels = (f: File) => /(^|[^a-z])(y|labels?|targets?)([^a-z]|$)/i.test(f.name.replace(/\.npy$/i, ''));
  const y = files.find(isLabels) ?? files[1]!;
  const x = files.find((f) => f !== y)!;
  const [xb, yb] = await Promise.all([x, y].map(async (f) => new Uint8Array(await f.arrayBuffer())));
  return fromDataset(npyPair(xb!, x.name, yb!, y.name));
}

/** A loader's Dataset as the page's rows and labels (the labels as the file had them: names or numbers). */
function fromDataset(d: Dataset): PageData {
  const X = toMatrix(d.X);
  const [n, m] = [X.rows, X.cols];
  if (d.labels.rows !== 1)
    throw new DataError(`${d.source}: has ${d.labels.rows} label columns; the playground trains on one`, d.source);
  const data = new Float64Array(m * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) data[j * n + i] = X.data[i * m + j]!;
  const raw = Array.from(d.labels.data);
  const labels = d.classes
    ? d.classKind === 'number'
      ? raw.map((c) => Number(d.classes![c]))
      : raw.map((c) => d.classes![c]!)
    : raw;
  const name = d.source.split(/[\\/]/).pop()!;
  return pageData({
    name,
    kind: 'table',
    rows: { data, shape: [m, n] },
    labels,
    ...(d.featureNames ? { featureNames: d.featureNames } : {}),
    cliData: name.replace(/\.(npy|tsv)$/i, '') + (/\.csv$/i.test(name) ? '' : '.csv'),
    needsDownload: true,
  });
}

/** The split the run will make: the library's rule (`--split auto`) with the run's seed. */
export function splitOf(data: PageData, seed: number): SplitResult {
  return trainDevTestSplit(data.dataset, { ratios: 'auto', seed });
}

/** The data as the CSV the command line reads: the features, then the label column. */
export function csvOf(data: PageData): string {
  const [m, n] = data.rows.shape;
  const names = data.featureNames ?? Array.from({ length: n }, (_, i) => `x${i + 1}`);
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [[...names, 'label'].map(quote).join(',')];
  for (let j = 0; j < m; j++) {
    const row = Array.from(data.rows.data.subarray(j * n, (j + 1) * n), String);
    lines.push(`${row.join(',')},${quote(String(data.labels[j]))}`);
  }
  return lines.join('\n') + '\n';
}
