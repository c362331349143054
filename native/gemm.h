// The packed, register-blocked GEMM as a template over the element type and the vector width (GCC/Clang
// vector extensions), so one source gives the portable, AVX2 and AVX-512 kernels: isa_table.h includes it
// inside an anonymous namespace, after the C headers it needs, in a unit compiled with its own -m flags.
// Everything has internal linkage, so no out-of-line copy of AVX code can be shared with another unit.
//
// The loops are BLIS's: for each NC-wide column block of C and each KC-deep slice of K, op(B)'s block is
// packed into NR-wide micro-panels (k-major); for each MC-high row block, op(A)'s block into MR-high
// micro-panels; then an MR×NR micro-kernel keeps its tile of C in MR·NV vector registers over the whole
// slice. Packing reads any of the four transpose forms, so the micro-kernel sees one layout only.
#pragma once

#define LNN_INLINE inline __attribute__((always_inline))

template <class T>
LNN_INLINE T minOf(T a, T b) {
  return a < b ? a : b;
}

LNN_INLINE int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/** A vector of VB bytes of T, with unaligned loads and stores that may alias T. */
template <class T, int VB>
struct Simd {
  static constexpr int W = VB / int(sizeof(T));
  typedef T V __attribute__((vector_size(VB)));
  typedef T U __attribute__((vector_size(VB), aligned(sizeof(T)), may_alias));
  static LNN_INLINE V zero() { return V{}; }
  // x + (-0.0) is x for every x, so the compiler emits a plain broadcast (x + 0.0 is not: -0 + 0 = +0).
  static LNN_INLINE V splat(T x) { return x + -V{}; }
  static LNN_INLINE V load(const T* p) { return *reinterpret_cast<const U*>(p); }
  static LNN_INLINE void store(T* p, V v) { *reinterpret_cast<U*>(p) = v; }
};

/**
 * C = alpha·op(A)·op(B) + beta·C with an MR × (NV·W) micro-kernel; MC, KC, NC are the cache blocks (the
 * packed A block MC×KC stays in L2, a B micro-panel KC×NR in L1, the B block KC×NC in L3).
 */
template <class T, int VB, int MR, int NV, int MC, int KC, int NC>
struct Gemm {
  typedef Simd<T, VB> S;
  typedef typename S::V V;
  static constexpr int W = S::W;
  static constexpr int mr = MR;
  static constexpr int NR = NV * W;
  static_assert(MC % MR == 0 && NC % NR == 0, "cache blocks must hold whole micro-panels");
  static_assert((MC * KC * sizeof(T)) % 64 == 0, "the B block must start 64-byte aligned");
  /** Per-thread scratch: one packed A block and one packed B block. */
  static constexpr size_t scratchBytes = (size_t(MC) * KC + size_t(KC) * NC) * sizeof(T);

  struct Job {
    bool tA, tB;
    int64_t M, N, K, lda, ldb, ldc;
    T alpha, beta;
    const T* A;
    const T* B;
    T* C;
    Pool* pool;
    /** The chunk grid: tm × tn chunks of mStep rows × nStep columns of C. */
    int tm, tn;
    int64_t mStep, nStep;
  };

