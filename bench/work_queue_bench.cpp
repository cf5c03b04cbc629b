// work_queue_bench: prints throughput figures for the work queue and the reconcile
// loop on one io_context with the real clock. Figures only, never pass/fail: run it
// on a quiet machine and compare runs of the same build.
//
//   work_queue_bench [keys]   (default 100000)

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "daemon/core/clock.hpp"
#include "daemon/core/controller.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/reconciler.hpp"
#include "daemon/core/work_queue.hpp"
#include "daemon/metrics/controller_metrics.hpp"

namespace {

using aci::core::Duration;
using Stopwatch = std::chrono::steady_clock;

double seconds_since(Stopwatch::time_point start) {
  return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

void report(const char* what, std::size_t count, double seconds) {
  std::printf("%-66s %9zu in %8.3f s  %12.0f /s\n", what, count, seconds, static_cast<double>(count) / seconds);
}

std::vector<std::string> make_keys(std::size_t count) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (std::size_t i = 0; i < count; ++i) keys.push_back("subscription-0/rg-" + std::to_string(i % 64) + "/cg-" + std::to_string(i));
  return keys;
}

aci::core::RateLimiterPtr unlimited(const aci::core::Clock& clock) {
  aci::core::RateLimiterOptions options;
  options.qps = 0;  // the overall bucket would otherwise dominate the figures
  return aci::core::make_controller_rate_limiter(clock, options);
}

boost::asio::awaitable<void> drain(aci::core::WorkQueue& queue, std::size_t expected, std::size_t& taken) {
  while (taken < expected) {
    auto key = co_await queue.get();
    if (!key) break;
    queue.done(*key);
    ++taken;
  }
}

void bench_queue(std::size_t count, bool with_metrics) {
  boost::asio::io_context io;
  aci::core::RealClock clock;
  prometheus::Registry registry;
  aci::metrics::ControllerMetrics families(registry);
  std::optional<aci::metrics::WorkQueueSeries> series;
  if (with_metrics) series = families.work_queue("bench");
  aci::core::WorkQueue queue(io.get_executor(), clock, unlimited(clock), series);
  const auto keys = make_keys(count);
  const char* suffix = with_metrics ? " (metrics on)" : " (metrics off)";

  auto start = Stopwatch::now();
  for (const auto& key : keys) queue.add(key);
  report((std::string("add, distinct keys") + suffix).c_str(), count, seconds_since(start));

  start = Stopwatch::now();
  for (const auto& key : keys) queue.add(key);
  report((std::string("add, every key already queued (coalesced)") + suffix).c_str(), count, seconds_since(start));

  std::size_t taken = 0;
  start = Stopwatch::now();
  boost::asio::co_spawn(io, drain(queue, count, taken), boost::asio::detached);
  io.run();
  report((std::string("get + done") + suffix).c_str(), taken, seconds_since(start));
}

void bench_add_after(std::size_t count) {
  boost::asio::io_context io;
  aci::core::RealClock clock;
  aci::core::WorkQueue queue(io.get_executor(), clock, unlimited(clock));
  const auto keys = make_keys(count);
  auto start = Stopwatch::now();
  // Spread over 50 ms, in reverse order, so the scheduler's heap does real work.
  for (std::size_t i = 0; i < count; ++i) {
    queue.add_after(keys[i], std::chrono::microseconds(50'000 - static_cast<long>(i * 50'000 / count)));
  }
  report("add_after, distinct keys", count, seconds_since(start));
  start = Stopwatch::now();
  std::size_t taken = 0;
  boost::asio::co_spawn(io, drain(queue, count, taken), boost::asio::detached);
  io.run();
  report("add_after delivered, then get + done (includes the 50 ms spread)", taken, seconds_since(start));
}

// Converges at once: the figure is the loop's own cost per reconcile.
class NoopReconciler final : public aci::core::Reconciler {
 public:
  // Reconciler
  boost::asio::awaitable<aci::core::Result> reconcile(const std::string&) override {
    ++calls;
    co_return aci::core::Result::done();
  }
  std::size_t calls = 0;
};

void bench_controller(std::size_t count, std::size_t workers) {
  boost::asio::io_context io;
  aci::core::RealClock clock;
  prometheus::Registry registry;
  aci::metrics::ControllerMetrics families(registry);
  std::ostream discard(nullptr);
  auto sink = std::make_shared<aci::log::LogSink>(discard, aci::log::Level::warn);
  NoopReconciler reconciler;
  aci::core::ControllerOptions options;
  options.name = "bench";
  options.workers = workers;
  aci::core::Controller controller(io.get_executor(), clock, reconciler, families, aci::log::Logger(sink, "bench"),
                                   options);
  const auto keys = make_keys(count);
  for (const auto& key : keys) controller.queue().add(key);

  const auto start = Stopwatch::now();
  controller.start();
  while (reconciler.calls < count) io.run_one();
  const double elapsed = seconds_since(start);
  char label[96];
  std::snprintf(label, sizeof label, "reconcile (no-op reconciler, %zu worker%s)", workers, workers == 1 ? "" : "s");
  report(label, reconciler.calls, elapsed);

  bool stopped = false;
  boost::asio::co_spawn(io, controller.stop(),
                        [&](const std::exception_ptr&, bool clean) { stopped = clean; });
  io.run();
  if (!stopped) std::printf("  (controller did not stop cleanly)\n");
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t count = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  std::printf("work_queue_bench: %zu keys, one io_context, real clock\n", count);
  bench_queue(count, false);
  bench_queue(count, true);
  bench_add_after(count);
  for (std::size_t workers : {1, 4, 16}) bench_controller(count, workers);
  return 0;
}
