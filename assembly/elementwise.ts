// Elementwise and column-wise kernels for f32 and f64. Matrices are row-major (n, m): row i is
// m contiguous values, so a column j is strided and column-wise work runs over rows with the
// columns in SIMD lanes. Pointers are byte offsets into linear memory; sizes are element counts.
import { BINARY_CROSS_ENTROPY, CATEGORICAL_CROSS_ENTROPY, LEAKY_RELU, LINEAR, MEAN_SQUARED_ERROR } from './codes';
import { RELU, SIGMOID, SOFTMAX, TANH } from './codes';
import { expT, hsum, lanes, madd, tanhT } from './simd';

// The codes are generated from src/backend/kernel-spec.ts (assembly/codes.ts). A code without a branch
// here traps (unreachable) rather than taking some other kind's branch: a kind added to kernel-spec.ts
// but not here fails loudly in the backend tests.

/** Traps unless `kind` is a loss code. */
function checkLoss(kind: i32): void {
  if (kind != BINARY_CROSS_ENTROPY && kind != CATEGORICAL_CROSS_ENTROPY && kind != MEAN_SQUARED_ERROR) unreachable();
}

/** Z += b broadcast over columns.  Z: (n, m), b: (n, 1). */
export function addBias<T>(Z: usize, b: usize, n: i32, m: i32): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  for (let i = 0; i < n; i++) {
    const bi = load<T>(b + <usize>i * S);
    const vb = v128.splat<T>(bi);
    let p = Z + <usize>(i * m) * S;
    let j = 0;
    for (; j + L <= m; j += L, p += 16) v128.store(p, v128.add<T>(v128.load(p), vb));
    for (; j < m; j++, p += S) store<T>(p, load<T>(p) + bi);
  }
}

/** A = g(Z) elementwise for every kind but softmax.  Z, A: `size` values; A may be Z. */
function activationElementwise<T>(kind: i32, Z: usize, A: usize, size: i32, alpha: T): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  let x = 0;
  if (kind == RELU || kind == LEAKY_RELU) {
    const zero = v128.splat<T>(0);
    const va = v128.splat<T>(alpha);
    const leaky = kind == LEAKY_RELU;
    for (; x + L <= size; x += L) {
      const z = v128.load(Z + <usize>x * S);
      const pos = v128.gt<T>(z, zero);
      v128.store(A + <usize>x * S, v128.bitselect(z, leaky ? v128.mul<T>(z, va) : zero, pos));
    }
    for (; x < size; x++) {
      const z = load<T>(Z + <usize>x * S);
      store<T>(A + <usize>x * S, z > 0 ? z : leaky ? alpha * z : <T>0);
    }
  } else if (kind == TANH) {
    for (; x < size; x++) store<T>(A + <usize>x * S, tanhT<T>(load<T>(Z + <usize>x * S)));
  } else if (kind == SIGMOID) {
    // The course's 1/(1+e^-z): e^-z overflows to Infinity for very negative z and gives 0, never NaN.
    for (; x < size; x++) store<T>(A + <usize>x * S, <T>1 / (<T>1 + expT<T>(-load<T>(Z + <usize>x * S))));
  } else if (kind == LINEAR) {
    if (Z != A) memory.copy(A, Z, <usize>size * S);
  } else {
    unreachable();
  }
}

/**
 * Column-wise softmax, stable: A[:, j] = exp(Z[:, j] - max_i Z[i, j]) / Σ_i exp(...).
 * Z, A: (n, m); A may be Z. scratch: 16·m bytes (the column maxima, then the f64 sums).
 */
function softmaxColumns<T>(Z: usize, A: usize, n: i32, m: i32, scratch: usize): void {
  const S = sizeof<T>();
  const mx = scratch;
  const sum = scratch + <usize>m * 8;
  for (let j = 0; j < m; j++) {
    store<T>(mx + <usize>j * S, load<T>(Z + <usize>j * S));
    store<f64>(sum + <usize>j * 8, 0);
  }
  for (let i = 1; i < n; i++) {
    const zi = Z + <usize>(i * m) * S;
    for (let j = 0; j < m; j++) {
      const z = load<T>(zi + <usize>j * S);
      if (z > load<T>(mx + <usize>j * S)) store<T>(mx + <usize>j * S, z);
    }
  }
  // exp(z - max) and the sums in f64 whatever T: the f32 difference would cost |z - max|·u
  // relative in exp, an f32 sum n·u.
  for (let i = 0; i < n; i++) {
    const zi = Z + <usize>(i * m) * S;
    const ai = A + <usize>(i * m) * S;
    for (let j = 0; j < m; j++) {
      const e = Math.exp(<f64>load<T>(zi + <usize>j * S) - <f64>load<T>(mx + <usize>j * S));
      store<T>(ai + <usize>j * S, <T>e);
      store<f64>(sum + <usize>j * 8, load<f64>(sum + <usize>j * 8) + e);
    }
  }
  for (let j = 0; j < m; j++) store<T>(mx + <usize>j * S, <T>(1.0 / load<f64>(sum + <usize>j * 8)));
  scaleColumns<T>(A, mx, n, m);
}

