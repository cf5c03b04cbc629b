#pragma once
// LoopSupervisor: runs the daemon's background coroutines so that no exception escapes
// an io_context handler or vanishes (Boost 1.74's co_spawn with `detached` drops it
// unseen). A supervised loop that throws is logged, reported to the failure hook and
// started again after an exponential backoff; one that returns is finished. A one-shot
// task that throws is logged and reported, never restarted. A loop that keeps failing
// is listed by down_loops(), which /healthz reports. It is an execution_context
// service, so anything holding an executor reaches it through spawn_supervised() and
// spawn_once() below. Use it on the context's thread only, like the rest of the daemon.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution_context.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"

namespace aci::core {

struct LoopSupervisorOptions {
  // The first restart waits first_backoff; each further failure doubles it, up to max_backoff.
  Duration first_backoff = std::chrono::seconds(1);
  Duration max_backoff = std::chrono::seconds(60);
  // A run that lasted this long was a recovery: the backoff starts again from
  // first_backoff and the count of consecutive failures from zero.
  Duration healthy_after = std::chrono::seconds(60);
  // This many consecutive failures, none after a run of healthy_after, make a loop
  // down until a restart of it has run for healthy_after (or it returns).
  std::uint32_t down_after = 5;
};

struct LoopSupervisorHooks {
  // The first time a name is spawned, so its failure series can start at zero.
  std::function<void(const std::string& name)> seen;
  // Each time a supervised loop or a one-shot task throws.
  std::function<void(const std::string& name)> failed;
};

struct SupervisedLoop;

// Held by the component whose loop it is. Once the handle is destroyed or cancelled the
// loop is never started again (a run in progress goes on), so a restart cannot reach
// a destroyed component. Move-only.
class LoopHandle {
 public:
  LoopHandle() = default;
  explicit LoopHandle(std::shared_ptr<SupervisedLoop> loop) : loop_(std::move(loop)) {}
  ~LoopHandle() { cancel(); }
  LoopHandle(LoopHandle&& other) noexcept = default;
  LoopHandle& operator=(LoopHandle&& other) noexcept;
  LoopHandle(const LoopHandle&) = delete;
  LoopHandle& operator=(const LoopHandle&) = delete;

  // No more starts; a pending backoff ends at once.
  void cancel() noexcept;

 private:
  std::shared_ptr<SupervisedLoop> loop_;
};

class LoopSupervisor final : public boost::asio::execution_context::service {
 public:
  using key_type = LoopSupervisor;

  explicit LoopSupervisor(boost::asio::execution_context& context);
  ~LoopSupervisor() override;
  LoopSupervisor(const LoopSupervisor&) = delete;
  LoopSupervisor& operator=(const LoopSupervisor&) = delete;

  // Once, at start-up. Until then failures are logged to stderr on the real clock.
  // The clock must outlive the execution context.
  void configure(const Clock& clock, log::Logger logger, LoopSupervisorHooks hooks,
                 LoopSupervisorOptions options = {});

  // Runs start() on `executor` now, and again after each throw until the handle goes,
  // stop() is called or the context shuts down. `name` labels logs and metrics.
  [[nodiscard]] LoopHandle spawn(const boost::asio::any_io_executor& executor, std::string name,
                                 std::function<boost::asio::awaitable<void>()> start);
  // Runs start() once; if it throws, on_failure runs after the failure is logged and reported.
  void spawn_once(const boost::asio::any_io_executor& executor, std::string name,
                  std::function<boost::asio::awaitable<void>()> start, std::function<void()> on_failure = {});

  // Shutdown: no loop is restarted any more and pending backoffs end at once. Loops
  // running now go on.
  void stop();

  struct DownLoop {
    std::string name;
    std::uint32_t consecutive_failures = 0;
    std::string last_error;
  };
  // Loops that are down (see LoopSupervisorOptions::down_after), one entry per name.
  std::vector<DownLoop> down_loops() const;

 private:
  void shutdown() override;

  void run(const std::shared_ptr<SupervisedLoop>& loop);
  void finished(const std::shared_ptr<SupervisedLoop>& loop, const std::exception_ptr& error);
  boost::asio::awaitable<void> restart_after(std::shared_ptr<SupervisedLoop> loop, Duration delay);
  void note(const std::string& name);
  // Logs and reports one failure; never throws.
  void report(const std::string& name, const std::string& error, const std::string& message,
              nlohmann::json fields) noexcept;

  const Clock* clock_;
  log::Logger logger_;
  LoopSupervisorHooks hooks_;
  LoopSupervisorOptions options_;
  bool stopped_ = false;
  std::set<std::string> seen_;
  // Loops running or waiting out a backoff.
  std::set<std::shared_ptr<SupervisedLoop>> loops_;
};

// The supervisor of the execution context that `executor` belongs to.
LoopSupervisor& loop_supervisor(const boost::asio::any_io_executor& executor);

// Shorthands for loop_supervisor(executor).spawn(...) and .spawn_once(...).
[[nodiscard]] LoopHandle spawn_supervised(const boost::asio::any_io_executor& executor, std::string name,
                                          std::function<boost::asio::awaitable<void>()> start);
void spawn_once(const boost::asio::any_io_executor& executor, std::string name,
                std::function<boost::asio::awaitable<void>()> start, std::function<void()> on_failure = {});

}  // namespace aci::core
