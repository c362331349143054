/**
 * Two-dimensional toy sets for seeing a decision boundary: two classes (0 and 1) of points in the plane,
 * seeded, with Gaussian noise. The shapes are scikit-learn's and TensorFlow Playground's: circles (a disk
 * inside a ring, make_circles with factor 0.5), two moons (make_moons), XOR (the four quadrants) and two
 * spirals. Every set lies in about [-1.5, 1.5]² before noise. Browser-safe.
 */
import { ValueError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';

export const TOY_SETS = ['circles', 'moons', 'xor', 'spirals'] as const;
export type ToyKind = (typeof TOY_SETS)[number];

export interface ToyOptions {
  /** Examples in all, half of each class (default 400). */
  m?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.1). */
  noise?: number;
  /** Seeds the points and the noise (default 1). */
  seed?: number;
}

/** The largest toy set: a page draws every point. */
const MAX_TOY_M = 100_000;

/**
 * m points of a toy set as rows [x1, x2] with labels 0 and 1, classes alternating (example j has class
 * j mod 2), so that any prefix is balanced.
 * @example toySet('circles', { m: 4, noise: 0 }).labels // => [0, 1, 0, 1]
 * @throws ValueError for an unknown kind, m outside [2, 100000], noise outside [0, 10]
 */
export function toySet(kind: ToyKind, options: ToyOptions = {}): { rows: number[][]; labels: number[] } {
  const { m = 400, noise = 0.1, seed = 1 } = options;
  if (!TOY_SETS.includes(kind))
    throw new ValueError(`toySet: the kind must be one of ${TOY_SETS.join(', ')} but is '${String(kind)}'`);
  if (!Number.isInteger(m) || m < 2 || m > MAX_TOY_M)
    throw new ValueError(`toySet: m must be an integer in [2, ${MAX_TOY_M}] but is ${m}`);
  if (!(noise >= 0 && noise <= 10)) throw new ValueError(`toySet: noise must be a number in [0, 10] but is ${noise}`);
  const rng = new Rng(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let j = 0; j < m; j++) {
    const c = j % 2;
    const [x, y] = point(kind, c, rng);
    rows.push([x + noise * rng.randn(), y + noise * rng.randn()]);
    labels.push(c);
  }
  return { rows, labels };
}

/** One noiseless point of class c. */
function point(kind: ToyKind, c: number, rng: Rng): [number, number] {
  const u = rng.random();
  switch (kind) {
    case 'circles': {
      // class 0 on the circle of radius 1, class 1 on the one of radius 0.5 (make_circles, factor 0.5)
      const r = c === 0 ? 1 : 0.5,
        t = 2 * Math.PI * u;
      return [r * Math.cos(t), r * Math.sin(t)];
    }
    case 'moons': {
      // make_moons, centred: the upper moon (class 0) and the lower one (class 1), interlocked
      const t = Math.PI * u;
      return c === 0 ? [Math.cos(t) - 0.5, Math.sin(t) - 0.25] : [0.5 - Math.cos(t), 0.25 - Math.sin(t)];
    }
    case 'xor': {
      // class 1 where x1·x2 > 0 (first and third quadrants), each point at least 0.1 from the axes
      const sx = rng.random() < 0.5 ? -1 : 1;
      const sy = c === 1 ? sx : -sx;
      return [sx * (0.1 + 0.9 * u), sy * (0.1 + 0.9 * rng.random())];
    }
    case 'spirals': {
      // two arms of r = t, turned 1.75 times, the second arm the first turned by π
      const t = Math.sqrt(u);
      const a = 1.75 * 2 * Math.PI * t + c * Math.PI;
      return [1.4 * t * Math.cos(a), 1.4 * t * Math.sin(a)];
    }
  }
}
