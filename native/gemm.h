// The packed, register-blocked GEMM as a template over the element type and the vector width (GCC/Clang
// vector extensions), so one source gives the portable, AVX2 and AVX-512 kernels: isa_table.h includes it
// inside an anonymous namespace, after the C headers it needs, in a unit compiled with its own -m flags.
// Everything has internal linkage, so no out-of-line copy of AVX code can be shared with another unit.
//
// The loops are BLIS's: for each NC-wide column block of C and each KC-deep slice of K, op(B)'s block is
// packed into NR-wide micro-panels (k-major); for each MC-high row block, op(A)'s block into MR-high
// micro-panels; then an MR×NR micro-kernel keeps its tile of C in MR·NV vector registers over the whole
// slice. Packing reads any of the four transpose forms, so the micro-kernel sees one layout only; a C
// with few rows takes B one micro-panel at a time instead (`panels`). Each thread runs its own chunk of
// C through these loops with its own scratch (`plan` cuts C into one chunk per thread).
#pragma once

#define LNN_INLINE inline __attribute__((always_inline))

template <class T>
LNN_INLINE T minOf(T a, T b) {
  return a < b ? a : b;
}

LNN_INLINE int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

template <int... I>
struct Seq {};
template <int N, int... I>
struct MakeSeq : MakeSeq<N - 1, N - 1, I...> {};
template <int... I>
struct MakeSeq<0, I...> {
  typedef Seq<I...> type;
};

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

  /**
   * Lane l of the interleave of x and y in blocks of S lanes (indices into x ++ y): the low half takes
   * block b of x then block b of y for every even block pair, the high half the odd blocks.
   */
  static constexpr int lane(int S, bool hi, int l) {
    return (l % (2 * S) < S ? 0 : W) + (l / (2 * S)) * 2 * S + (hi ? S : 0) + l % S;
  }
  template <int S, bool HI, int... L>
  static LNN_INLINE V interleave(V x, V y, Seq<L...>) {
    return __builtin_shufflevector(x, y, lane(S, HI, L)...);
  }

  /** Transposes the W × W block held in v[0..W) (row r in v[r]) in log2(W) stages of interleaves. */
  template <int S = 1>
  static LNN_INLINE void transpose(V (&v)[W]) {
    if constexpr (S < W) {
      typedef typename MakeSeq<W>::type L;
#pragma GCC unroll 16
      for (int i = 0; i < W; i++)
        if ((i & S) == 0) {
          V lo = interleave<S, false>(v[i], v[i + S], L{}), hi = interleave<S, true>(v[i], v[i + S], L{});
          v[i] = lo;
          v[i + S] = hi;
        }
      transpose<S * 2>(v);
    }
  }
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
  /** How many k steps of A's micro-panel ahead the micro-kernel prefetches. */
  static constexpr int64_t kPrefetchA = 4;
  /**
   * How many rows of B ahead the in-place micro-kernel prefetches: rows lie kilobytes apart (W1: 1.6 KB),
   * the hardware prefetchers do not follow them across pages, and a panel's first tile reads them from memory.
   */
  static constexpr int64_t kPrefetchRows = 32;
  /** Rows of C up to which B's micro-panels are taken one at a time (`panels`): a handful of micro-tiles. */
  static constexpr int64_t kFewRows = 4 * MR;
  /** Room past the packed A block for transposeRows' spill (whole cache lines). */
  static constexpr size_t kSlack = 64;
  /** Per-thread scratch: one packed A block, slack, and one packed B block. */
  static constexpr size_t scratchBytes = (size_t(MC) * KC + kSlack + size_t(KC) * NC) * sizeof(T);

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

  /**
   * acc[r][v] = Σ_k a[k·MR + r] · b[k·ldb + v·W ..]: the micro-kernel proper. b is a packed micro-panel
   * (ldb = NR) or, for the NN form with few rows, op(B) itself (ldb its row stride).
   */
  static LNN_INLINE void kernel(int64_t kc, const T* __restrict a, const T* __restrict b, int64_t ldb,
                                V (&acc)[MR][NV]) {
#pragma GCC unroll 32
    for (int r = 0; r < MR; r++)
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) acc[r][v] = S::zero();
    for (int64_t k = 0; k < kc; k++) {
      V bv[NV];
      // A's micro-panel streams from L2 (B's stays in L1): fetch it ahead, or the broadcasts wait on it.
      __builtin_prefetch(a + kPrefetchA * MR);
      // In place, B's rows are far apart: fetch ahead (packed panels stream on their own).
      if (ldb != NR) __builtin_prefetch(b + kPrefetchRows * ldb);
#pragma GCC unroll 8
      for (int v = 0; v < NV; v++) bv[v] = S::load(b + v * W);
#pragma GCC unroll 32
      for (int r = 0; r < MR; r++) {
        V ar = S::splat(a[r]);
#pragma GCC unroll 8
        for (int v = 0; v < NV; v++) acc[r][v] += ar * bv[v];
      }
      a += MR;
      b += ldb;
    }
  }

  /** One mr × nr tile of C (mr ≤ MR, nr ≤ NR); beta = 0 never reads C. */
  static void tile(int64_t kc, const T* a, const T* b, int64_t ldb, T* c, int64_t ldc, T alpha, T beta, int mr,
                   int nr) {
    V acc[MR][NV];
    kernel(kc, a, b, ldb, acc);
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

  /**
   * dst[k·stride + r] = rows[r][k] for r < R, k < kb: R rows (contiguous in k) into k-major order, W × W
   * blocks at a time through a register transpose. Each k writes W lanes (R ≤ W, or groups of W rows),
   * so a group's last lanes spill into the next k's slots, which are written after them; past the last
   * k they spill up to W - 1 values beyond the panel (the scratch keeps slack for that).
   */
  template <int R>
  static LNN_INLINE void transposeRows(const T* const (&rows)[R], int64_t kb, T* __restrict dst, int64_t stride) {
    constexpr int G = (R + W - 1) / W;
    int64_t k0 = 0;
    for (; k0 + W <= kb; k0 += W) {
      V v[G][W];
#pragma GCC unroll 4
      for (int g = 0; g < G; g++) {
#pragma GCC unroll 16
        for (int l = 0; l < W; l++) v[g][l] = S::load(rows[g * W + l < R ? g * W + l : R - 1] + k0);
        S::transpose(v[g]);
      }
#pragma GCC unroll 16
      for (int l = 0; l < W; l++)
#pragma GCC unroll 4
        for (int g = 0; g < G; g++) S::store(dst + (k0 + l) * stride + g * W, v[g][l]);
    }
    for (; k0 < kb; k0++)
      for (int r = 0; r < R; r++) dst[k0 * stride + r] = rows[r][k0];
  }

  /** op(A)[i0 .. i0+mb, p0 .. p0+kb] into MR-high micro-panels, k-major (rows past mb: copies, unused). */
  static void packA(const Job& j, int64_t i0, int64_t mb, int64_t p0, int64_t kb, T* __restrict dst) {
    for (int64_t ip = 0; ip < mb; ip += MR, dst += MR * kb) {
      int rows = int(minOf<int64_t>(MR, mb - ip));
      if (j.tA) {
        // op(A)(i, k) = A[k·lda + i]: MR contiguous values per k.
        const T* src = j.A + p0 * j.lda + i0 + ip;
        for (int64_t k = 0; k < kb; k++, src += j.lda)
          for (int r = 0; r < MR; r++) dst[k * MR + r] = src[r < rows ? r : 0];
      } else {
        // op(A)(i, k) = A[i·lda + k]: MR rows, each contiguous in k, transposed.
        const T* src[MR];
        for (int r = 0; r < MR; r++) src[r] = j.A + (i0 + ip + (r < rows ? r : rows - 1)) * j.lda + p0;
        transposeRows<MR>(src, kb, dst, MR);
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
      } else if (cols == NR) {
        // op(B)(k, c) = B[c·ldb + k]: NR rows, each contiguous in k, transposed.
        const T* src[NR];
        for (int c = 0; c < NR; c++) src[c] = j.B + (j0 + jp + c) * j.ldb + p0;
        transposeRows<NR>(src, kb, dst, NR);
      } else {
        const T* src = j.B + (j0 + jp) * j.ldb + p0;
        for (int64_t k = 0; k < kb; k++)
          for (int c = 0; c < NR; c++) dst[k * NR + c] = c < cols ? src[c * j.ldb + k] : T(0);
      }
    }
  }

  /** Rows [m0, m1) × columns [n0, n1) of C, through the cache blocks, with this thread's scratch. */
  static void blocks(const Job& j, int64_t m0, int64_t m1, int64_t n0, int64_t n1, T* Ap, T* Bp) {
    // Equal blocks rather than full ones and a remainder: K = 784 runs as 4 × 196, not 3 × 256 + 16.
    int64_t kc = ceilDiv(j.K, ceilDiv(j.K, KC));
    int64_t mc = ceilDiv(ceilDiv(m1 - m0, ceilDiv(m1 - m0, MC)), MR) * MR;
    int64_t nc = ceilDiv(ceilDiv(n1 - n0, ceilDiv(n1 - n0, NC)), NR) * NR;
    bool fewRows = m1 - m0 <= kFewRows;
    for (int64_t jc = n0; jc < n1; jc += nc) {
      int64_t nb = minOf(nc, n1 - jc);
      for (int64_t pc = 0; pc < j.K; pc += kc) {
        int64_t kb = minOf(kc, j.K - pc);
        T beta = pc == 0 ? j.beta : T(1);
        if (fewRows) {
          packA(j, m0, m1 - m0, pc, kb, Ap);
          panels(j, m0, m1 - m0, jc, nb, pc, kb, beta, Ap, Bp);
          continue;
        }
        packB(j, pc, kb, jc, nb, Bp);
        for (int64_t ic = m0; ic < m1; ic += mc) {
          int64_t mb = minOf(mc, m1 - ic);
          packA(j, ic, mb, pc, kb, Ap);
          for (int64_t jr = 0; jr < nb; jr += NR)
            for (int64_t ir = 0; ir < mb; ir += MR)
              tile(kb, Ap + ir * kb, Bp + jr * kb, NR, j.C + (ic + ir) * j.ldc + jc + jr, j.ldc, j.alpha, beta,
                   int(minOf<int64_t>(MR, mb - ir)), int(minOf<int64_t>(NR, nb - jr)));
        }
      }
    }
  }

  /**
   * The micro-tiles of a C with few rows (one packed A block): each B micro-panel serves only a few of
   * them, too few to repay packing the whole B block and reading it back from L3 (W1's 20 × 12288 layers).
   * So each panel is taken as it is used: in the NN form read where it lies, otherwise packed into an
   * L1-sized buffer just before its tiles.
   */
  static void panels(const Job& j, int64_t i0, int64_t mb, int64_t jc, int64_t nb, int64_t pc, int64_t kb, T beta,
                     const T* Ap, T* Bp) {
    for (int64_t jr = 0; jr < nb; jr += NR) {
      int nr = int(minOf<int64_t>(NR, nb - jr));
      const T* b = Bp;
      int64_t ldb = NR;
      if (!j.tB && nr == NR) {
        b = j.B + pc * j.ldb + jc + jr;
        ldb = j.ldb;
      } else {
        packB(j, pc, kb, jc + jr, nr, Bp);
      }
      for (int64_t ir = 0; ir < mb; ir += MR)
        tile(kb, Ap + ir * kb, b, ldb, j.C + (i0 + ir) * j.ldc + jc + jr, j.ldc, j.alpha, beta,
             int(minOf<int64_t>(MR, mb - ir)), nr);
    }
  }

  static void chunk(void* ctx, int c, int thread) {
    const Job& j = *static_cast<const Job*>(ctx);
    int64_t m0 = (c / j.tn) * j.mStep, n0 = (c % j.tn) * j.nStep;
    int64_t m1 = minOf(j.M, m0 + j.mStep), n1 = minOf(j.N, n0 + j.nStep);
    if (m0 >= m1 || n0 >= n1) return;
    T* Ap = static_cast<T*>(j.pool->scratch(thread));
    blocks(j, m0, m1, n0, n1, Ap, Ap + size_t(MC) * KC + kSlack);
  }

  /**
   * Cuts C into a tm × tn grid of chunks, one per thread (two for large products, so that the calling
   * thread takes over a chunk when a worker starts late on a busy machine), choosing the grid whose
   * largest chunk costs least: its multiply-adds plus packing its rows of op(A) and its columns of op(B)
   * (about 16 multiply-adds' worth per packed value). Small products stay on the calling thread, since
   * waking a worker costs a few microseconds.
   */
  static void plan(Job& j, int threads) {
    j.tm = j.tn = 1;
    j.mStep = j.M;
    j.nStep = j.N;
    double macs = double(j.M) * double(j.N) * double(j.K);
    if (threads < 2 || macs < kParallelMacs) return;
    int chunks = macs >= kTwoChunksMacs ? 2 * threads : threads;
    int64_t mTiles = ceilDiv(j.M, MR), nTiles = ceilDiv(j.N, NR);
    double best = 1e300;
    for (int tm = 1; tm <= chunks; tm++) {
      if (chunks % tm) continue;
      int tn = chunks / tm;
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

  /** About 25 µs of one core: below, the call stays on the calling thread. */
  static constexpr double kParallelMacs = double(1 << 19);
  /** About 2 ms of one core: above, two chunks per thread. */
  static constexpr double kTwoChunksMacs = double(1 << 25);

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
