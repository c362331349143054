// The kernel table every instruction-set variant fills in, one per dtype. Plain data only: this header
// is included by translation units compiled with different -m flags (AVX2, AVX-512, none), and any
// inline function defined here could be emitted by one of them and picked by the linker for another.
#pragma once
#include <stddef.h>
#include <stdint.h>

// The activation and loss codes (enum Activation, enum Loss), generated from src/backend/kernel-spec.ts.
#include "codes.h"

namespace lnn {

class Pool;

/**
 * The Backend interface's kernels over row-major storage, for one element type T, in the argument
 * order of src/backend/kernel-spec.ts (less the dimensions the addon derives). Matrices other than
 * gemm's are contiguous (rows, cols); sizes are element counts. Scalars arrive as double and
 * each kernel rounds them as its dtype needs.
 */
template <class T>
struct Kernels {
  /**
   * C = alpha·op(A)·op(B) + beta·C; op(A): (M, K), op(B): (K, N), C: (M, N), each stored row-major with
   * the given row stride (A as (K, M) when transposed, B as (N, K)); beta = 0 never reads C.
   */
  void (*gemm)(Pool& pool, bool transA, bool transB, int64_t M, int64_t N, int64_t K, double alpha, const T* A,
               int64_t lda, const T* B, int64_t ldb, double beta, T* C, int64_t ldc);
  /** Z += b over columns.  Z: (n, m), b: (n, 1). */
  void (*addBias)(Pool& pool, T* Z, const T* b, int64_t n, int64_t m);
  void (*activationForward)(Pool& pool, int kind, const T* Z, T* A, int64_t n, int64_t m, double alpha);
  void (*activationBackward)(Pool& pool, int kind, const T* dA, const T* Z, const T* A, T* dZ, int64_t n, int64_t m,
                             double alpha);
  /**
   * A = g(Z), dropped = A ⊙ D / keepProb; with `draw`, D (bytes) drawn first from the Philox stream of key
   * (seed, layer) at `step`, this call's row i being row row0 + i of it (dropout.h).  All (n, m).
   */
  void (*dropoutForward)(Pool& pool, int kind, const T* Z, T* A, uint8_t* D, T* dropped, int64_t n, int64_t m,
                         double alpha, double keepProb, bool draw, uint32_t seed, uint64_t step, uint32_t layer,
                         int64_t row0);
  /** dZ = g'(Z) applied to dA ⊙ D / keepProb.  All (n, m). */
  void (*dropoutBackward)(Pool& pool, int kind, const T* dA, const T* Z, const T* A, const uint8_t* D, T* dZ,
                          int64_t n, int64_t m, double alpha, double keepProb);
  /** out = scale · Σ_columns X.  X: (n, m), out: (n, 1). */
  void (*sumColumns)(Pool& pool, const T* X, T* out, int64_t n, int64_t m, double scale);
  double (*lossSum)(int kind, const T* AL, const T* Y, int64_t size, double eps);
  void (*lossGradient)(int kind, const T* AL, const T* Y, T* dAL, int64_t size, double eps);
  void (*subtract)(const T* AL, const T* Y, T* dZ, int64_t size);
  /** Y = alpha·X + beta·Y. */
  void (*axpby)(Pool& pool, double alpha, const T* X, double beta, T* Y, int64_t size);
  void (*multiply)(const T* X, const T* D, T* out, int64_t size);
  double (*sumSquares)(const T* X, int64_t size);
  void (*momentumStep)(Pool& pool, T* W, const T* dW, T* v, int64_t size, double lr, double beta);
  /** c1 = 1 - β1^t, c2 = 1 - β2^t, computed by the caller. */
  void (*adamStep)(Pool& pool, T* W, const T* dW, T* v, T* s, int64_t size, double lr, double beta1, double beta2,
                   double eps, double c1, double c2);
  void (*predictClasses)(const T* A, int32_t* out, int64_t n, int64_t m, double threshold);
  /** dst = src (memmove: they may overlap). */
  void (*copy)(const T* src, T* dst, int64_t size);
};

/** One instruction-set variant: its name, the scratch its GEMM needs per thread, its micro-tiles, both dtypes. */
struct Isa {
  const char* name;
  size_t scratchBytes;
  /** MR × NR of the float32 micro-kernel, then of the float64 one. */
  int tiles[4];
  Kernels<float> f32;
  Kernels<double> f64;
};

// Defined in isa_*.cc; the x86 ones exist only in x86-64 builds.
const Isa* isaPortable();
#if defined(LNN_X86_ISAS)
const Isa* isaAvx2();
const Isa* isaAvx512();
const Isa* isaAvx512LayoutOnAvx2();
#endif

}  // namespace lnn
