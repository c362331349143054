// A standalone check of the portable kernels, without Node: built for another architecture (arm64 by
// test/backend/native-arm.test.ts, with Debian's cross compiler) and run there under qemu-user, it shows
// that the portable path compiles and gives right results where the x86 kernels do not exist. Each
// kernel is compared with a plain loop in double precision over odd sizes, m = 1 included, on the
// pool's two threads; the dropout masks with a scalar Philox4x32-10. The activations are compared with
// the TypeScript reference's values (activation_samples.h, which test/backend/native-arm.test.ts writes
// from it for every code of kernel-spec.ts: a kind the kernels lack fails here by name), then at odd sizes
// with themselves column by column. Prints "ok: N checks" and exits 0, or the first mismatch and exits 1.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <vector>

#include "../kernels.h"
#include "../pool.h"
#include "activation_samples.h"

namespace {

int checks = 0;

/** A deterministic value in [-1, 1) (an LCG: the check needs no library generator). */
double nextValue(uint64_t& s) {
  s = s * 6364136223846793005ull + 1442695040888963407ull;
  return double(s >> 11) / double(1ull << 53) * 2 - 1;
}

template <class T>
std::vector<T> randomVector(size_t n, uint64_t seed) {
  std::vector<T> v(n);
  for (auto& x : v) x = T(nextValue(seed));
  return v;
}

void fail(const char* what, double got, double want, double tol) {
  fprintf(stderr, "mismatch: %s: got %.17g, want %.17g (tolerance %g)\n", what, got, want, tol);
  exit(1);
}

/** |got - want| within tol relative to max(1, |want|). */
void expectClose(const char* what, double got, double want, double tol) {
  checks++;
  if (!(fabs(got - want) <= tol * fmax(1.0, fabs(want)))) fail(what, got, want, tol);
}

template <class T>
double tolerance() {
  return sizeof(T) == 8 ? 1e-12 : 2e-5;
}

template <class T>
void checkGemm(lnn::Pool& pool, const lnn::Kernels<T>& k, int64_t M, int64_t N, int64_t Kd) {
  for (int form = 0; form < 4; form++) {
    bool tA = form & 1, tB = form & 2;
    // op(A): (M, K) stored as (K, M) when transposed; op(B): (K, N) stored as (N, K) when transposed.
    int64_t lda = tA ? M : Kd, ldb = tB ? Kd : N;
    std::vector<T> A = randomVector<T>(size_t(M * Kd), 1 + form), B = randomVector<T>(size_t(Kd * N), 7 + form);
    std::vector<T> C = randomVector<T>(size_t(M * N), 13), C0 = C;
    double alpha = 0.75, beta = form == 3 ? 0.0 : -0.5;
    if (beta == 0) C.assign(C.size(), T(NAN));  // beta = 0 must not read C
    k.gemm(pool, tA, tB, M, N, Kd, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), N);
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = 0; j < N; j++) {
        double s = 0;
        for (int64_t p = 0; p < Kd; p++)
          s += double(tA ? A[p * lda + i] : A[i * lda + p]) * double(tB ? B[j * ldb + p] : B[p * ldb + j]);
        double want = alpha * s + (beta == 0 ? 0 : beta * double(C0[i * N + j]));
        expectClose("gemm", double(C[i * N + j]), want, tolerance<T>() * double(Kd));
      }
  }
}

