// A small persistent thread pool: threads - 1 workers started once, woken for each parallel kernel.
// Compiled without ISA flags; the ISA translation units only call its out-of-line members.
#pragma once
#include <stddef.h>

namespace lnn {

/** Runs chunk `chunk` of a job on thread `thread` (0 = the calling thread). */
typedef void (*ChunkFn)(void* ctx, int chunk, int thread);

struct PoolState;

class Pool {
 public:
  /**
   * `threads` counts the calling thread: 1 starts no worker. Each thread gets `scratchBytes` of its own
   * (64-byte aligned), allocated here so that no kernel ever allocates. Check `failure()` after.
   */
  Pool(int threads, size_t scratchBytes);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  int threads() const { return threads_; }

  /** Why the pool could not start (no memory for scratch, no thread), or nullptr. */
  const char* failure() const { return failure_; }

  /**
   * Runs fn(ctx, c, thread) for every chunk c in [0, chunks) and returns when all are done. Chunks are
   * claimed one at a time by whichever thread is free, the calling thread included, so a worker that
   * the OS has not scheduled never holds the call up by more than the chunk it already took.
   */
  void run(int chunks, ChunkFn fn, void* ctx);

  /** Thread `thread`'s scratch block (the size given to the constructor). */
  void* scratch(int thread) const;

 private:
  int threads_;
  const char* failure_ = nullptr;
  PoolState* state_;
};

}  // namespace lnn
