#pragma once
// Controller: the reconcile loop, after controller-runtime's internal controller.
// N worker coroutines take keys from the controller's WorkQueue and call the
// Reconciler; each outcome is turned into queue bookkeeping (forget, add_after,
// add_rate_limited) and metrics in one place. Guard rails live here: exceptions are
// caught per reconcile, a reconcile that outlives its deadline is logged and counted,
// and the workers and the housekeeping loop run under the LoopSupervisor, which
// restarts them if they throw (loops "<name>_worker" and "<name>_housekeeping"). Runs on one executor; call every member on its thread (if several threads
// ever run the io_context, pass a strand).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "daemon/core/clock.hpp"
#include "daemon/core/controller_series.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/core/rate_limiter.hpp"
#include "daemon/core/reconciler.hpp"
#include "daemon/core/work_queue.hpp"

namespace aci::core {

struct ControllerOptions {
  std::string name;  // the controller and queue label in metrics and logs
  std::size_t workers = 1;
  // A reconcile running longer is logged at warn and counted in
  // aci_operator_reconcile_deadline_exceeded_total; it is not cancelled. Zero: no deadline.
  Duration reconcile_timeout = std::chrono::minutes(5);
  // How long stop() waits for in-flight reconciles.
  Duration stop_timeout = std::chrono::seconds(30);
  // How often the unfinished-work gauges are refreshed (client-go: 500 ms).
  Duration metrics_interval = std::chrono::milliseconds(500);
  RateLimiterOptions rate_limiter;
};

class Controller {
 public:
  // The clock, reconciler and metrics must outlive the controller. The controller's
  // series are created at zero here, so they are exported before the first reconcile.
  Controller(const boost::asio::any_io_executor& executor, const Clock& clock, Reconciler& reconciler,
             ControllerSeriesSource& metrics, log::Logger logger, ControllerOptions options);
  // Destroy only after stop() returned true, or once the io_context will never run
  // again: workers still in a reconcile would otherwise resume into freed memory.
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Where sources put keys. Keys may be added before start().
  WorkQueue& queue() noexcept { return queue_; }

  // Spawns the workers and the housekeeping loop. Once only: a stopped controller
  // does not restart (its queue is shut down).
  void start();

  // Stops taking keys, then waits up to stop_timeout for in-flight reconciles to
  // finish. Returns true if everything finished; false leaves the rest running (the
  // caller then stops the io_context). Shutdown is not an error: nothing is counted.
  boost::asio::awaitable<bool> stop();

  std::size_t active_reconciles() const noexcept { return in_flight_.size(); }
  const ControllerOptions& options() const noexcept { return options_; }

 private:
  struct InFlight {
    std::string key;
    SteadyTime started;
    SteadyTime deadline;
    bool overran = false;
  };

  boost::asio::awaitable<void> worker();
  boost::asio::awaitable<void> reconcile_one(const std::string& key);
  boost::asio::awaitable<void> housekeeping();
  void worker_exited();
  void housekeeping_exited();
  void report_overruns(SteadyTime now);
  void loop_exited();
  bool all_exited() const noexcept { return live_workers_ == 0 && !housekeeping_running_; }

  boost::asio::any_io_executor executor_;
  const Clock& clock_;
  Reconciler& reconciler_;
  log::Logger logger_;
  ControllerOptions options_;
  ReconcileSeries metrics_;
  WorkQueue queue_;

  bool started_ = false;
  bool stopping_ = false;
  std::size_t live_workers_ = 0;
  bool housekeeping_running_ = false;
  std::uint64_t next_reconcile_id_ = 1;
  std::map<std::uint64_t, InFlight> in_flight_;
  // Timers live in the frames of the coroutines that wait on them; these point at
  // them while they wait so others can wake them early.
  Timer* housekeeping_timer_ = nullptr;
  SteadyTime housekeeping_wake_at_ = SteadyTime::max();
  Timer* stop_timer_ = nullptr;
  // Declared last: destroyed first, so no restart reaches a half-destroyed controller.
  std::vector<LoopHandle> loops_;
};

}  // namespace aci::core
