// The portable kernels: 16-byte vectors, which the compiler maps to the baseline of the target (SSE2 on
// x86-64, NEON on arm64) with no -m flag, so they run on any CPU of the architecture.
#define LNN_VB 16
#define LNN_F32 6, 2, 96, 256, 2048
#define LNN_F64 6, 2, 96, 256, 2048
#define LNN_F32_SHORT 5, 2, 95, 256, 2048
#define LNN_F64_SHORT 5, 2, 95, 256, 2048
#define LNN_NAME "portable"
#define LNN_ENTRY lnn::isaPortable
#include "isa_table.h"