/** A[i, j] *= s[j].  A: (n, m), s: m values. */
function scaleColumns<T>(A: usize, s: usize, n: i32, m: i32): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  for (let i = 0; i < n; i++) {
    const ai = A + <usize>(i * m) * S;
    let j = 0;
    for (; j + L <= m; j += L) {
      const p = ai + <usize>j * S;
      v128.store(p, v128.mul<T>(v128.load(p), v128.load(s + <usize>j * S)));
    }
    for (; j < m; j++) store<T>(ai + <usize>j * S, load<T>(ai + <usize>j * S) * load<T>(s + <usize>j * S));
  }
}

/** A = g(Z), elementwise or column-wise for softmax.  Z, A: (n, m); scratch: 16·m bytes (softmax). */
export function activationForward<T>(kind: i32, Z: usize, A: usize, n: i32, m: i32, alpha: T, scratch: usize): void {
  if (kind == SOFTMAX) softmaxColumns<T>(Z, A, n, m, scratch);
  else activationElementwise<T>(kind, Z, A, n * m, alpha);
}

/**
 * dZ = dA * g'(Z); for softmax dZ = A * (dA - Σ_i dA·A) per column. Sigmoid and tanh read A = g(Z).
 * dA, Z, A, dZ: (n, m); dZ may be dA. scratch: m f64 values (softmax).
 */
export function activationBackward<T>(
  kind: i32,
  dA: usize,
  Z: usize,
  A: usize,
  dZ: usize,
  n: i32,
  m: i32,
  alpha: T,
  scratch: usize,
): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const size = n * m;
  let x = 0;
  if (kind == RELU || kind == LEAKY_RELU) {
    const zero = v128.splat<T>(0);
    const va = v128.splat<T>(alpha);
    const leaky = kind == LEAKY_RELU;
    for (; x + L <= size; x += L) {
      const o = <usize>x * S;
      const d = v128.load(dA + o);
      const pos = v128.gt<T>(v128.load(Z + o), zero);
      v128.store(dZ + o, v128.bitselect(d, leaky ? v128.mul<T>(d, va) : zero, pos));
    }
    for (; x < size; x++) {
      const o = <usize>x * S;
      const d = load<T>(dA + o);
      store<T>(dZ + o, load<T>(Z + o) > 0 ? d : leaky ? alpha * d : <T>0);
    }
  } else if (kind == TANH || kind == SIGMOID) {
    const one = v128.splat<T>(1);
    const tanh = kind == TANH;
    for (; x + L <= size; x += L) {
      const o = <usize>x * S;
      const a = v128.load(A + o);
      const g = tanh ? v128.sub<T>(one, v128.mul<T>(a, a)) : v128.mul<T>(a, v128.sub<T>(one, a));
      v128.store(dZ + o, v128.mul<T>(v128.load(dA + o), g));
    }
    for (; x < size; x++) {
      const o = <usize>x * S;
      const a = load<T>(A + o);
      store<T>(dZ + o, load<T>(dA + o) * (tanh ? <T>1 - a * a : a * (<T>1 - a)));
    }
  } else if (kind == SOFTMAX) {
    // In f64 whatever T: dA - Σ dA·A cancels, and the f32 rounding of the sum would show through.
    const dot = scratch;
    memory.fill(dot, 0, <usize>m * 8);
    for (let i = 0; i < n; i++) {
      const o = <usize>(i * m) * S;
      for (let j = 0; j < m; j++) {
        const q = o + <usize>j * S,
          p = dot + <usize>j * 8;
        store<f64>(p, load<f64>(p) + <f64>load<T>(dA + q) * <f64>load<T>(A + q));
      }
    }
    for (let i = 0; i < n; i++) {
      const o = <usize>(i * m) * S;
      for (let j = 0; j < m; j++) {
        const q = o + <usize>j * S;
        store<T>(dZ + q, <T>(<f64>load<T>(A + q) * (<f64>load<T>(dA + q) - load<f64>(dot + <usize>j * 8))));
      }
    }
  } else if (kind == LINEAR) {
    if (dZ != dA) memory.copy(dZ, dA, <usize>size * S);
  } else {
    unreachable();
  }
}

