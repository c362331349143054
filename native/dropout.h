// Inverted dropout with its mask drawn inside the kernel, as PyTorch and JAX do on GPUs: a counter-based
// generator, Philox4x32-10 (Salmon et al., SC'11; the Random123 library), computes the word that decides
// a unit directly from where the unit is, so no generator state passes between threads and every thread
// count, instruction set and backend draws the same mask. src/core/philox.ts is the definition; here is
// its vector form. Included by isa_table.h after elementwise.h, inside the same anonymous namespace.
//
// Layout of the stream: block b of row i holds the 16 counters (16b + q, i, step lo, step hi) under key
// (seed, layer), and column 64b + 16w + q takes word w of counter q. A vector of W lanes holds W
// consecutive counters, so each of its four output words is W consecutive columns: the generator stores
// its words as they come, with no transpose, at every width. Blocks are drawn K at a time (W / 4 of them
// for W ≥ 4 lanes) so that 4 independent chains cover the latency of the multiplications; a vector
// multiply of the even 32-bit lanes into 64 bits (pmuludq) gives the high words, which GCC's vector
// extensions would otherwise emulate with three 64-bit multiplications (isa_table.h includes immintrin.h
// for it, outside the namespace).
#pragma once

constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
/** The key schedule's Weyl increments: the golden ratio and √3 - 1 as 32-bit fractions. */
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;

/** Philox4x32-10 over W = VB/4 counters at once (E32, E64: uint32_t, uint64_t; template parameters so that
 * GCC applies the dependent vector size). */
template <int VB, class E32 = uint32_t, class E64 = uint64_t>
struct Philox {
  typedef E32 U __attribute__((vector_size(VB)));
  typedef E64 U2 __attribute__((vector_size(VB)));
  static constexpr int W = VB / 4;
  /** Vectors per block of 16 counters, and blocks drawn together. */
  static constexpr int G = 16 / W;
  static constexpr int K = W >= 4 ? W / 4 : 1;

  /** The 64-bit products of the even 32-bit lanes of a with M. */
  static LNN_INLINE U2 mulEven(U2 a, uint32_t M) {
#if defined(__AVX512F__)
    // The zero-masked form: the plain one starts from _mm512_undefined_epi32, which GCC 12 warns about.
    if constexpr (VB == 64) return (U2)_mm512_maskz_mul_epu32(0xff, (__m512i)a, _mm512_set1_epi64(M));
#endif
#if defined(__AVX2__)
    if constexpr (VB % 32 == 0) {
      __m256i p[VB / 32];
      memcpy(p, &a, VB);
      for (int h = 0; h < VB / 32; h++) p[h] = _mm256_mul_epu32(p[h], _mm256_set1_epi64x(M));
      memcpy(&a, p, VB);
      return a;
    }
#endif
#if defined(__SSE2__)
    if constexpr (VB % 16 == 0) {
      __m128i p[VB / 16];
      memcpy(p, &a, VB);
      for (int h = 0; h < VB / 16; h++) p[h] = _mm_mul_epu32(p[h], _mm_set1_epi64x(M));
      memcpy(&a, p, VB);
      return a;
    }
#endif
    return (a & 0xffffffffull) * uint64_t(M);
  }

  /** The high and low words of a·M, lane by lane. */
  static LNN_INLINE void mulhilo(U a, uint32_t M, U& hi, U& lo) {
    U2 even = mulEven((U2)a, M), odd = mulEven((U2)a >> 32, M);
    hi = (U)((even >> 32) | (odd & 0xffffffff00000000ull));
#if defined(__SSE2__) && !defined(__SSE4_1__)
    // SSE2 has no 32-bit lane multiply (pmulld): the low words are in the products already.
    lo = (U)((even & 0xffffffffull) | (odd << 32));
#else
    lo = a * M;
#endif
  }

