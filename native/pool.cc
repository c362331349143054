// The thread pool behind the native kernels. A job is published as one 64-bit word holding its
// generation, its chunk count and the next chunk to claim, so a claim is decided by that word alone: a
// worker that wakes late can never take a chunk of a finished job, nor one of a later job with the
// function of an earlier one (the compare-exchange fails once the generation moved).
// Idle workers spin for a short while (kernels of one training step follow each other within
// microseconds), then sleep on a condition variable.
#include "pool.h"

#include <stdint.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LNN_PAUSE() _mm_pause()
#elif defined(__aarch64__)
#define LNN_PAUSE() __asm__ __volatile__("yield")
#else
#define LNN_PAUSE() ((void)0)
#endif

namespace lnn {

namespace {
/** How long an idle worker spins before sleeping: longer than the gap between two kernels of a step. */
constexpr auto kSpin = std::chrono::microseconds(150);
/** How long the calling thread spins for a straggling chunk before yielding the core to its thread. */
constexpr int kYieldAfter = 4096;
/** Chunks of one job: 16 bits of the claim word. */
constexpr int kMaxChunks = 0xffff;

}  // namespace

struct PoolState {
  /** generation << 32 | chunks << 16 | next chunk to claim. */
  std::atomic<uint64_t> claim{0};
  std::atomic<int> remaining{0};
  std::atomic<int> sleepers{0};
  std::atomic<bool> stop{false};
  // The job: written before its generation is published, read only by a thread holding a claim (the
  // job cannot finish, and so cannot be replaced, while a claimed chunk is running).
  ChunkFn fn = nullptr;
  void* ctx = nullptr;
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<std::thread> workers;
  std::vector<void*> scratch;

  /** Claims chunks of generation `gen` until none is left. */
  void work(uint32_t gen, int thread) {
    for (;;) {
      uint64_t v = claim.load(std::memory_order_acquire);
      for (;;) {
        if (uint32_t(v >> 32) != gen || (v & 0xffff) >= ((v >> 16) & 0xffff)) return;
        if (claim.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) break;
      }
      fn(ctx, int(v & 0xffff), thread);
      remaining.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  void loop(int thread) {
    uint32_t seen = 0;
    for (;;) {
      uint32_t gen = next_generation(seen);
      if (stop.load(std::memory_order_acquire)) return;
      seen = gen;
      work(gen, thread);
    }
  }

  /** Waits until the generation differs from `seen` (or stop): spinning first, then sleeping. */
  uint32_t next_generation(uint32_t seen) {
    auto until = std::chrono::steady_clock::now() + kSpin;
    for (int i = 0;; i++) {
      uint32_t g = uint32_t(claim.load(std::memory_order_acquire) >> 32);
      if (g != seen || stop.load(std::memory_order_relaxed)) return g;
      LNN_PAUSE();
      if ((i & 255) == 255 && std::chrono::steady_clock::now() > until) break;
    }
    std::unique_lock<std::mutex> lock(mutex);
    sleepers.fetch_add(1, std::memory_order_seq_cst);
    uint32_t g;
    wake.wait(lock, [&] {
      g = uint32_t(claim.load(std::memory_order_seq_cst) >> 32);
      return g != seen || stop.load(std::memory_order_seq_cst);
    });
    sleepers.fetch_sub(1, std::memory_order_relaxed);
    return g;
  }
};

Pool::Pool(int threads, size_t scratchBytes) : threads_(threads < 1 ? 1 : threads), state_(new PoolState) {
  size_t size = (scratchBytes + 63) & ~size_t(63);
  for (int t = 0; t < threads_; t++) {
    void* p = size ? aligned_alloc(64, size) : nullptr;
    if (size && !p) {
      failure_ = "out of memory for the kernels' scratch";
      threads_ = t;
      break;
    }
    state_->scratch.push_back(p);
  }
  for (int t = 1; t < threads_; t++) {
    try {
      state_->workers.emplace_back([this, t] { state_->loop(t); });
    } catch (...) {
      failure_ = "could not start a worker thread";
      break;
    }
  }
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stop.store(true, std::memory_order_seq_cst);
  }
  state_->wake.notify_all();
  for (auto& w : state_->workers) w.join();
  for (void* p : state_->scratch) free(p);
  delete state_;
}

void Pool::run(int chunks, ChunkFn fn, void* ctx) {
  if (chunks <= 0) return;
  PoolState& s = *state_;
  // Callers ask for a few chunks per thread, never near the limit; past it, the job stays correct.
  if (chunks == 1 || s.workers.empty() || chunks > kMaxChunks) {
    for (int c = 0; c < chunks; c++) fn(ctx, c, 0);
    return;
  }
  s.fn = fn;
  s.ctx = ctx;
  s.remaining.store(chunks, std::memory_order_relaxed);
  uint32_t gen = uint32_t(s.claim.load(std::memory_order_relaxed) >> 32) + 1;
  s.claim.store(uint64_t(gen) << 32 | uint64_t(chunks) << 16, std::memory_order_seq_cst);
  if (s.sleepers.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.wake.notify_all();
  }
  s.work(gen, 0);
  for (int i = 0; s.remaining.load(std::memory_order_acquire) > 0; i++) {
    if (i < kYieldAfter)
      LNN_PAUSE();
    else
      std::this_thread::yield();
  }
}

void* Pool::scratch(int thread) const { return state_->scratch[size_t(thread)]; }

}  // namespace lnn
