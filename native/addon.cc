// The Node-API face of the native kernels (plain node_api.h, no other dependency).
//
// Module functions: cpu() says which instruction-set variants this CPU runs; describe() gives the codes
// and parameter orders this build uses (checked against src/backend/kernel-spec.ts); createKernels(threads, isa)
// returns an object of kernel functions bound to one thread pool and one variant; alloc(count, f64) makes
// a zeroed, 64-byte aligned Float32Array/Float64Array; allocMask(count) a zeroed, aligned Uint8Array (a dropout
// mask); release(array) detaches its buffer (frees it).
//
// Memory: kernels read and write the JavaScript typed arrays they are given, in place (the data pointer
// from napi_get_typedarray_info), so no value is copied on the way in or out. The arrays are arguments of
// the running call, so they stay alive until it returns, and every worker has finished before it does.
// Nothing keeps a pointer past a call. Every array is checked against the size the call needs, so a
// wrong size, a wrong type or a released (detached) buffer is a JavaScript exception, never a stray write.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cpu.h"
#include "kernels.h"
#include "pool.h"

namespace {

/** One createKernels() result: a variant and its pool, shared by the functions bound to it. */
struct Context {
  const lnn::Isa* isa;
  lnn::Pool* pool;
  /** Bound functions not yet collected; the pool stops with the last of them. */
  int refs;
};

constexpr size_t kMaxArgs = 16;
/** Dimensions above this are refused, so that products of two never overflow int64. */
constexpr int64_t kMaxDim = int64_t(1) << 31;

/** A typed array argument, checked against the call's sizes by `Args::fits`. */
struct Buffer {
  const char* name = "";
  void* data = nullptr;
  int64_t length = 0;
  napi_value buffer = nullptr;
};

/** A binding's parameters, in the order of src/backend/kernel-spec.ts (scratch left out). */
struct Signature {
  const char* names[kMaxArgs];
  size_t count;
};

/** Splits "transA transB M" into names (pointers into `storage`, which must outlive the result). */
Signature parseSignature(char* storage) {
  Signature sig{{}, 0};
  for (char* p = storage; *p && sig.count < kMaxArgs;) {
    sig.names[sig.count++] = p;
    while (*p && *p != ' ') p++;
    if (*p) *p++ = 0;
  }
  return sig;
}

/**
 * Reads one call's arguments in signature order, checking each; the first problem is thrown as a JS
 * error and every later read is a no-op. Reading a parameter under another name than the signature's
 * at that position is reported too, so a binding cannot drift from its declared (and tested) order.
 */
class Args {
 public:
  Args(napi_env env, napi_callback_info info, const char* op, const Signature& sig) : env_(env), op_(op), sig_(sig) {
    size_t argc = kMaxArgs;
    void* data = nullptr;
    if (napi_get_cb_info(env, info, &argc, argv_, nullptr, &data) != napi_ok) {
      fail("type", "could not read its arguments");
      return;
    }
    ctx_ = static_cast<Context*>(data);
    if (argc != sig.count) failf("type", "takes %zu arguments but got %zu", sig.count, argc);
  }

  bool ok() const { return !failed_; }
  bool f64() const { return dtype_ == 1; }
  Context& context() const { return *ctx_; }

  double number(const char* name) {
    double v = 0;
    if (!expect(name)) return 0;
    if (napi_get_value_double(env_, argv_[next_++], &v) != napi_ok) failf("type", "%s must be a number", name);
    return v;
  }

  /** A flag: true or 1, false or 0. */
  bool flag(const char* name) {
    double v = number(name);
    if (!failed_ && v != 0 && v != 1) failf("type", "%s must be 0 or 1 but is %g", name, v);
    return v == 1;
  }

  /** A non-negative integer: a dimension, a count or a stride. */
  int64_t dim(const char* name) {
    double v = number(name);
    if (failed_) return 0;
    if (!(v >= 0 && v < double(kMaxDim)) || double(int64_t(v)) != v)
      failf("range", "%s must be an integer from 0 to 2^31 but is %g", name, v);
    return failed_ ? 0 : int64_t(v);
  }