  /**
   * The words of K blocks, block k being row rows[k], columns [64·bs[k], 64·bs[k] + 64), into
   * u[64k + j mod 64] (word-major: 16 columns per word). s0, s1: the step's words; k0, k1: the key.
   */
  static LNN_INLINE void blocks(const uint32_t* rows, const uint32_t* bs, uint32_t s0, uint32_t s1, uint32_t k0,
                                uint32_t k1, uint32_t* u) {
    constexpr int N = K * G;
    U c0[N], c1[N], c2[N], c3[N];
    U lane;
    for (int l = 0; l < W; l++) lane[l] = uint32_t(l);
#pragma GCC unroll 16
    for (int v = 0; v < N; v++) {
      c0[v] = (U{} + (16 * bs[v / G] + uint32_t(v % G) * W)) + lane;
      c1[v] = U{} + rows[v / G];
      c2[v] = U{} + s0;
      c3[v] = U{} + s1;
    }
#pragma GCC unroll 10
    for (int r = 0; r < 10; r++) {
#pragma GCC unroll 16
      for (int v = 0; v < N; v++) {
        U hi0, lo0, hi1, lo1;
        mulhilo(c0[v], kPhiloxM0, hi0, lo0);
        mulhilo(c2[v], kPhiloxM1, hi1, lo1);
        c0[v] = hi1 ^ c1[v] ^ k0;
        c1[v] = lo1;
        c2[v] = hi0 ^ c3[v] ^ k1;
        c3[v] = lo0;
      }
      k0 += kPhiloxW0;
      k1 += kPhiloxW1;
    }
#pragma GCC unroll 16
    for (int v = 0; v < N; v++) {
      uint32_t* o = u + 64 * (v / G) + (v % G) * W;
      memcpy(o, &c0[v], VB);
      memcpy(o + 16, &c1[v], VB);
      memcpy(o + 32, &c2[v], VB);
      memcpy(o + 48, &c3[v], VB);
    }
  }
};

/** The same-size integer type of T, for masking a value's bits. */
template <class T>
struct BitsOf;
template <>
struct BitsOf<float> {
  typedef int32_t type;
};
template <>
struct BitsOf<double> {
  typedef int64_t type;
};

/**
 * Drawing a unit's word costs about what 8 elementwise passes over it do (ten rounds of two 32×32-bit
 * multiplications per four words): a drawing call is split across threads from 8 times fewer entries.
 */
constexpr int64_t kDrawCost = 8;

/** Rows per strip: the activation of a strip is still in L1 when the mask pass reads it. */
LNN_INLINE int64_t stripRows(int64_t m) { return m >= 2048 ? 1 : 2048 / (m > 0 ? m : 1); }

template <class T, int VB>
struct Dropout {
  typedef Ops<T, VB> O;
  typedef Philox<VB> P;
  typedef typename BitsOf<T>::type Bits;

  /**
   * A unit is kept when its word ≤ lim, and `any` is all ones: when keepProb·2^32 < 1 every word is at
   * or above ⌊keepProb·2^32⌋ = 0, no unit is kept, and `any` is 0.
   */
  struct Keep {
    uint32_t lim;
    Bits any;
    explicit Keep(double keepProb) {
      double t = keepProb >= 1 ? 4294967296.0 : floor(keepProb * 4294967296.0);
      any = t == 0 ? Bits(0) : Bits(-1);
      lim = t == 0 ? 0 : uint32_t(uint64_t(t) - 1);
    }
  };

  /** x · s with its bits kept where `keep` is all ones, +0 where it is 0 (vectorizes with no branch). */
  static LNN_INLINE T masked(T x, T s, Bits keep) {
    T v = x * s;
    Bits b;
    memcpy(&b, &v, sizeof b);
    b &= keep;
    memcpy(&v, &b, sizeof v);
    return v;
  }

  /** Columns of one block from their words: D = (u ≤ lim), out = a·s where kept, 0 where not. */
  template <int N>
  static LNN_INLINE void applyWords(const uint32_t* u, const T* a, uint8_t* d, T* out, int64_t w, const Keep& k,
                                    T s) {
    int64_t count = N > 0 ? N : w;
    for (int64_t x = 0; x < count; x++) {
      Bits keep = -Bits(u[x] <= k.lim) & k.any;
      out[x] = masked(a[x], s, keep);
      d[x] = uint8_t(keep & 1);
    }
  }