template <class T>
void checkElementwise(lnn::Pool& pool, const lnn::Kernels<T>& k, int64_t n, int64_t m) {
  const int64_t size = n * m;
  const size_t count = static_cast<size_t>(size), rows = static_cast<size_t>(n);
  std::vector<T> Z = randomVector<T>(count, 21), A(count), b = randomVector<T>(rows, 22);
  std::vector<T> Zb = Z;
  k.addBias(pool, Zb.data(), b.data(), n, m);
  for (int64_t x = 0; x < size; x++) expectClose("addBias", double(Zb[x]), double(T(Z[x] + b[x / m])), 0);

  // Every activation over the whole matrix on two threads against the same kernel on each column alone
  // (the vector remainders, the column blocks and the split change no value).
  const double slope = 0.01;
  std::vector<T> dA = randomVector<T>(count, 23), dZ(count), z(rows), a(rows), da(rows), dz(rows);
  for (int kind = 0; kind < lnn::ACTIVATION_COUNT; kind++) {
    k.activationForward(pool, kind, Z.data(), A.data(), n, m, slope);
    k.activationBackward(pool, kind, dA.data(), Z.data(), A.data(), dZ.data(), n, m, slope);
    for (int64_t j = 0; j < m; j++) {
      for (int64_t i = 0; i < n; i++) z[size_t(i)] = Z[size_t(i * m + j)], da[size_t(i)] = dA[size_t(i * m + j)];
      k.activationForward(pool, kind, z.data(), a.data(), n, 1, slope);
      k.activationBackward(pool, kind, da.data(), z.data(), a.data(), dz.data(), n, 1, slope);
      for (int64_t i = 0; i < n; i++) {
        expectClose("activationForward by columns", double(A[size_t(i * m + j)]), double(a[size_t(i)]), 0);
        expectClose("activationBackward by columns", double(dZ[size_t(i * m + j)]), double(dz[size_t(i)]), 0);
      }
    }
  }

  std::vector<T> X = randomVector<T>(count, 31), Y = randomVector<T>(count, 32), Y0 = Y;
  k.axpby(pool, 0.25, X.data(), -2.0, Y.data(), size);
  for (int64_t x = 0; x < size; x++)
    expectClose("axpby", double(Y[x]), 0.25 * double(X[x]) - 2.0 * double(Y0[x]), tolerance<T>());

  std::vector<T> out(rows);
  k.sumColumns(pool, X.data(), out.data(), n, m, 0.5);
  for (int64_t i = 0; i < n; i++) {
    double s = 0;
    for (int64_t j = 0; j < m; j++) s += double(X[i * m + j]);
    expectClose("sumColumns", double(out[i]), 0.5 * s, tolerance<T>() * double(m));
  }

  double squares = 0;
  for (auto x : X) squares += double(x) * double(x);
  expectClose("sumSquares", k.sumSquares(X.data(), size), squares, tolerance<T>() * double(size));

  // Adam, one step from v = s = 0 at t = 1 (c1 = 1 - β1, c2 = 1 - β2): W moves by lr·dW/(|dW| + eps).
  std::vector<T> W = randomVector<T>(count, 41), W0 = W, v(count), s(count);
  const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  k.adamStep(pool, W.data(), X.data(), v.data(), s.data(), size, lr, b1, b2, eps, 1 - b1, 1 - b2);
  for (int64_t x = 0; x < size; x++) {
    double g = double(X[x]);
    expectClose("adamStep", double(W[x]), double(W0[x]) - lr * g / (fabs(g) + eps), tolerance<T>() * 10);
  }
}

/** Philox4x32-10 of counter c under key (k0, k1), in plain scalar code: src/core/philox.ts's definition. */
void philox(uint32_t c[4], uint32_t k0, uint32_t k1) {
  for (int r = 0; r < 10; r++) {
    if (r > 0) k0 += 0x9E3779B9u, k1 += 0xBB67AE85u;
    uint64_t p0 = uint64_t(0xD2511F53u) * c[0], p1 = uint64_t(0xCD9E8D57u) * c[2];
    uint32_t n0 = uint32_t(p1 >> 32) ^ c[1] ^ k0, n2 = uint32_t(p0 >> 32) ^ c[3] ^ k1;
    c[0] = n0, c[1] = uint32_t(p1), c[2] = n2, c[3] = uint32_t(p0);
  }
}

/**
 * dropoutForward draws the mask of its rows (row row0 + i of the stream), keeps A·(1/keepProb) exactly
 * where the unit's word is below ⌊keepProb·2^32⌋ and 0 elsewhere; dropoutBackward masks dA the same way.
 */