  /** An activation or loss code in [0, count). */
  int code(const char* name, const char* set, int count) {
    double v = number(name);
    if (failed_) return 0;
    if (!(v >= 0 && v < count) || double(int(v)) != v) failf("range", "unknown %s code %g", set, v);
    return failed_ ? 0 : int(v);
  }

  /** A Float32Array or Float64Array, of the call's one dtype (set by the first matrix). */
  Buffer matrix(const char* name) {
    Buffer b;
    b.name = name;
    napi_typedarray_type type;
    if (!typedArray(name, &type, &b)) return b;
    int dt = type == napi_float64_array ? 1 : type == napi_float32_array ? 0 : -1;
    if (dt < 0) {
      failf("type", "%s must be a Float32Array or a Float64Array", name);
    } else if (dtype_ < 0) {
      dtype_ = dt;
      first_ = name;
    } else if (dt != dtype_) {
      failf("type", "all matrices of one call must share one dtype but %s is %s and %s is %s", first_,
            dtype_ ? "float64" : "float32", name, dt ? "float64" : "float32");
    }
    return b;
  }

  /** A Uint8Array (a dropout mask: a byte per entry, so `fits` counts it like a matrix). */
  Buffer bytes(const char* name) {
    Buffer b;
    b.name = name;
    napi_typedarray_type type;
    if (typedArray(name, &type, &b) && type != napi_uint8_array) failf("type", "%s must be a Uint8Array", name);
    return b;
  }

  /** A keep probability in (0, 1]. */
  double probability(const char* name) {
    double v = number(name);
    if (!failed_ && !(v > 0 && v <= 1)) failf("range", "%s must be in (0, 1] but is %g", name, v);
    return v;
  }

  /** An integer in [0, 2^bits) (a key's seed and layer: 32; its step: 53). */
  uint64_t integer(const char* name, int bits) {
    double v = number(name);
    if (failed_) return 0;
    if (!(v >= 0 && v < double(uint64_t(1) << bits)) || double(uint64_t(v)) != v)
      failf("range", "%s must be an integer from 0 to 2^%d but is %g", name, bits, v);
    return failed_ ? 0 : uint64_t(v);
  }

  /** An Int32Array. */
  Buffer int32s(const char* name) {
    Buffer b;
    b.name = name;
    napi_typedarray_type type;
    if (typedArray(name, &type, &b) && type != napi_int32_array) failf("type", "%s must be an Int32Array", name);
    return b;
  }

  /**
   * Checks that b holds a (rows, cols) matrix stored with row stride ld: exactly rows·cols values when
   * ld = cols (a Matrix's own storage), at least (rows-1)·ld + cols otherwise. Returns its data.
   */
  void* fits(const Buffer& b, int64_t rows, int64_t cols, int64_t ld) {
    if (failed_) return nullptr;
    if (ld < cols && rows > 1) return failf("range", "%s: stride %lld is below its %lld columns", b.name,
                                            (long long)ld, (long long)cols), nullptr;
    int64_t need = rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
    if (ld == cols ? b.length == need : b.length >= need) return b.data;
    bool detached = false;
    napi_is_detached_arraybuffer(env_, b.buffer, &detached);
    if (detached) return failf("type", "%s was used after free (its buffer is detached)", b.name), nullptr;
    return failf("range", "%s holds %lld values but the call needs %lld (a wrong buffer size)", b.name,
                 (long long)b.length, (long long)need),
           nullptr;
  }

  /** Checks that b (an Int32Array) has at least `length` slots. */
  int32_t* slots(const Buffer& b, int64_t length) {
    if (failed_) return nullptr;
    if (b.length >= length) return static_cast<int32_t*>(b.data);
    return failf("range", "%s has %lld slots but the call needs %lld", b.name, (long long)b.length,
                 (long long)length),
           nullptr;
  }

 private:
  /** Whether the next parameter is `name` (a binding reading out of its signature's order fails). */
  bool expect(const char* name) {
    if (failed_) return false;
    if (next_ >= sig_.count || strcmp(sig_.names[next_], name) != 0) {
      failf("type", "reads %s where its signature has %s (a binding out of order)", name,
            next_ < sig_.count ? sig_.names[next_] : "nothing");
      return false;
    }
    return true;
  }