/** out = scale · Σ_columns X.  X: (n, m), out: (n, 1). */
export function sumColumns<T>(X: usize, out: usize, n: i32, m: i32, scale: T): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  for (let i = 0; i < n; i++) {
    let p = X + <usize>(i * m) * S;
    let acc = v128.splat<T>(0);
    let j = 0;
    for (; j + L <= m; j += L, p += 16) acc = v128.add<T>(acc, v128.load(p));
    let s = hsum<T>(acc);
    for (; j < m; j++, p += S) s += <f64>load<T>(p);
    store<T>(out + <usize>i * S, <T>(<f64>scale * s));
  }
}

/** Σ loss over all entries of AL, Y (`size` values), log clamped below at eps. */
export function lossSum<T>(kind: i32, AL: usize, Y: usize, size: i32, eps: f64): f64 {
  checkLoss(kind);
  const S = sizeof<T>();
  let s: f64 = 0;
  for (let x = 0; x < size; x++) {
    const a = <f64>load<T>(AL + <usize>x * S);
    const y = <f64>load<T>(Y + <usize>x * S);
    if (kind == BINARY_CROSS_ENTROPY) {
      // Terms with a zero weight are skipped: 0·log(0) is 0 here, not NaN.
      if (y != 0) s -= y * Math.log(Math.max(a, eps));
      if (y != 1) s -= (1 - y) * Math.log(Math.max(1 - a, eps));
    } else if (kind == CATEGORICAL_CROSS_ENTROPY) {
      if (y != 0) s -= y * Math.log(Math.max(a, eps));
    } else {
      s += 0.5 * (a - y) * (a - y); // MSE
    }
  }
  return s;
}

/** dAL = ∂loss/∂AL per entry (binary: -(Y/AL - (1-Y)/(1-AL))), denominators clamped at eps. */
export function lossGradient<T>(kind: i32, AL: usize, Y: usize, dAL: usize, size: i32, eps: f64): void {
  checkLoss(kind);
  const S = sizeof<T>();
  for (let x = 0; x < size; x++) {
    const o = <usize>x * S;
    const a = <f64>load<T>(AL + o);
    const y = <f64>load<T>(Y + o);
    let d: f64;
    if (kind == BINARY_CROSS_ENTROPY) d = -(y / Math.max(a, eps) - (1 - y) / Math.max(1 - a, eps));
    else if (kind == CATEGORICAL_CROSS_ENTROPY) d = -y / Math.max(a, eps);
    else d = a - y; // MSE
    store<T>(dAL + o, <T>d);
  }
}

/** Y = alpha · X + beta · Y, and with beta = 1, alpha = -1 and X, Y swapped: out = X - Y (subtract). */
export function axpby<T>(alpha: T, X: usize, beta: T, Y: usize, size: i32): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const va = v128.splat<T>(alpha),
    vb = v128.splat<T>(beta);
  let x = 0;
  for (; x + L <= size; x += L) {
    const o = <usize>x * S;
    v128.store(Y + o, madd<T>(va, v128.load(X + o), v128.mul<T>(vb, v128.load(Y + o))));
  }
  for (; x < size; x++) {
    const o = <usize>x * S;
    store<T>(Y + o, alpha * load<T>(X + o) + beta * load<T>(Y + o));
  }
}

/** out = X - Y.  All `size` values; out may be X or Y. */
export function subtract<T>(X: usize, Y: usize, out: usize, size: i32): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  let x = 0;
  for (; x + L <= size; x += L) {
    const o = <usize>x * S;
    v128.store(out + o, v128.sub<T>(v128.load(X + o), v128.load(Y + o)));
  }
  for (; x < size; x++) store<T>(out + <usize>x * S, load<T>(X + <usize>x * S) - load<T>(Y + <usize>x * S));
}

/** out = X * D elementwise.  out may be X. */
export function multiply<T>(X: usize, D: usize, out: usize, size: i32): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  let x = 0;
  for (; x + L <= size; x += L) {
    const o = <usize>x * S;
    v128.store(out + o, v128.mul<T>(v128.load(X + o), v128.load(D + o)));
  }
  for (; x < size; x++) store<T>(out + <usize>x * S, load<T>(X + <usize>x * S) * load<T>(D + <usize>x * S));
}

