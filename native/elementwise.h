// The elementwise and column kernels as templates over the element type, included by isa_table.h after
// gemm.h (inside the same anonymous namespace). Plain loops that GCC vectorizes for the unit's
// instruction set; transcendental functions in double through libm (which no -m flag recompiles).
// float32 matches the reference's rounding where the reference computes in double and rounds once:
// sigmoid, tanh, softmax and the losses compute in double here too; plain arithmetic stays in T.
#pragma once

// Every switch over a kind (lnn::Activation, lnn::Loss, generated from kernel-spec.ts) names each member
// and has no default, so a kind added there and not handled here stops the build with its name.
#if defined(__GNUC__)
#pragma GCC diagnostic error "-Wswitch"
#endif

/** Entries from which an elementwise kernel is split across threads (about 100 µs of one core). */
constexpr int64_t kParallelEntries = int64_t(1) << 17;
/** Columns per block of the column-wise softmax (its per-column max and sum live on the stack). */
constexpr int64_t kSoftmaxBlock = 256;

// The compiler's built-ins, not <cmath>'s inline overloads (an out-of-line copy of which could be shared
// with another unit); libm's exp, log and tanh are external functions, compiled once.
LNN_INLINE float squareRoot(float x) { return __builtin_sqrtf(x); }
LNN_INLINE double squareRoot(double x) { return __builtin_sqrt(x); }

template <class F>
struct ForJob {
  const F* f;
  int64_t n, step;
};

template <class F>
void forChunk(void* ctx, int c, int) {
  const ForJob<F>& j = *static_cast<const ForJob<F>*>(ctx);
  int64_t lo = c * j.step;
  (*j.f)(lo, minOf(j.n, lo + j.step));
}

/** f(lo, hi) over [0, n), in one chunk per thread when `entries` is large enough to pay for waking them. */
template <class F>
void parallelFor(Pool& pool, int64_t n, int64_t entries, const F& f) {
  int threads = pool.threads();
  if (threads < 2 || entries < kParallelEntries || n < 2) {
    f(int64_t(0), n);
    return;
  }
  int chunks = int(minOf<int64_t>(threads, n));
  ForJob<F> job{&f, n, ceilDiv(n, chunks)};
  pool.run(chunks, forChunk<F>, &job);
}

template <class T, int VB>
struct Ops {
  typedef Simd<T, VB> S;
  typedef typename S::V V;
  static constexpr int W = S::W;