  /** out = X ⊙ D · s over `size` values: X · s where D is 1, exactly 0 where it is 0. out may be X. */
  static void applyMask(const T* x, const uint8_t* d, T* out, int64_t size, T s) {
    for (int64_t i = 0; i < size; i++) out[i] = masked(x[i], s, -Bits(d[i] != 0));
  }

  /** Draws and applies the mask of rows [i0, i1) of this call (row row0 + i of the whole), K blocks at a time. */
  static void drawRows(const T* A, uint8_t* D, T* dropped, int64_t i0, int64_t i1, int64_t m, const Keep& k, T s,
                       const uint32_t* key) {
    const int64_t B = ceilDiv(m, 64);
    alignas(64) uint32_t u[P::K * 64];
    int64_t rows[P::K], cols[P::K];
    // (i, b): the next block to draw, walked row by row without a division per block.
    for (int64_t i = i0, b = 0; i < i1;) {
      uint32_t keyRows[P::K] = {}, keyBlocks[P::K] = {};
      int count = 0;
      for (; count < P::K && i < i1; count++) {
        rows[count] = i, cols[count] = 64 * b;
        keyRows[count] = uint32_t(key[4] + i), keyBlocks[count] = uint32_t(b);
        if (++b == B) b = 0, i++;
      }
      for (int c = count; c < P::K; c++) keyRows[c] = keyRows[0], keyBlocks[c] = keyBlocks[0];
      P::blocks(keyRows, keyBlocks, key[0], key[1], key[2], key[3], u);
      for (int c = 0; c < count; c++) {
        int64_t x = rows[c] * m + cols[c], w = minOf<int64_t>(64, m - cols[c]);
        if (w == 64)
          applyWords<64>(u + 64 * c, A + x, D + x, dropped + x, w, k, s);
        else
          applyWords<0>(u + 64 * c, A + x, D + x, dropped + x, w, k, s);
      }
    }
  }

  /**
   * A = g(Z), then dropped = A ⊙ D / keepProb, by strips of rows (softmax first, over all of it). With
   * `draw`, D is drawn: row i of this call is row row0 + i of the Philox stream of (seed, layer) at step.
   */
  static void forward(Pool& pool, int kind, const T* Z, T* A, uint8_t* D, T* dropped, int64_t n, int64_t m,
                      double alpha, double keepProb, bool draw, uint32_t seed, uint64_t step, uint32_t layer,
                      int64_t row0) {
    if (kind == lnn::SOFTMAX) O::softmax(Z, A, n, m);
    const T s = T(1.0 / keepProb), al = T(alpha);
    const Keep k(keepProb);
    const uint32_t key[5] = {uint32_t(step), uint32_t(step >> 32), seed, layer, uint32_t(row0)};
    const int64_t strip = stripRows(m);
    parallelFor(pool, n, (draw ? kDrawCost : 1) * n * m, [&, kind](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; i += strip) {
        int64_t e = minOf(hi, i + strip);
        if (kind != lnn::SOFTMAX) O::forwardRange(kind, Z, A, i * m, e * m, al);
        if (draw)
          drawRows(A, D, dropped, i, e, m, k, s, key);
        else
          applyMask(A + i * m, D + i * m, dropped + i * m, (e - i) * m, s);
      }
    });
  }

  /** dZ = g'(Z) applied to dA ⊙ D / keepProb: the mask, then activationBackward in place, by strips of rows. */
  static void backward(Pool& pool, int kind, const T* dA, const T* Z, const T* A, const uint8_t* D, T* dZ, int64_t n,
                       int64_t m, double alpha, double keepProb) {
    const T s = T(1.0 / keepProb), al = T(alpha);
    if (kind == lnn::SOFTMAX) {
      applyMask(dA, D, dZ, n * m, s);
      O::softmaxBackward(dZ, A, dZ, n, m);
      return;
    }
    const int64_t strip = stripRows(m);
    parallelFor(pool, n, n * m, [&, kind](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; i += strip) {
        int64_t e = minOf(hi, i + strip);
        applyMask(dA + i * m, D + i * m, dZ + i * m, (e - i) * m, s);
        O::backwardRange(kind, dZ, Z, A, dZ, i * m, e * m, al);
      }
    });
  }
};