  /** acc[r][v] = Σ_k a[k·MR + r] · b[k·NR + v·W ..]: the micro-kernel proper. */
  static LNN_INLINE void kernel(int64_t kc, const T* __restrict a, const T* __restrict b, V (&acc)[MR][NV]) {
#pragma GCC unroll 32
    for (int r = 0; r < MR; r++)
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) acc[r][v] = S::zero();
    for (int64_t k = 0; k < kc; k++) {
      V bv[NV];
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) bv[v] = S::load(b + v * W);
#pragma GCC unroll 32
      for (int r = 0; r < MR; r++) {
        V ar = S::splat(a[r]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) acc[r][v] += ar * bv[v];
      }
      a += MR;
      b += NR;
    }
  }

  /** One mr × nr tile of C (mr ≤ MR, nr ≤ NR) from packed panels; beta = 0 never reads C. */
  static void tile(int64_t kc, const T* a, const T* b, T* c, int64_t ldc, T alpha, T beta, int mr, int nr) {
    V acc[MR][NV];
    kernel(kc, a, b, acc);
    if (mr == MR && nr == NR) {
      if (beta == T(0)) {
#pragma GCC unroll 32
        for (int r = 0; r < MR; r++)
#pragma GCC unroll 8
          for (int v = 0; v < NV; v++) S::store(c + r * ldc + v * W, alpha * acc[r][v]);
      } else {
#pragma GCC unroll 32
        for (int r = 0; r < MR; r++)
#pragma GCC unroll 8
          for (int v = 0; v < NV; v++) {
            T* p = c + r * ldc + v * W;
            S::store(p, alpha * acc[r][v] + beta * S::load(p));
          }
      }
      return;
    }
    alignas(64) T t[MR * NR];
    for (int r = 0; r < MR; r++)
      for (int v = 0; v < NV; v++) S::store(t + r * NR + v * W, acc[r][v]);
    for (int r = 0; r < mr; r++)
      for (int j = 0; j < nr; j++) {
        T* p = c + r * ldc + j;
        *p = beta == T(0) ? alpha * t[r * NR + j] : alpha * t[r * NR + j] + beta * *p;
      }
  }

  /** op(A)[i0 .. i0+mb, p0 .. p0+kb] into MR-high micro-panels, k-major, rows past mb zero. */
  static void packA(const Job& j, int64_t i0, int64_t mb, int64_t p0, int64_t kb, T* __restrict dst) {
    for (int64_t ip = 0; ip < mb; ip += MR, dst += MR * kb) {
      int rows = int(minOf<int64_t>(MR, mb - ip));
      if (j.tA) {
        // op(A)(i, k) = A[k·lda + i]: MR contiguous values per k.
        const T* src = j.A + p0 * j.lda + i0 + ip;
        for (int64_t k = 0; k < kb; k++, src += j.lda)
          for (int r = 0; r < MR; r++) dst[k * MR + r] = r < rows ? src[r] : T(0);
      } else {
        const T* src[MR];
        for (int r = 0; r < MR; r++) src[r] = j.A + (i0 + ip + (r < rows ? r : 0)) * j.lda + p0;
        if (rows == MR) {
          for (int64_t k = 0; k < kb; k++)
#pragma GCC unroll 32
            for (int r = 0; r < MR; r++) dst[k * MR + r] = src[r][k];
        } else {
          for (int64_t k = 0; k < kb; k++)
            for (int r = 0; r < MR; r++) dst[k * MR + r] = r < rows ? src[r][k] : T(0);
        }
      }
    }
  }

  /** op(B)[p0 .. p0+kb, j0 .. j0+nb] into NR-wide micro-panels, k-major, columns past nb zero. */
  static void packB(const Job& j, int64_t p0, int64_t kb, int64_t j0, int64_t nb, T* __restrict dst) {
    for (int64_t jp = 0; jp < nb; jp += NR, dst += NR * kb) {
      int cols = int(minOf<int64_t>(NR, nb - jp));
      if (!j.tB) {
        // op(B)(k, c) = B[k·ldb + c]: NR contiguous values per k.
        const T* src = j.B + p0 * j.ldb + j0 + jp;
        if (cols == NR) {
          for (int64_t k = 0; k < kb; k++, src += j.ldb)
#pragma GCC unroll 8
            for (int v = 0; v < NV; v++) S::store(dst + k * NR + v * W, S::load(src + v * W));
        } else {
          for (int64_t k = 0; k < kb; k++, src += j.ldb)
            for (int c = 0; c < NR; c++) dst[k * NR + c] = c < cols ? src[c] : T(0);
        }
      } else {
        // op(B)(k, c) = B[c·ldb + k]: a transpose, done in blocks of 8 k so that the NR source rows'
        // cache lines are each read once and the destination block stays in L1.
        const T* src = j.B + (j0 + jp) * j.ldb + p0;
        if (cols < NR) memset(dst, 0, sizeof(T) * size_t(NR) * size_t(kb));
        int64_t k0 = 0;
        for (; k0 + 8 <= kb; k0 += 8)
          for (int c = 0; c < cols; c++) {
            const T* s = src + c * j.ldb + k0;
#pragma GCC unroll 8
            for (int kk = 0; kk < 8; kk++) dst[(k0 + kk) * NR + c] = s[kk];
          }
        for (; k0 < kb; k0++)
          for (int c = 0; c < cols; c++) dst[k0 * NR + c] = src[c * j.ldb + k0];
      }
    }
  }

  /** Rows [m0, m1) × columns [n0, n1) of C, through the cache blocks, with this thread's scratch. */
  static void blocks(const Job& j, int64_t m0, int64_t m1, int64_t n0, int64_t n1, T* Ap, T* Bp) {
    // Equal blocks rather than full ones and a remainder: K = 784 runs as 4 × 196, not 3 × 256 + 16.
    int64_t kc = ceilDiv(j.K, ceilDiv(j.K, KC));
    int64_t mc = ceilDiv(ceilDiv(m1 - m0, ceilDiv(m1 - m0, MC)), MR) * MR;
    int64_t nc = ceilDiv(ceilDiv(n1 - n0, ceilDiv(n1 - n0, NC)), NR) * NR;
    for (int64_t jc = n0; jc < n1; jc += nc) {
      int64_t nb = minOf(nc, n1 - jc);
      for (int64_t pc = 0; pc < j.K; pc += kc) {
        int64_t kb = minOf(kc, j.K - pc);
        packB(j, pc, kb, jc, nb, Bp);
        T beta = pc == 0 ? j.beta : T(1);
        for (int64_t ic = m0; ic < m1; ic += mc) {
          int64_t mb = minOf(mc, m1 - ic);
          packA(j, ic, mb, pc, kb, Ap);
          for (int64_t jr = 0; jr < nb; jr += NR)
            for (int64_t ir = 0; ir < mb; ir += MR)
              tile(kb, Ap + ir * kb, Bp + jr * kb, j.C + (ic + ir) * j.ldc + jc + jr, j.ldc, j.alpha, beta,
                   int(minOf<int64_t>(MR, mb - ir)), int(minOf<int64_t>(NR, nb - jr)));
        }
      }
    }
  }

  static void chunk(void* ctx, int c, int thread) {
    const Job& j = *static_cast<const Job*>(ctx);
    int64_t m0 = (c / j.tn) * j.mStep, n0 = (c % j.tn) * j.nStep;
    int64_t m1 = minOf(j.M, m0 + j.mStep), n1 = minOf(j.N, n0 + j.nStep);
    if (m0 >= m1 || n0 >= n1) return;
    T* Ap = static_cast<T*>(j.pool->scratch(thread));
    blocks(j, m0, m1, n0, n1, Ap, Ap + size_t(MC) * KC);
  }

  /**
   * Cuts C into a tm × tn grid of chunks, one per thread, choosing the grid whose slowest chunk costs
   * least: its multiply-adds plus packing its rows of op(A) and its columns of op(B) (about 16
   * multiply-adds' worth per packed value). Small products stay on the calling thread, since waking a
   * worker costs a few microseconds.
   */
  static void plan(Job& j, int threads) {
    j.tm = j.tn = 1;
    j.mStep = j.M;
    j.nStep = j.N;
    double macs = double(j.M) * double(j.N) * double(j.K);
    if (threads < 2 || macs < kParallelMacs) return;
    int64_t mTiles = ceilDiv(j.M, MR), nTiles = ceilDiv(j.N, NR);
    double best = 1e300;
    for (int tm = 1; tm <= threads; tm++) {
      if (threads % tm) continue;
      int tn = threads / tm;
      if (tm > mTiles || tn > nTiles) continue;
      double ms = double(ceilDiv(mTiles, tm) * MR), ns = double(ceilDiv(nTiles, tn) * NR);
      double cost = double(j.K) * (ms * ns + 16 * (ms + ns));
      if (cost < best) {
        best = cost;
        j.tm = tm;
        j.tn = tn;
        j.mStep = ceilDiv(mTiles, tm) * MR;
        j.nStep = ceilDiv(nTiles, tn) * NR;
      }
    }
  }

  static constexpr double kParallelMacs = double(1 << 19);

  static void run(Pool& pool, bool tA, bool tB, int64_t M, int64_t N, int64_t K, double alpha, const T* A,
                  int64_t lda, const T* B, int64_t ldb, double beta, T* C, int64_t ldc) {
    if (M == 0 || N == 0) return;
    if (K == 0) {
      for (int64_t i = 0; i < M; i++)
        for (int64_t x = i * ldc; x < i * ldc + N; x++) C[x] = beta == 0 ? T(0) : T(beta) * C[x];
      return;
    }
    Job j;
    j.tA = tA;
    j.tB = tB;
    j.M = M;
    j.N = N;
    j.K = K;
    j.lda = lda;
    j.ldb = ldb;
    j.ldc = ldc;
    j.alpha = T(alpha);
    j.beta = T(beta);
    j.A = A;
    j.B = B;
    j.C = C;
    j.pool = &pool;
    plan(j, pool.threads());
    pool.run(j.tm * j.tn, chunk, &j);
  }
};