  bool typedArray(const char* name, napi_typedarray_type* type, Buffer* b) {
    if (!expect(name)) return false;
    napi_value v = argv_[next_++];
    bool is = false;
    napi_is_typedarray(env_, v, &is);
    if (!is) return failf("type", "%s must be a typed array", name), false;
    size_t length, offset;
    if (napi_get_typedarray_info(env_, v, type, &length, &b->data, &b->buffer, &offset) != napi_ok)
      return failf("type", "could not read %s", name), false;
    b->length = int64_t(length);
    return true;
  }

  template <class... A>
  void failf(const char* kind, const char* fmt, A... a) {
    char msg[256];
    snprintf(msg, sizeof msg, fmt, a...);
    fail(kind, msg);
  }

  void fail(const char* kind, const char* what) {
    if (failed_) return;
    failed_ = true;
    char msg[400];
    snprintf(msg, sizeof msg, "native backend: %s: %s", op_, what);
    if (strcmp(kind, "range") == 0)
      napi_throw_range_error(env_, nullptr, msg);
    else
      napi_throw_type_error(env_, nullptr, msg);
  }

  napi_env env_;
  const char* op_;
  const Signature& sig_;
  napi_value argv_[kMaxArgs];
  Context* ctx_ = nullptr;
  size_t next_ = 0;
  bool failed_ = false;
  int dtype_ = -1;
  const char* first_ = "";
};

napi_value number(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

// Each binding (bindings.h) reads its arguments in its signature's order (kBindings, the order of
// src/backend/kernel-spec.ts), then calls the variant's kernel of the call's dtype. IN/OUT cast a
// checked data pointer to the dtype's element type T.
#define LNN_DISPATCH(a, kernel, ...)         \
  do {                                       \
    const lnn::Isa* isa = (a).context().isa; \
    lnn::Pool& pool = *(a).context().pool;   \
    (void)pool;                              \
    if ((a).f64()) {                         \
      typedef double T;                      \
      isa->f64.kernel(__VA_ARGS__);          \
    } else {                                 \
      typedef float T;                       \
      isa->f32.kernel(__VA_ARGS__);          \
    }                                        \
  } while (0)
#define LNN_RETURN_DISPATCH(a, kernel, ...)                \
  do {                                                     \
    const lnn::Isa* isa = (a).context().isa;               \
    if ((a).f64()) {                                       \
      typedef double T;                                    \
      return number(env, isa->f64.kernel(__VA_ARGS__));    \
    } else {                                               \
      typedef float T;                                     \
      return number(env, isa->f32.kernel(__VA_ARGS__));    \
    }                                                      \
  } while (0)
#define IN(p) static_cast<const T*>(p)
#define OUT(p) static_cast<T*>(p)

// The bindings, kBindings (each kernel's name, binding and parameter order) and the names of the codes:
// generated from src/backend/kernel-spec.ts by scripts/gen-kernels.mjs.
#include "bindings.h"

constexpr size_t kBindingCount = sizeof kBindings / sizeof kBindings[0];

struct Signatures {
  char storage[kBindingCount][160];
  Signature sig[kBindingCount];
  Signatures() {
    for (size_t i = 0; i < kBindingCount; i++) {
      snprintf(storage[i], sizeof storage[i], "%s", kBindings[i].params);
      sig[i] = parseSignature(storage[i]);
    }
  }
};

/** A binding's parsed signature (parsed once, thread-safely: Node workers may load the addon at once). */
const Signature& signature(const char* kernel) {
  static const Signatures all;
  for (size_t i = 0; i < kBindingCount; i++)
    if (strcmp(kBindings[i].name, kernel) == 0) return all.sig[i];
  static const Signature none{{}, 0};
  return none;
}

/** The variants this CPU runs, best first (the AVX-512 layout on AVX2 is for tests, never first). */
int usableIsas(const lnn::Isa* out[4]) {
  int n = 0;
#if defined(LNN_X86_ISAS)
  if (lnn::cpuHasAvx512f()) out[n++] = lnn::isaAvx512();
  if (lnn::cpuHasAvx2Fma()) out[n++] = lnn::isaAvx2();
#endif
  out[n++] = lnn::isaPortable();
#if defined(LNN_X86_ISAS)
  if (lnn::cpuHasAvx2Fma()) out[n++] = lnn::isaAvx512LayoutOnAvx2();
#endif
  return n;
}

napi_value throwError(napi_env env, const char* msg) {
  napi_throw_error(env, nullptr, msg);
  return nullptr;
}

napi_value strings(napi_env env, const lnn::Isa* const* isas, int n) {
  napi_value arr;
  napi_create_array_with_length(env, size_t(n), &arr);
  for (int i = 0; i < n; i++) {
    napi_value s;
    napi_create_string_utf8(env, isas[i]->name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, uint32_t(i), s);
  }
  return arr;
}

/** cpu() → { isas: [names, best first] }. */
napi_value Cpu(napi_env env, napi_callback_info) {
  const lnn::Isa* isas[4];
  int n = usableIsas(isas);
  napi_value out;
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "isas", strings(env, isas, n));
  return out;
}

napi_value names(napi_env env, const char* const* list, size_t n) {
  napi_value arr;
  napi_create_array_with_length(env, n, &arr);
  for (size_t i = 0; i < n; i++) {
    napi_value s;
    napi_create_string_utf8(env, list[i], NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, uint32_t(i), s);
  }
  return arr;
}

/**
 * describe() → { activations, losses, kernels: { name: [parameters] } }: the codes and the calling
 * convention this build was compiled with, which the loader checks against src/backend/kernel-spec.ts
 * (a stale build is refused, saying so) and which a test holds to it.
 */
napi_value Describe(napi_env env, napi_callback_info) {
  napi_value out, kernels;
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "activations", names(env, kActivationNames, lnn::ACTIVATION_COUNT));
  napi_set_named_property(env, out, "losses", names(env, kLossNames, lnn::LOSS_COUNT));
  napi_create_object(env, &kernels);
  for (const Binding& b : kBindings) {
    const Signature& sig = signature(b.name);
    napi_set_named_property(env, kernels, b.name, names(env, sig.names, sig.count));
  }
  napi_set_named_property(env, out, "kernels", kernels);
  return out;
}

