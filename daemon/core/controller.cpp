#include "daemon/core/controller.hpp"

#include <algorithm>
#include <exception>
#include <optional>

#include "daemon/core/test_fault.hpp"

namespace aci::core {

namespace {

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

Controller::Controller(const boost::asio::any_io_executor& executor, const Clock& clock,
                       Reconciler& reconciler, ControllerSeriesSource& metrics, log::Logger logger,
                       ControllerOptions options)
    : executor_(executor),
      clock_(clock),
      reconciler_(reconciler),
      logger_(std::move(logger)),
      options_(std::move(options)),
      metrics_(metrics.reconcile(options_.name)),
      queue_(executor, clock, make_controller_rate_limiter(clock, options_.rate_limiter),
             metrics.work_queue(options_.name)) {
  options_.workers = std::max<std::size_t>(options_.workers, 1);
  metrics_.max_concurrent->Set(static_cast<double>(options_.workers));
}

Controller::~Controller() { queue_.shutdown(); }

void Controller::start() {
  if (started_ || stopping_) return;
  started_ = true;
  logger_.info("starting controller", {{"controller", options_.name}, {"workers", options_.workers}});
  // Each (re)start counts its loop as live; its exit, returned or thrown, uncounts it,
  // so stop() never waits for a loop that is between a failure and its restart.
  loops_.push_back(spawn_supervised(executor_, options_.name + "_housekeeping", [this] {
    housekeeping_running_ = true;
    return housekeeping();
  }));
  for (std::size_t i = 0; i < options_.workers; ++i) {
    loops_.push_back(spawn_supervised(executor_, options_.name + "_worker", [this] {
      ++live_workers_;
      return worker();
    }));
  }
}

boost::asio::awaitable<bool> Controller::stop() {
  if (stopping_) co_return all_exited();
  stopping_ = true;
  if (!started_) {
    queue_.shutdown();  // later adds from sources are ignored, as after a real stop
    co_return true;
  }
  logger_.info("stopping controller",
               {{"controller", options_.name}, {"in_flight", static_cast<std::uint64_t>(in_flight_.size())}});
  // Idle workers see nullopt from get() and exit; busy ones exit after their reconcile;
  // failed ones are not restarted.
  for (auto& loop : loops_) loop.cancel();
  queue_.shutdown();
  if (housekeeping_timer_ != nullptr) housekeeping_timer_->cancel();

  const SteadyTime deadline = clock_.steady_now() + options_.stop_timeout;
  auto timer = clock_.make_timer(executor_);
  stop_timer_ = timer.get();
  while (!all_exited()) {
    // Each exiting loop cancels the timer so we re-check; true means the deadline passed.
    if (co_await timer->wait_until(deadline)) break;
  }
  stop_timer_ = nullptr;

  if (!all_exited()) {
    nlohmann::json keys = nlohmann::json::array();
    for (const auto& [id, flight] : in_flight_) keys.push_back(flight.key);
    logger_.warn("stop deadline passed with reconciles still running",
                 {{"controller", options_.name}, {"keys", std::move(keys)}});
    co_return false;
  }
  logger_.info("controller stopped", {{"controller", options_.name}});
  co_return true;
}

boost::asio::awaitable<void> Controller::worker() {
  try {
    for (;;) {
      // Before get(): a key handed out is always done() by reconcile_one.
      test_fault_point(options_.name + "_worker");
      const std::optional<std::string> key = co_await queue_.get();
      if (!key) break;
      co_await reconcile_one(*key);
    }
  } catch (...) {
    worker_exited();
    throw;  // to the supervisor, which logs, counts and restarts
  }
  worker_exited();
}

void Controller::worker_exited() {
  --live_workers_;
  loop_exited();
}

boost::asio::awaitable<void> Controller::reconcile_one(const std::string& key) {
  const std::uint64_t id = next_reconcile_id_++;
  const SteadyTime started = clock_.steady_now();
  const bool has_deadline = options_.reconcile_timeout > Duration::zero();
  const SteadyTime deadline = has_deadline ? started + options_.reconcile_timeout : SteadyTime::max();
  in_flight_.emplace(id, InFlight{key, started, deadline});
  metrics_.active_workers->Increment();
  // The housekeeping loop may be asleep past this deadline (a timeout shorter than
  // the metrics interval); wake it so the overrun is reported on time.
  if (has_deadline && deadline < housekeeping_wake_at_ && housekeeping_timer_ != nullptr) {
    housekeeping_timer_->cancel();
  }

  std::optional<Result> result;
  std::optional<std::string> exception;
  try {
    result = co_await reconciler_.reconcile(key);
  } catch (const std::exception& e) {
    exception = e.what();
  } catch (...) {
    exception = "non-standard exception";
  }

  const Duration elapsed = clock_.steady_now() - started;
  metrics_.time->Observe(seconds(elapsed));
  metrics_.active_workers->Decrement();
  const bool overran = in_flight_.at(id).overran;
  in_flight_.erase(id);

  nlohmann::json fields{{"controller", options_.name}, {"key", key}, {"reconcile_id", id},
                        {"duration_seconds", seconds(elapsed)}};
  if (overran) logger_.info("reconcile finished after its deadline", fields);

  // One switch holds all queue bookkeeping, as controller-runtime's reconcileHandler.
  if (exception) {
    metrics_.panics->Increment();
    metrics_.errors->Increment();
    metrics_.error->Increment();
    queue_.add_rate_limited(key);
    fields["error"] = *exception;
    logger_.error("reconcile threw; retrying with backoff", std::move(fields));
  } else {
    switch (result->kind()) {
      case Result::Kind::done:
        metrics_.success->Increment();
        queue_.forget(key);
        break;
      case Result::Kind::requeue:
        metrics_.requeue->Increment();
        queue_.add_rate_limited(key);
        break;
      case Result::Kind::requeue_after:
        metrics_.requeue_after->Increment();
        // A timed requeue is a plan, not a failure: the backoff starts afresh.
        queue_.forget(key);
        queue_.add_after(key, result->after());
        break;
      case Result::Kind::retry:
        metrics_.errors->Increment();
        metrics_.error->Increment();
        queue_.add_rate_limited(key);
        fields["error"] = result->error();
        fields["requeues"] = queue_.num_requeues(key);
        logger_.error("reconcile failed; retrying with backoff", std::move(fields));
        break;
      case Result::Kind::terminal:
        metrics_.errors->Increment();
        metrics_.terminal_errors->Increment();
        metrics_.error->Increment();
        // Unlike controller-runtime we also forget: a terminal outcome is an answer,
        // and earlier transient failures should not lengthen a later backoff.
        queue_.forget(key);
        fields["error"] = result->error();
        logger_.error("reconcile failed terminally; not retrying", std::move(fields));
        break;
    }
  }
  queue_.done(key);
}

boost::asio::awaitable<void> Controller::housekeeping() {
  auto timer = clock_.make_timer(executor_);
  try {
    while (!stopping_) {
      test_fault_point(options_.name + "_housekeeping");
      const SteadyTime now = clock_.steady_now();
      queue_.update_unfinished_work_metrics();
      report_overruns(now);
      SteadyTime wake = now + options_.metrics_interval;
      for (const auto& [id, flight] : in_flight_) {
        if (!flight.overran) wake = std::min(wake, flight.deadline);
      }
      housekeeping_wake_at_ = wake;
      // Published only while waiting, so a throw elsewhere leaves no pointer into this frame.
      housekeeping_timer_ = timer.get();
      co_await timer->wait_until(wake);
      housekeeping_timer_ = nullptr;
    }
  } catch (...) {
    housekeeping_exited();
    throw;  // to the supervisor, which logs, counts and restarts
  }
  housekeeping_exited();
}

void Controller::housekeeping_exited() {
  housekeeping_wake_at_ = SteadyTime::max();
  housekeeping_timer_ = nullptr;
  housekeeping_running_ = false;
  loop_exited();
}

void Controller::report_overruns(SteadyTime now) {
  for (auto& [id, flight] : in_flight_) {
    if (flight.overran || flight.deadline > now) continue;
    flight.overran = true;
    metrics_.deadline_exceeded->Increment();
    logger_.warn("reconcile exceeded its deadline; it cannot be cancelled and keeps its worker",
                 {{"controller", options_.name},
                  {"key", flight.key},
                  {"reconcile_id", id},
                  {"running_seconds", seconds(now - flight.started)}});
  }
}

void Controller::loop_exited() {
  if (stop_timer_ != nullptr && all_exited()) stop_timer_->cancel();
}

}  // namespace aci::core
