#include "daemon/core/loop_supervisor.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>

#include "daemon/core/exception_text.hpp"

namespace aci::core {

namespace asio = boost::asio;

struct SupervisedLoop {
  std::string name;
  asio::any_io_executor executor;
  std::function<asio::awaitable<void>()> start;
  bool cancelled = false;
  bool running = false;  // false while it waits out a backoff
  SteadyTime started{};
  Duration next_backoff{};
  std::uint32_t consecutive_failures = 0;
  std::string last_error;
  // Owned here rather than by the waiting coroutine, so that cancel() can reach it
  // whatever happened to that coroutine. Set only during a backoff.
  TimerPtr backoff_timer;
};

namespace {

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

const Clock& real_clock() {
  static const RealClock clock;
  return clock;
}

// A loop started through its handle's shared state: nothing runs once its owner
// cancelled, even if the start was already posted.
asio::awaitable<void> run_loop(std::shared_ptr<SupervisedLoop> loop) {
  if (loop->cancelled) co_return;
  co_await loop->start();
}

// The function lives in this frame, so a lambda's captures outlive the coroutine it makes.
asio::awaitable<void> run_task(std::function<asio::awaitable<void>()> start) { co_await start(); }

}  // namespace

LoopHandle& LoopHandle::operator=(LoopHandle&& other) noexcept {
  if (this != &other) {
    cancel();
    loop_ = std::move(other.loop_);
  }
  return *this;
}

void LoopHandle::cancel() noexcept {
  if (!loop_) return;
  loop_->cancelled = true;
  if (loop_->backoff_timer) loop_->backoff_timer->cancel();
  loop_.reset();
}

LoopSupervisor::LoopSupervisor(asio::execution_context& context)
    : asio::execution_context::service(context),
      clock_(&real_clock()),
      logger_(std::make_shared<log::LogSink>(std::cerr), "supervisor") {}

LoopSupervisor::~LoopSupervisor() = default;

void LoopSupervisor::configure(const Clock& clock, log::Logger logger, LoopSupervisorHooks hooks,
                               LoopSupervisorOptions options) {
  clock_ = &clock;
  logger_ = std::move(logger);
  hooks_ = std::move(hooks);
  options_ = options;
  if (hooks_.seen)
    for (const auto& name : seen_) hooks_.seen(name);
}

LoopHandle LoopSupervisor::spawn(const asio::any_io_executor& executor, std::string name,
                                 std::function<asio::awaitable<void>()> start) {
  note(name);
  auto loop = std::make_shared<SupervisedLoop>();
  loop->name = std::move(name);
  loop->executor = executor;
  loop->start = std::move(start);
  loop->next_backoff = options_.first_backoff;
  if (stopped_) return LoopHandle{};  // shutting down: nothing new starts
  loops_.insert(loop);
  run(loop);
  return LoopHandle(std::move(loop));
}

void LoopSupervisor::spawn_once(const asio::any_io_executor& executor, std::string name,
                                std::function<asio::awaitable<void>()> start, std::function<void()> on_failure) {
  note(name);
  asio::co_spawn(executor, run_task(std::move(start)),
                 [this, name = std::move(name), on_failure = std::move(on_failure)](const std::exception_ptr& error) {
                   if (!error) return;
                   report(name, exception_text(error), "background task failed", {{"task", name}});
                   if (!on_failure) return;
                   try {
                     on_failure();
                   } catch (...) {
                     report(name, exception_text(std::current_exception()),
                            "handling a failed background task failed too", {{"task", name}});
                   }
                 });
}

void LoopSupervisor::stop() {
  stopped_ = true;
  for (const auto& loop : loops_)
    if (loop->backoff_timer) loop->backoff_timer->cancel();
}

std::vector<LoopSupervisor::DownLoop> LoopSupervisor::down_loops() const {
  const auto now = clock_->steady_now();
  std::map<std::string, DownLoop> down;
  for (const auto& loop : loops_) {
    if (loop->cancelled || loop->consecutive_failures < options_.down_after) continue;
    if (loop->running && now - loop->started >= options_.healthy_after) continue;  // recovered
    auto& entry = down[loop->name];
    if (loop->consecutive_failures > entry.consecutive_failures)
      entry = DownLoop{loop->name, loop->consecutive_failures, loop->last_error};
  }
  std::vector<DownLoop> result;
  result.reserve(down.size());
  for (auto& [name, entry] : down) result.push_back(std::move(entry));
  return result;
}

void LoopSupervisor::shutdown() {
  // The context is going away: its handlers will never run again, and timers must
  // not outlive its services.
  stopped_ = true;
  for (const auto& loop : loops_) loop->backoff_timer.reset();
  loops_.clear();
}

void LoopSupervisor::run(const std::shared_ptr<SupervisedLoop>& loop) {
  loop->running = true;
  loop->started = clock_->steady_now();
  asio::co_spawn(loop->executor, run_loop(loop), [this, loop](const std::exception_ptr& error) {
    // This handler runs inside io_context::run(): nothing may leave it.
    try {
      finished(loop, error);
    } catch (...) {
      loops_.erase(loop);
      report(loop->name, exception_text(std::current_exception()),
             "restarting a background loop failed; it stays down", {{"loop", loop->name}});
    }
  });
}

void LoopSupervisor::finished(const std::shared_ptr<SupervisedLoop>& loop, const std::exception_ptr& error) {
  loop->running = false;
  if (!error) {
    loops_.erase(loop);
    return;
  }
  const Duration ran = clock_->steady_now() - loop->started;
  if (ran >= options_.healthy_after) {
    loop->consecutive_failures = 0;
    loop->next_backoff = options_.first_backoff;
  }
  ++loop->consecutive_failures;
  // Kept for /healthz, which is no log line: redacted here.
  loop->last_error = logger_.sink().redactor().redact(exception_text(error));
  const bool restart = !stopped_ && !loop->cancelled;
  const Duration delay = loop->next_backoff;
  nlohmann::json fields{{"loop", loop->name},
                        {"ran_seconds", seconds(ran)},
                        {"consecutive_failures", loop->consecutive_failures}};
  if (restart) fields["restart_in_seconds"] = seconds(delay);
  report(loop->name, loop->last_error,
         restart ? "background loop failed; restarting it after a backoff"
                 : "background loop failed; not restarted, since it is being stopped",
         std::move(fields));
  if (!restart) {
    loops_.erase(loop);
    return;
  }
  loop->next_backoff = std::min(delay * 2, options_.max_backoff);
  loop->backoff_timer = clock_->make_timer(loop->executor);
  asio::co_spawn(loop->executor, restart_after(loop, delay), [this, loop](const std::exception_ptr& failed) {
    if (!failed) return;
    loops_.erase(loop);
    report(loop->name, exception_text(failed), "restarting a background loop failed; it stays down",
           {{"loop", loop->name}});
  });
}

asio::awaitable<void> LoopSupervisor::restart_after(std::shared_ptr<SupervisedLoop> loop, Duration delay) {
  co_await loop->backoff_timer->wait_until(clock_->steady_now() + delay);
  loop->backoff_timer.reset();
  if (stopped_ || loop->cancelled) {
    loops_.erase(loop);
    co_return;
  }
  logger_.info("restarting background loop", {{"loop", loop->name}});
  run(loop);
}

void LoopSupervisor::note(const std::string& name) {
  if (!seen_.insert(name).second || !hooks_.seen) return;
  hooks_.seen(name);
}

void LoopSupervisor::report(const std::string& name, const std::string& error, const std::string& message,
                            nlohmann::json fields) noexcept {
  try {
    fields["error"] = error;
    logger_.error(message, std::move(fields));
    if (hooks_.failed) hooks_.failed(name);
  } catch (...) {
    // Logging itself failed (out of memory, say): the one channel left.
    std::fputs("aci-operator: a background failure could not be logged\n", stderr);
  }
}

LoopSupervisor& loop_supervisor(const asio::any_io_executor& executor) {
  return asio::use_service<LoopSupervisor>(asio::query(executor, asio::execution::context));
}

LoopHandle spawn_supervised(const asio::any_io_executor& executor, std::string name,
                            std::function<asio::awaitable<void>()> start) {
  return loop_supervisor(executor).spawn(executor, std::move(name), std::move(start));
}

void spawn_once(const asio::any_io_executor& executor, std::string name,
                std::function<asio::awaitable<void>()> start, std::function<void()> on_failure) {
  loop_supervisor(executor).spawn_once(executor, std::move(name), std::move(start), std::move(on_failure));
}

}  // namespace aci::core
