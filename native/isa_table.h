// One instruction-set variant's kernel table, from the templates. Included at file scope by isa_*.cc
// after defining:
//   LNN_VB            vector bytes (16, 32, 64)
//   LNN_F32, LNN_F64  each dtype's GEMM: MR, NV (micro-tile MR × NV vectors), MC, KC, NC (cache blocks)
//   LNN_NAME          the variant's name
//   LNN_ENTRY         the lnn:: function that returns its table
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels.h"
#include "pool.h"

namespace {

using lnn::Pool;

#include "gemm.h"
#include "elementwise.h"

typedef Gemm<float, LNN_VB, LNN_F32> GemmF32;
typedef Gemm<double, LNN_VB, LNN_F64> GemmF64;

template <class T, class G>
constexpr lnn::Kernels<T> table() {
  typedef Ops<T, LNN_VB> O;
  return lnn::Kernels<T>{
      &G::run,        &O::addBias,      &O::activationForward, &O::activationBackward, &O::sumColumns,
      &O::lossSum,    &O::lossGradient, &O::subtract,          &O::axpby,              &O::multiply,
      &O::sumSquares, &O::momentumStep, &O::adamStep,          &O::predictClasses,
  };
}

const lnn::Isa kIsa = {
    LNN_NAME,
    GemmF32::scratchBytes > GemmF64::scratchBytes ? GemmF32::scratchBytes : GemmF64::scratchBytes,
    {GemmF32::mr, GemmF32::NR, GemmF64::mr, GemmF64::NR},
    table<float, GemmF32>(),
    table<double, GemmF64>(),
};

}  // namespace

const lnn::Isa* LNN_ENTRY() { return &kIsa; }
