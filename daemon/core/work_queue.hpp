#pragma once
// WorkQueue: client-go's rate-limited delaying work queue for string keys. A key
// handed out by get() is never handed out again until done(key); adds while it is
// queued coalesce, adds while it is being processed make it come back once after
// done(). add_after() schedules on the injected Clock; add_rate_limited() delays by
// the RateLimiter. All members must be called on the executor's thread (one
// io_context, no locking; with several threads running it, pass a strand). shutdown() — also run by the destructor — makes every
// pending and later get() return nullopt; queued keys are dropped, not drained.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "daemon/core/clock.hpp"
#include "daemon/core/controller_series.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/core/rate_limiter.hpp"

namespace aci::core {

class WorkQueue {
 public:
  // `metrics` may be null (no metrics); otherwise its series must outlive the queue.
  // The clock must outlive the queue and its coroutines.
  WorkQueue(boost::asio::any_io_executor executor, const Clock& clock, RateLimiterPtr rate_limiter,
            std::optional<WorkQueueSeries> metrics = std::nullopt);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues the key unless it is queued already; ignored after shutdown().
  void add(const std::string& key);
  // Adds the key once `delay` has passed on the clock; a key already waiting keeps
  // the earlier of its two times. delay <= 0 is add(). Counts a retry, as client-go does.
  void add_after(const std::string& key, Duration delay);
  // add_after(key, rate_limiter.when(key)): one more failure of the key.
  void add_rate_limited(const std::string& key);
  // Clears the key's failure history (after a success); does not dequeue it.
  void forget(const std::string& key);
  std::uint32_t num_requeues(const std::string& key) const;

  // The next key, marking it in process; waits while the queue is empty. nullopt
  // once the queue is shut down. Safe even if the queue is destroyed while waiting.
  boost::asio::awaitable<std::optional<std::string>> get();
  // The caller has finished with a key from get(); re-queues it if it was added meanwhile.
  void done(const std::string& key);

  void shutdown();
  bool shutting_down() const;

  // Keys ready to be handed out.
  std::size_t size() const;
  // Keys handed out and not yet done.
  std::size_t processing_count() const;
  // Keys scheduled by add_after and not yet due.
  std::size_t waiting_count() const;
  // Keys whose next add is pending: queued, or added again while processing (workqueue_depth).
  std::size_t depth() const;

  // Sets workqueue_unfinished_work_seconds and _longest_running_processor_seconds
  // from the keys in process now. Neither changes on its own between events, so the
  // owner calls this periodically (the Controller does, every 500 ms like client-go).
  void update_unfinished_work_metrics();

  struct State;

 private:
  // Shared with the queue's own coroutines and with waiting getters, so none of them
  // touches freed memory if the queue is destroyed first.
  std::shared_ptr<State> state_;
  // The delay loop (loop "work_queue_delay"), restarted by the LoopSupervisor if it throws.
  LoopHandle delay_loop_;
};

}  // namespace aci::core
