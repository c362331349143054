// The AVX-512 variant's source and geometry (64-byte vectors, 8 × 32 and 8 × 16 micro-tiles, the same
// cache blocks) compiled for AVX2, where the compiler splits each vector in two. Never chosen by
// default: LNN_NATIVE_ISA=avx512-layout runs the AVX-512 kernels' loops, packing and edge handling on a
// machine without AVX-512, so the test suite exercises them here too.
#if !defined(__AVX2__) || !defined(__FMA__)
#error "isa_avx512_layout.cc must be compiled with -mavx2 -mfma"
#endif
#define LNN_VB 64
#define LNN_F32 8, 2, 128, 256, 3072
#define LNN_F64 8, 2, 96, 256, 1536
#define LNN_F32_SHORT 5, 2, 125, 256, 3072
#define LNN_F64_SHORT 5, 2, 95, 256, 1536
#define LNN_NAME "avx512-layout"
#define LNN_ENTRY lnn::isaAvx512LayoutOnAvx2
#include "isa_table.h"
