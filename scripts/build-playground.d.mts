/** The MNIST subset's digits of each class. */
export const MNIST_PER_DIGIT: number;
/** Writes the playground's static site to `outdir` (default dist/playground/site); resolves with its path. */
export function buildPlayground(outdir?: string): Promise<string>;