void releaseContext(napi_env, void* data, void*) {
  Context* ctx = static_cast<Context*>(data);
  if (--ctx->refs > 0) return;
  delete ctx->pool;
  delete ctx;
}

/** createKernels(threads, isa) → { gemm, addBias, ..., isa, threads, tiles }. */
napi_value CreateKernels(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  double threads = 0;
  char name[64] = "";
  size_t len = 0;
  if (argc != 2 || napi_get_value_double(env, argv[0], &threads) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], name, sizeof name, &len) != napi_ok)
    return throwError(env, "native backend: createKernels(threads, isa) takes a number and a string");
  if (!(threads >= 1 && threads <= 1024) || double(int(threads)) != threads)
    return throwError(env, "native backend: threads must be an integer from 1 to 1024");
  const lnn::Isa* isas[4];
  int n = usableIsas(isas);
  const lnn::Isa* isa = nullptr;
  for (int i = 0; i < n; i++)
    if (strcmp(isas[i]->name, name) == 0) isa = isas[i];
  if (!isa) {
    char msg[200];
    snprintf(msg, sizeof msg, "native backend: this CPU cannot run the '%s' kernels", name);
    return throwError(env, msg);
  }
  lnn::Pool* pool = new lnn::Pool(int(threads), isa->scratchBytes);
  if (pool->failure()) {
    char msg[200];
    snprintf(msg, sizeof msg, "native backend: %s", pool->failure());
    delete pool;
    return throwError(env, msg);
  }
  Context* ctx = new Context{isa, pool, 0};
  napi_value out;
  napi_create_object(env, &out);
  for (const Binding& b : kBindings) {
    napi_value fn;
    napi_create_function(env, b.name, NAPI_AUTO_LENGTH, b.fn, ctx, &fn);
    ctx->refs++;
    napi_add_finalizer(env, fn, ctx, releaseContext, nullptr, nullptr);
    napi_set_named_property(env, out, b.name, fn);
  }
  napi_value isaName, tiles;
  napi_create_string_utf8(env, isa->name, NAPI_AUTO_LENGTH, &isaName);
  napi_set_named_property(env, out, "isa", isaName);
  napi_set_named_property(env, out, "threads", number(env, pool->threads()));
  napi_create_array_with_length(env, 4, &tiles);
  for (uint32_t i = 0; i < 4; i++) napi_set_element(env, tiles, i, number(env, isa->tiles[i]));
  napi_set_named_property(env, out, "tiles", tiles);
  return out;
}

