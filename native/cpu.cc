// Run-time CPU feature detection. The instruction bits alone are not enough: the OS must also save the
// wider registers on a context switch (XCR0, read with xgetbv), or the first AVX instruction faults.
#include "cpu.h"

#include <stdint.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>

namespace {

uint64_t xcr0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return uint64_t(edx) << 32 | eax;
}

/** cpuid leaf 7's EBX (0 when the leaf does not exist). */
unsigned leaf7ebx() {
  if (__get_cpuid_max(0, nullptr) < 7) return 0;
  unsigned a, b, c, d;
  __cpuid_count(7, 0, a, b, c, d);
  return b;
}

}  // namespace

bool lnn::cpuHasAvx2Fma() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
  if ((c & (fma | osxsave | avx)) != (fma | osxsave | avx)) return false;
  if ((xcr0() & 0x6) != 0x6) return false;  // XMM and YMM state
  return (leaf7ebx() & (1u << 5)) != 0;      // AVX2
}

bool lnn::cpuHasAvx512f() {
  if (!cpuHasAvx2Fma()) return false;
  if (!(leaf7ebx() & (1u << 16))) return false;  // AVX-512F
  return (xcr0() & 0xe6) == 0xe6;                // YMM, opmask, ZMM_Hi256, Hi16_ZMM state
}

#else

bool lnn::cpuHasAvx2Fma() { return false; }
bool lnn::cpuHasAvx512f() { return false; }

#endif
