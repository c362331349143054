// AVX-512 kernels (compiled with -mavx512f; called only when cpuid and the OS say AVX-512F state is on).
// 8 × 32 float32 and 8 × 16 float64 micro-tiles: 16 zmm accumulators, enough to cover two FMA ports'
// latency, and a short MR so that layers of 20 or 10 units waste little of a tile.
#if !defined(__AVX512F__)
#error "isa_avx512.cc must be compiled with -mavx512f"
#endif
#define LNN_VB 64
#define LNN_F32 8, 2, 128, 256, 3072
#define LNN_F64 8, 2, 96, 256, 1536
#define LNN_F32_SHORT 5, 2, 125, 256, 3072
#define LNN_F64_SHORT 5, 2, 95, 256, 1536
#define LNN_NAME "avx512"
#define LNN_ENTRY lnn::isaAvx512
#include "isa_table.h"