/** alloc(count, f64) → a zeroed Float32Array/Float64Array of `count` values whose data is 64-byte aligned. */
napi_value Alloc(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  double count = -1;
  bool f64 = false;
  if (argc != 2 || napi_get_value_double(env, argv[0], &count) != napi_ok ||
      napi_get_value_bool(env, argv[1], &f64) != napi_ok || !(count >= 0 && count < double(kMaxDim) * 4) ||
      double(int64_t(count)) != count)
    return throwError(env, "native backend: alloc(count, f64) takes a value count and a boolean");
  size_t size = f64 ? 8 : 4, bytes = size_t(count) * size;
  void* data = nullptr;
  napi_value buffer, out;
  if (napi_create_arraybuffer(env, bytes + 64, &data, &buffer) != napi_ok) return nullptr;  // RangeError thrown
  size_t offset = (64 - uintptr_t(data) % 64) % 64;
  memset(static_cast<char*>(data) + offset, 0, bytes);
  if (napi_create_typedarray(env, f64 ? napi_float64_array : napi_float32_array, size_t(count), buffer, offset,
                             &out) != napi_ok)
    return nullptr;
  return out;
}

/** allocMask(count) → a zeroed Uint8Array of `count` bytes whose data is 64-byte aligned (a dropout mask). */
napi_value AllocMask(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  double count = -1;
  if (argc != 1 || napi_get_value_double(env, argv[0], &count) != napi_ok || !(count >= 0 && count < double(kMaxDim) * 4) ||
      double(int64_t(count)) != count)
    return throwError(env, "native backend: allocMask(count) takes a byte count");
  void* data = nullptr;
  napi_value buffer, out;
  if (napi_create_arraybuffer(env, size_t(count) + 64, &data, &buffer) != napi_ok) return nullptr;  // RangeError thrown
  size_t offset = (64 - uintptr_t(data) % 64) % 64;
  memset(static_cast<char*>(data) + offset, 0, size_t(count));
  if (napi_create_typedarray(env, napi_uint8_array, size_t(count), buffer, offset, &out) != napi_ok) return nullptr;
  return out;
}

/** release(array): detaches the array's buffer, which frees its memory; later use is caught by the checks. */
napi_value Release(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  bool is = false;
  if (argc == 1) napi_is_typedarray(env, argv[0], &is);
  if (!is) return throwError(env, "native backend: release(array) takes a typed array");
  napi_typedarray_type type;
  size_t length, offset;
  void* data;
  napi_value buffer;
  napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &offset);
  bool detached = false;
  napi_is_detached_arraybuffer(env, buffer, &detached);
  if (!detached && napi_detach_arraybuffer(env, buffer) != napi_ok)
    return throwError(env, "native backend: release: this array's buffer cannot be freed");
  return nullptr;
}

}  // namespace

NAPI_MODULE_INIT() {
  const Binding fns[] = {{"cpu", Cpu, ""},
                         {"describe", Describe, ""},
                         {"createKernels", CreateKernels, ""},
                         {"alloc", Alloc, ""},
                         {"allocMask", AllocMask, ""},
                         {"release", Release, ""}};
  for (const Binding& b : fns) {
    napi_value fn;
    napi_create_function(env, b.name, NAPI_AUTO_LENGTH, b.fn, nullptr, &fn);
    napi_set_named_property(env, exports, b.name, fn);
  }
  return exports;
}
