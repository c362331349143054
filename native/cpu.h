// What the CPU and the OS let us run, asked at run time (cpuid and xgetbv on x86-64).
#pragma once

namespace lnn {

/** AVX2 and FMA in the CPU, and YMM state enabled by the OS. */
bool cpuHasAvx2Fma();
/** AVX-512F in the CPU, and opmask and ZMM state enabled by the OS (besides AVX2 and FMA). */
bool cpuHasAvx512f();

}  // namespace lnn
