// One instruction-set variant's kernel table, from the templates. Included at file scope by isa_*.cc
// after defining:
//   LNN_VB            vector bytes (16, 32, 64)
//   LNN_F32, LNN_F64  each dtype's GEMM: MR, NV (micro-tile MR × NV vectors), MC, KC, NC (cache blocks)
//   LNN_F32_SHORT, LNN_F64_SHORT  the same with MR = 5, for C with few rows where MR would pad a lot
//   LNN_NAME          the variant's name
//   LNN_ENTRY         the lnn:: function that returns its table
#include <math.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels.h"
#include "pool.h"

namespace {

using lnn::Pool;

#include "gemm.h"
#include "elementwise.h"
#include "dropout.h"

typedef Gemm<float, LNN_VB, LNN_F32> GemmF32;
typedef Gemm<double, LNN_VB, LNN_F64> GemmF64;
typedef Gemm<float, LNN_VB, LNN_F32_SHORT> GemmF32Short;
typedef Gemm<double, LNN_VB, LNN_F64_SHORT> GemmF64Short;

/**
 * gemm with the micro-tile that pads C's rows least: layers of few units (W1's 20 rows run as 4 tiles
 * of 5, not 3 of 6 and one of 2, a sixth of the work wasted). The taller tile wins ties.
 */
template <class Tall, class Short>
struct GemmChoice {
  typedef decltype(Tall::scratchBytes) Size;
  static constexpr Size scratchBytes = Tall::scratchBytes > Short::scratchBytes ? Tall::scratchBytes : Short::scratchBytes;
  static constexpr int mr = Tall::mr, NR = Tall::NR;
  template <class T>
  static void run(Pool& pool, bool tA, bool tB, int64_t M, int64_t N, int64_t K, double alpha, const T* A,
                  int64_t lda, const T* B, int64_t ldb, double beta, T* C, int64_t ldc) {
    int64_t padTall = ceilDiv(M, Tall::mr) * Tall::mr - M, padShort = ceilDiv(M, Short::mr) * Short::mr - M;
    if (M <= kShortRows && padShort < padTall)
      Short::run(pool, tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    else
      Tall::run(pool, tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  }
  /** Above this many rows, padding is a few percent at most and the taller tile's speed wins. */
  static constexpr int64_t kShortRows = 64;
};
typedef GemmChoice<GemmF32, GemmF32Short> GemmF32Any;
typedef GemmChoice<GemmF64, GemmF64Short> GemmF64Any;

template <class T, class G>
constexpr lnn::Kernels<T> table() {
  typedef Ops<T, LNN_VB> O;
  typedef Dropout<T, LNN_VB> D;
  return lnn::Kernels<T>{
      &G::template run<T>, &O::addBias,      &O::activationForward, &O::activationBackward,
      &D::forward,         &D::backward,     &O::sumColumns,        &O::lossSum,
      &O::lossGradient,    &O::subtract,     &O::axpby,             &O::multiply,
      &O::sumSquares,      &O::momentumStep, &O::adamStep,          &O::predictClasses,
      &O::copy,
  };
}

const lnn::Isa kIsa = {
    LNN_NAME,
    GemmF32Any::scratchBytes > GemmF64Any::scratchBytes ? GemmF32Any::scratchBytes : GemmF64Any::scratchBytes,
    {GemmF32::mr, GemmF32::NR, GemmF64::mr, GemmF64::NR},
    table<float, GemmF32Any>(),
    table<double, GemmF64Any>(),
};

}  // namespace

const lnn::Isa* LNN_ENTRY() { return &kIsa; }
