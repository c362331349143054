/**
 * lnn: deep L-layer neural networks, correct to the course's formulas.
 * The Node entry: everything in `lnn/browser`, plus the file loaders and model files.
 *
 * @example
 * import { initBackends, loadDataset, trainDevTestSplit, targets, Model } from 'lnn';
 * await initBackends();                                  // WebAssembly SIMD kernels on every core
 * const data = await loadDataset({ data: 'builtin:iris' });
 * const { train, dev } = trainDevTestSplit(data, { seed: 1 });
 * const model = Model.create({ dims: [4, 16, 3], output: 'softmax', classes: data.classes, normalize: 'standard' });
 * model.fit(train.X, targets(train, 'softmax'), { learningRate: 0.01, optimizer: 'adam', iterations: 500 });
 * model.evaluate(dev.X, targets(dev, 'softmax')).accuracy  // => about 0.97
 */
import './data/register.js';

export * from './browser.js';
export { loadDataset, loadNpyPair, registerReader, type DataSpec } from './data/load.js';
export { loadBuiltin } from './data/builtin.js';
export { loadNpyRows, openNpyRows } from './data/npy-file.js';
export { saveModel, loadModel } from './io/modelIO.js';
export { writeFileAtomic, readJsonFile } from './io/files.js';
