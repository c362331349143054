// Every kernel of src/backend/kernel-spec.ts, by name, generic over the element type: the generated
// assembly/index.ts exports `<name>_f32` and `<name>_f64` of each one listed here (a kernel missing
// from this list fails the build there).
export { gemm } from './gemm';
export {
  addBias,
  activationForward,
  activationBackward,
  sumColumns,
  lossSum,
  lossGradient,
  subtract,
  axpby,
  multiply,
  sumSquares,
  copy,
  momentumStep,
  adamStep,
  predictClasses,
} from './elementwise';
export { dropoutForward, dropoutBackward } from './dropout';