  static void addBias(Pool& pool, T* Z, const T* b, int64_t n, int64_t m) {
    parallelFor(pool, n, n * m, [=](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; i++) {
        T bi = b[i];
        T* z = Z + i * m;
        for (int64_t j = 0; j < m; j++) z[j] += bi;
      }
    });
  }

  static void forwardRange(int kind, const T* z, T* a, int64_t lo, int64_t hi, T alpha) {
    switch (lnn::Activation(kind)) {
      case lnn::RELU:
        for (int64_t x = lo; x < hi; x++) a[x] = z[x] > T(0) ? z[x] : T(0);
        return;
      case lnn::LEAKY_RELU:
        for (int64_t x = lo; x < hi; x++) a[x] = z[x] > T(0) ? z[x] : alpha * z[x];
        return;
      case lnn::TANH:
        for (int64_t x = lo; x < hi; x++) a[x] = T(tanh(double(z[x])));
        return;
      case lnn::SIGMOID:
        // The course's 1/(1+e^-z): e^-z overflows to infinity for z < -709 and gives 0, never NaN.
        for (int64_t x = lo; x < hi; x++) a[x] = T(1.0 / (1.0 + exp(-double(z[x]))));
        return;
      case lnn::LINEAR:
        if (a != z) memmove(a + lo, z + lo, sizeof(T) * size_t(hi - lo));
        return;
      case lnn::SOFTMAX:  // column-wise: activationForward calls softmax instead
        return;
    }
  }

  static void activationForward(Pool& pool, int kind, const T* Z, T* A, int64_t n, int64_t m, double alpha) {
    if (kind == lnn::SOFTMAX) {
      softmax(Z, A, n, m);
      return;
    }
    parallelFor(pool, n * m, n * m, [=](int64_t lo, int64_t hi) { forwardRange(kind, Z, A, lo, hi, T(alpha)); });
  }

  /** Column-wise softmax, the column max subtracted first; in double, as the reference (which rounds e to T). */
  static void softmax(const T* z, T* a, int64_t n, int64_t m) {
    double mx[kSoftmaxBlock], sum[kSoftmaxBlock];
    for (int64_t j0 = 0; j0 < m; j0 += kSoftmaxBlock) {
      int64_t w = minOf(kSoftmaxBlock, m - j0);
      for (int64_t j = 0; j < w; j++) mx[j] = -HUGE_VAL, sum[j] = 0;
      for (int64_t i = 0; i < n; i++) {
        const T* zi = z + i * m + j0;
        for (int64_t j = 0; j < w; j++)
          if (double(zi[j]) > mx[j]) mx[j] = double(zi[j]);
      }
      for (int64_t i = 0; i < n; i++) {
        const T* zi = z + i * m + j0;
        T* ai = a + i * m + j0;
        for (int64_t j = 0; j < w; j++) {
          double e = exp(double(zi[j]) - mx[j]);
          ai[j] = T(e);
          sum[j] += e;
        }
      }
      for (int64_t i = 0; i < n; i++) {
        T* ai = a + i * m + j0;
        for (int64_t j = 0; j < w; j++) ai[j] = T(double(ai[j]) / sum[j]);
      }
    }
  }

  static void backwardRange(int kind, const T* da, const T* z, const T* a, T* dz, int64_t lo, int64_t hi,
                            T alpha) {
    switch (lnn::Activation(kind)) {
      case lnn::RELU:
        for (int64_t x = lo; x < hi; x++) dz[x] = z[x] > T(0) ? da[x] : T(0);
        return;
      case lnn::LEAKY_RELU:
        for (int64_t x = lo; x < hi; x++) dz[x] = z[x] > T(0) ? da[x] : alpha * da[x];
        return;
      case lnn::TANH:
        for (int64_t x = lo; x < hi; x++) dz[x] = T(double(da[x]) * (1.0 - double(a[x]) * double(a[x])));
        return;
      case lnn::SIGMOID:
        for (int64_t x = lo; x < hi; x++) dz[x] = T(double(da[x]) * double(a[x]) * (1.0 - double(a[x])));
        return;
      case lnn::LINEAR:
        if (dz != da) memmove(dz + lo, da + lo, sizeof(T) * size_t(hi - lo));
        return;
      case lnn::SOFTMAX:  // column-wise: activationBackward calls softmaxBackward instead
        return;
    }
  }

  static void activationBackward(Pool& pool, int kind, const T* dA, const T* Z, const T* A, T* dZ, int64_t n,
                                 int64_t m, double alpha) {
    if (kind == lnn::SOFTMAX) {
      softmaxBackward(dA, A, dZ, n, m);
      return;
    }
    parallelFor(pool, n * m, n * m,
                [=](int64_t lo, int64_t hi) { backwardRange(kind, dA, Z, A, dZ, lo, hi, T(alpha)); });
  }

  /** dZ = A ⊙ (dA − Σ_i dA_i A_i) per column, the softmax Jacobian-vector product, in double. */
  static void softmaxBackward(const T* da, const T* a, T* dz, int64_t n, int64_t m) {
    double dot[kSoftmaxBlock];
    for (int64_t j0 = 0; j0 < m; j0 += kSoftmaxBlock) {
      int64_t w = minOf(kSoftmaxBlock, m - j0);
      for (int64_t j = 0; j < w; j++) dot[j] = 0;
      for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < w; j++) dot[j] += double(da[i * m + j0 + j]) * double(a[i * m + j0 + j]);
      for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < w; j++) {
          int64_t x = i * m + j0 + j;
          dz[x] = T(double(a[x]) * (double(da[x]) - dot[j]));
        }
    }
  }

  /** Row sums in W lanes of T, then the lanes added: out[i] = scale · Σ_j X[i, j]. */
  static void sumColumns(Pool& pool, const T* X, T* out, int64_t n, int64_t m, double scale) {
    parallelFor(pool, n, n * m, [=](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; i++) {
        const T* x = X + i * m;
        V acc0 = S::zero(), acc1 = S::zero();
        int64_t j = 0;
        for (; j + 2 * W <= m; j += 2 * W) {
          acc0 += S::load(x + j);
          acc1 += S::load(x + j + W);
        }
        acc0 += acc1;
        T s = 0;
        for (int l = 0; l < W; l++) s += acc0[l];
        for (; j < m; j++) s += x[j];
        out[i] = T(scale * double(s));
      }
    });
  }

  /** Σ of the loss over all entries, in double and in order, as the reference. */
  static double lossSum(int kind, const T* a, const T* y, int64_t size, double eps) {
    double s = 0;
    switch (lnn::Loss(kind)) {
      case lnn::BINARY_CROSS_ENTROPY:
        for (int64_t x = 0; x < size; x++) {
          double yx = y[x], ax = a[x];
          // Terms with a zero weight are skipped: 0·log(0) is 0 here, not NaN.
          if (yx != 0) s -= yx * log(ax > eps ? ax : eps);
          if (yx != 1) s -= (1 - yx) * log(1 - ax > eps ? 1 - ax : eps);
        }
        return s;
      case lnn::CATEGORICAL_CROSS_ENTROPY:
        for (int64_t x = 0; x < size; x++)
          if (y[x] != 0) s -= double(y[x]) * log(double(a[x]) > eps ? double(a[x]) : eps);
        return s;
      case lnn::MEAN_SQUARED_ERROR:
        for (int64_t x = 0; x < size; x++) {
          double d = double(a[x]) - double(y[x]);
          s += 0.5 * d * d;
        }
        return s;
    }
    return NAN;  // the addon admits only the codes above
  }

  static void lossGradient(int kind, const T* a, const T* y, T* d, int64_t size, double eps) {
    switch (lnn::Loss(kind)) {
      case lnn::BINARY_CROSS_ENTROPY:
        for (int64_t x = 0; x < size; x++) {
          double ax = a[x], yx = y[x];
          d[x] = T(-(yx / (ax > eps ? ax : eps) - (1 - yx) / (1 - ax > eps ? 1 - ax : eps)));
        }
        return;
      case lnn::CATEGORICAL_CROSS_ENTROPY:
        for (int64_t x = 0; x < size; x++) d[x] = T(-double(y[x]) / (double(a[x]) > eps ? double(a[x]) : eps));
        return;
      case lnn::MEAN_SQUARED_ERROR:
        for (int64_t x = 0; x < size; x++) d[x] = a[x] - y[x];
        return;
    }
  }

  static void subtract(const T* a, const T* y, T* d, int64_t size) {
    for (int64_t x = 0; x < size; x++) d[x] = a[x] - y[x];
  }

  static void axpby(Pool& pool, double alpha, const T* X, double beta, T* Y, int64_t size) {
    T al = T(alpha), be = T(beta);
    parallelFor(pool, size, size, [=](int64_t lo, int64_t hi) {
      if (be == T(1))
        for (int64_t x = lo; x < hi; x++) Y[x] += al * X[x];
      else
        for (int64_t x = lo; x < hi; x++) Y[x] = al * X[x] + be * Y[x];
    });
  }

  static void copy(const T* src, T* dst, int64_t size) {
    if (size > 0 && src != dst) memmove(dst, src, sizeof(T) * size_t(size));
  }

  static void multiply(const T* X, const T* D, T* out, int64_t size) {
    for (int64_t x = 0; x < size; x++) out[x] = X[x] * D[x];
  }

  /** Σ X² in double, in eight interleaved partial sums (vectorizable, and closer to exact than one). */
  static double sumSquares(const T* X, int64_t size) {
    double p[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t x = 0;
    for (; x + 8 <= size; x += 8)
      for (int l = 0; l < 8; l++) p[l] += double(X[x + l]) * double(X[x + l]);
    double s = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
    for (; x < size; x++) s += double(X[x]) * double(X[x]);
    return s;
  }

  static void momentumStep(Pool& pool, T* Wt, const T* dW, T* v, int64_t size, double lr, double beta) {
    T b = T(beta), ob = T(1 - beta), l = T(lr);
    parallelFor(pool, size, size, [=](int64_t lo, int64_t hi) {
      for (int64_t x = lo; x < hi; x++) {
        T vx = b * v[x] + ob * dW[x];
        v[x] = vx;
        Wt[x] -= l * vx;
      }
    });
  }

  static void adamStep(Pool& pool, T* Wt, const T* dW, T* v, T* s, int64_t size, double lr, double beta1,
                       double beta2, double eps, double c1, double c2) {
    T b1 = T(beta1), ob1 = T(1 - beta1), b2 = T(beta2), ob2 = T(1 - beta2), l = T(lr), e = T(eps);
    T tc1 = T(c1), tc2 = T(c2);
    parallelFor(pool, size, size, [=](int64_t lo, int64_t hi) {
      for (int64_t x = lo; x < hi; x++) {
        T g = dW[x];
        T vx = b1 * v[x] + ob1 * g;
        T sx = b2 * s[x] + ob2 * g * g;
        v[x] = vx;
        s[x] = sx;
        Wt[x] -= (l * (vx / tc1)) / (squareRoot(sx / tc2) + e);
      }
    });
  }

  /** out[j] = argmax_i A[i, j] (first on ties), or for one row 1 where A[0, j] > threshold. */
  static void predictClasses(const T* a, int32_t* out, int64_t n, int64_t m, double threshold) {
    if (n == 1) {
      for (int64_t j = 0; j < m; j++) out[j] = double(a[j]) > threshold ? 1 : 0;
      return;
    }
    for (int64_t j = 0; j < m; j++) {
      int32_t best = 0;
      T bv = a[j];
      for (int64_t i = 1; i < n; i++)
        if (a[i * m + j] > bv) bv = a[i * m + j], best = int32_t(i);
      out[j] = best;
    }
  }
};
