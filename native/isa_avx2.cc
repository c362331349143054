// AVX2 + FMA kernels (compiled with -mavx2 -mfma; called only when cpuid and the OS say both are there).
// 6 × 16 float32 and 6 × 8 float64 micro-tiles: 12 accumulators, 2 B vectors and 1 broadcast of the
// 16 ymm registers, as in BLIS's Haswell kernels.
#if !defined(__AVX2__) || !defined(__FMA__)
#error "isa_avx2.cc must be compiled with -mavx2 -mfma"
#endif
#define LNN_VB 32
#define LNN_F32 6, 2, 120, 256, 3072
#define LNN_F64 6, 2, 96, 256, 1536
#define LNN_F32_SHORT 5, 2, 120, 256, 3072
#define LNN_F64_SHORT 5, 2, 95, 256, 1536
#define LNN_NAME "avx2"
#define LNN_ENTRY lnn::isaAvx2
#include "isa_table.h"
