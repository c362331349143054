import type { Backend } from '../backend/backend.js';
import type { Parameters } from '../nn/params.js';

/** Copies every W[l], b[l] into new matrices of the same backend. */
export function copyParameters(parameters: Parameters, backend: Backend): Parameters {
  const out: Parameters = {};
  for (const [k, M] of Object.entries(parameters)) {
    out[k] = backend.zeros(M.rows, M.cols, M.dtype);
    backend.copy(M, out[k]!);
  }
  return out;
}

/**
 * Early stopping on dev error: keeps a copy of the parameters with the best dev error seen, and says
 * to stop when `patience` evaluations in a row have not improved on it by more than `minDelta`.
 */
export class EarlyStopping {
  bestError = Infinity;
  bestIteration = 0;
  /** Whether any evaluation was observed (the copy holds something worth restoring). */
  observed = false;
  private waited = 0;
  private readonly best: Parameters;

  constructor(
    parameters: Parameters,
    private readonly backend: Backend,
    readonly patience: number,
    readonly minDelta = 0,
  ) {
    this.best = copyParameters(parameters, backend);
  }

  /** Records the dev error at `iteration` for the current parameters; returns false when it is time to stop. */
  observe(iteration: number, devError: number, parameters: Parameters): boolean {
    this.observed = true;
    if (devError < this.bestError - this.minDelta) {
      this.bestError = devError;
      this.bestIteration = iteration;
      this.waited = 0;
      for (const k of Object.keys(parameters)) this.backend.copy(parameters[k]!, this.best[k]!);
      return true;
    }
    return ++this.waited < this.patience;
  }

  /** Puts the best parameters back into `parameters`. */
  restore(parameters: Parameters): void {
    for (const k of Object.keys(parameters)) this.backend.copy(this.best[k]!, parameters[k]!);
  }

  dispose(): void {
    for (const M of Object.values(this.best)) this.backend.free(M);
  }
}