/** dst = src.  `size` values. */
export function copy<T>(src: usize, dst: usize, size: i32): void {
  memory.copy(dst, src, <usize>size * sizeof<T>());
}

/** Σ X² over `size` values, accumulated in f64. */
export function sumSquares<T>(X: usize, size: i32): f64 {
  const S = sizeof<T>();
  let s: f64 = 0;
  for (let x = 0; x < size; x++) {
    const v = <f64>load<T>(X + <usize>x * S);
    s += v * v;
  }
  return s;
}

/** Momentum: v = beta·v + (1-beta)·dW; W -= lr·v.  All `size` values. */
export function momentumStep<T>(W: usize, dW: usize, v: usize, size: i32, lr: T, beta: T): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const vb = v128.splat<T>(beta),
    vb1 = v128.splat<T>(<T>1 - beta),
    vlr = v128.splat<T>(-lr);
  let x = 0;
  for (; x + L <= size; x += L) {
    const o = <usize>x * S;
    const vv = madd<T>(vb1, v128.load(dW + o), v128.mul<T>(vb, v128.load(v + o)));
    v128.store(v + o, vv);
    v128.store(W + o, madd<T>(vlr, vv, v128.load(W + o)));
  }
  for (; x < size; x++) {
    const o = <usize>x * S;
    const vv = beta * load<T>(v + o) + (<T>1 - beta) * load<T>(dW + o);
    store<T>(v + o, vv);
    store<T>(W + o, load<T>(W + o) - lr * vv);
  }
}

/**
 * Adam: v = β1·v + (1-β1)·dW; s = β2·s + (1-β2)·dW²; W -= lr·(v/c1) / (sqrt(s/c2) + eps), with the
 * bias corrections c1 = 1-β1^t, c2 = 1-β2^t computed by the caller.
 */
export function adamStep<T>(
  W: usize,
  dW: usize,
  v: usize,
  s: usize,
  size: i32,
  lr: T,
  beta1: T,
  beta2: T,
  eps: T,
  c1: T,
  c2: T,
): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  const vb1 = v128.splat<T>(beta1),
    vb1c = v128.splat<T>(<T>1 - beta1);
  const vb2 = v128.splat<T>(beta2),
    vb2c = v128.splat<T>(<T>1 - beta2);
  const vlr = v128.splat<T>(lr),
    vc1 = v128.splat<T>(c1),
    vc2 = v128.splat<T>(c2),
    veps = v128.splat<T>(eps);
  let x = 0;
  for (; x + L <= size; x += L) {
    const o = <usize>x * S;
    const g = v128.load(dW + o);
    const vv = madd<T>(vb1c, g, v128.mul<T>(vb1, v128.load(v + o)));
    const ss = madd<T>(vb2c, v128.mul<T>(g, g), v128.mul<T>(vb2, v128.load(s + o)));
    v128.store(v + o, vv);
    v128.store(s + o, ss);
    const step = v128.div<T>(
      v128.mul<T>(vlr, v128.div<T>(vv, vc1)),
      v128.add<T>(v128.sqrt<T>(v128.div<T>(ss, vc2)), veps),
    );
    v128.store(W + o, v128.sub<T>(v128.load(W + o), step));
  }
  for (; x < size; x++) {
    const o = <usize>x * S;
    const g = load<T>(dW + o);
    const vv = beta1 * load<T>(v + o) + (<T>1 - beta1) * g;
    const ss = beta2 * load<T>(s + o) + (<T>1 - beta2) * g * g;
    store<T>(v + o, vv);
    store<T>(s + o, ss);
    store<T>(W + o, load<T>(W + o) - (lr * (vv / c1)) / (<T>Math.sqrt(<f64>(ss / c2)) + eps));
  }
}

/** out[j] = argmax_i A[i, j] (first on ties), or for n = 1, 1 where A[0, j] > threshold.  A: (n, m), out: m i32. */
export function predictClasses<T>(A: usize, out: usize, n: i32, m: i32, threshold: f64): void {
  const S = sizeof<T>();
  if (n == 1) {
    for (let j = 0; j < m; j++) store<i32>(out + <usize>j * 4, <f64>load<T>(A + <usize>j * S) > threshold ? 1 : 0);
    return;
  }
  for (let j = 0; j < m; j++) {
    let best = 0;
    let bv = load<T>(A + <usize>j * S);
    for (let i = 1; i < n; i++) {
      const v = load<T>(A + <usize>(i * m + j) * S);
      if (v > bv) {
        bv = v;
        best = i;
      }
    }
    store<i32>(out + <usize>j * 4, best);
  }
}