template <class T>
void checkDropout(lnn::Pool& pool, const lnn::Kernels<T>& k, int64_t n, int64_t m) {
  const size_t count = static_cast<size_t>(n * m);
  std::vector<T> Z = randomVector<T>(count, 51), dA = randomVector<T>(count, 52), A(count), dropped(count), dZ(count);
  std::vector<uint8_t> D(count);
  const double keep = 0.7;
  const uint64_t step = (uint64_t(5) << 32) + 17, limit = uint64_t(keep * 4294967296.0);
  const T s = T(1.0 / keep);
  k.dropoutForward(pool, lnn::RELU, Z.data(), A.data(), D.data(), dropped.data(), n, m, 0, keep, true, 0xfedcba98u,
                   step, 2, 3);
  k.dropoutBackward(pool, lnn::RELU, dA.data(), Z.data(), A.data(), D.data(), dZ.data(), n, m, 0, keep);
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < m; j++) {
      uint32_t c[4] = {uint32_t(16 * (j / 64) + j % 16), uint32_t(3 + i), 17, 5};
      philox(c, 0xfedcba98u, 2);
      const bool kept = c[(j % 64) / 16] < limit;
      const size_t x = static_cast<size_t>(i * m + j);
      const T a = Z[x] > 0 ? Z[x] : T(0);
      expectClose("dropoutForward: D", double(D[x]), kept ? 1 : 0, 0);
      expectClose("dropoutForward: dropped", double(dropped[x]), kept ? double(T(a * s)) : 0, 0);
      expectClose("dropoutBackward", double(dZ[x]), kept && Z[x] > 0 ? double(T(dA[x] * s)) : 0, 0);
    }
}

/** A = g(Z) and dZ = dA·g'(Z) of every activation against the TypeScript reference's values. */
template <class T>
void checkActivationSamples(lnn::Pool& pool, const lnn::Kernels<T>& k) {
  using namespace samples;
  const int cases = int(sizeof kCases / sizeof kCases[0]);
  if (cases != lnn::ACTIVATION_COUNT) {
    fprintf(stderr, "mismatch: the samples hold %d activations but codes.h has %d\n", cases, lnn::ACTIVATION_COUNT);
    exit(1);
  }
  const size_t count = size_t(kRows * kCols);
  std::vector<T> Z(count), dA(count), A(count), dZ(count);
  for (size_t x = 0; x < count; x++) Z[x] = T(kZ[x]), dA[x] = T(kdA[x]);
  char what[96];
  for (const Case& c : kCases) {
    k.activationForward(pool, c.code, Z.data(), A.data(), kRows, kCols, kAlpha);
    k.activationBackward(pool, c.code, dA.data(), Z.data(), A.data(), dZ.data(), kRows, kCols, kAlpha);
    for (size_t x = 0; x < count; x++) {
      snprintf(what, sizeof what, "activationForward %s", c.name);
      expectClose(what, double(A[x]), c.A[x], tolerance<T>());
      snprintf(what, sizeof what, "activationBackward %s", c.name);
      expectClose(what, double(dZ[x]), c.dZ[x], tolerance<T>());
    }
  }
}

template <class T>
void checkAll(lnn::Pool& pool, const lnn::Kernels<T>& k) {
  checkActivationSamples(pool, k);
  const int64_t shapes[][3] = {{1, 1, 1}, {37, 29, 41}, {20, 209, 300}, {5, 1, 64}, {1, 17, 3}, {130, 70, 9}};
  for (auto& s : shapes) checkGemm(pool, k, s[0], s[1], s[2]);
  const int64_t sizes[][2] = {{1, 1}, {7, 1}, {10, 33}, {64, 2049}};
  for (auto& s : sizes) checkElementwise(pool, k, s[0], s[1]);
  for (auto& s : sizes) checkDropout(pool, k, s[0], s[1]);
}

}  // namespace

int main() {
  // The check's own Philox against Random123's known answer (tests/kat_vectors, counter and key 0).
  uint32_t c[4] = {0, 0, 0, 0};
  philox(c, 0, 0);
  const uint32_t want[4] = {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u};
  for (int w = 0; w < 4; w++) expectClose("Philox4x32-10 known answer", double(c[w]), double(want[w]), 0);
  const lnn::Isa* isa = lnn::isaPortable();
  lnn::Pool pool(2, isa->scratchBytes);
  if (pool.failure()) {
    fprintf(stderr, "the pool did not start: %s\n", pool.failure());
    return 1;
  }
  checkAll(pool, isa->f32);
  checkAll(pool, isa->f64);
  printf("ok: %d checks of the %s kernels\n", checks, isa->name);
  return 0;
}
