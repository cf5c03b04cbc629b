#include "daemon/core/controller.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/core/log.hpp"
#include "daemon/metrics/controller_metrics.hpp"
#include "tests/unit/core/metric_reader.hpp"
#include "tests/unit/core/virtual_time_test.hpp"

namespace aci::core {
namespace {

using namespace std::chrono_literals;

// A reconciler that plays a script per key: each call takes the next step (or
// returns done once the script is used up), spends `takes` of virtual time, then
// returns its outcome or throws. It records every call and how many ran at once.
class ScriptedReconciler final : public Reconciler {
 public:
  struct Step {
    std::function<Result()> outcome = [] { return Result::done(); };
    Duration takes = Duration::zero();
  };
  struct Call {
    std::string key;
    SteadyTime at;
  };

  ScriptedReconciler(boost::asio::any_io_executor executor, const Clock& clock)
      : executor_(std::move(executor)), clock_(clock) {}

  void script(const std::string& key, std::vector<Step> steps) {
    for (auto& step : steps) scripts_[key].push_back(std::move(step));
  }
  void default_duration(Duration takes) { default_takes_ = takes; }

  // Reconciler
  boost::asio::awaitable<Result> reconcile(const std::string& key) override {
    calls.push_back({key, clock_.steady_now()});
    Step step;
    step.takes = default_takes_;
    if (auto it = scripts_.find(key); it != scripts_.end() && !it->second.empty()) {
      step = std::move(it->second.front());
      it->second.pop_front();
    }
    ++running_per_key_[key];
    ++running_;
    max_running_same_key = std::max(max_running_same_key, running_per_key_[key]);
    max_running = std::max(max_running, running_);
    if (step.takes > Duration::zero()) co_await clock_.sleep_for(executor_, step.takes);
    --running_per_key_[key];
    --running_;
    co_return step.outcome();
  }

  std::size_t calls_for(const std::string& key) const {
    return static_cast<std::size_t>(
        std::count_if(calls.begin(), calls.end(), [&](const Call& call) { return call.key == key; }));
  }

  std::vector<Call> calls;
  int max_running = 0;
  int max_running_same_key = 0;

 private:
  boost::asio::any_io_executor executor_;
  const Clock& clock_;
  std::map<std::string, std::deque<Step>> scripts_;
  std::map<std::string, int> running_per_key_;
  int running_ = 0;
  Duration default_takes_ = Duration::zero();
};

ScriptedReconciler::Step returns(const Result& result, Duration takes = Duration::zero()) {
  return {[result] { return result; }, takes};
}

ScriptedReconciler::Step throws(const std::string& what) {
  return {[what]() -> Result { throw std::runtime_error(what); }, Duration::zero()};
}

class ControllerTest : public test::VirtualTimeTest {
 public:
  ~ControllerTest() override {
    // Let every coroutine finish while the controller and reconciler still exist.
    if (controller_) {
      auto stopped = spawn(controller_->stop());
      for (int i = 0; i < 100 && !stopped->finished; ++i) advance(1h);
    }
  }

 protected:
  ControllerTest() : sink_(std::make_shared<log::LogSink>(log_, log::Level::debug)), reconciler_(executor(), clock_) {}

  Controller& make(std::size_t workers = 1, Duration base = 1s, Duration cap = 1min) {
    ControllerOptions options;
    options.name = "widget";
    options.workers = workers;
    options.reconcile_timeout = 5min;
    options.rate_limiter.base_delay = base;
    options.rate_limiter.max_delay = cap;
    adjust_(options);
    controller_ = std::make_unique<Controller>(executor(), clock_, reconciler_, metrics_,
                                               log::Logger(sink_, "controller"), options);
    return *controller_;
  }

  double value(const std::string& name, std::map<std::string, std::string> labels = {}) {
    labels.emplace("controller", "widget");
    return test::metric_value(registry_, name, labels);
  }
  double total(const std::string& result) {
    return value("controller_runtime_reconcile_total", {{"result", result}});
  }
  std::map<std::string, std::string> queue_labels() { return {{"name", "widget"}, {"controller", "widget"}}; }

  std::vector<Duration> call_offsets(SteadyTime start) {
    std::vector<Duration> out;
    for (const auto& call : reconciler_.calls) out.push_back(call.at - start);
    return out;
  }

  std::ostringstream log_;
  std::shared_ptr<log::LogSink> sink_;
  prometheus::Registry registry_;
  metrics::ControllerMetrics metrics_{registry_};
  ScriptedReconciler reconciler_;
  std::function<void(ControllerOptions&)> adjust_ = [](ControllerOptions&) {};
  std::unique_ptr<Controller> controller_;
};

TEST_F(ControllerTest, SeriesStartAtZeroBeforeAnyReconcile) {
  make(4);
  for (const char* result : {"success", "error", "requeue", "requeue_after"}) EXPECT_EQ(total(result), 0) << result;
  EXPECT_EQ(value("controller_runtime_reconcile_errors_total"), 0);
  EXPECT_EQ(value("controller_runtime_terminal_reconcile_errors_total"), 0);
  EXPECT_EQ(value("controller_runtime_reconcile_panics_total"), 0);
  EXPECT_EQ(value("controller_runtime_active_workers"), 0);
  EXPECT_EQ(value("controller_runtime_max_concurrent_reconciles"), 4);
  EXPECT_EQ(test::histogram_count(registry_, "controller_runtime_reconcile_time_seconds", {{"controller", "widget"}}), 0u);
  EXPECT_TRUE(test::find_series(registry_, "controller_runtime_reconcile_time_seconds", {{"controller", "widget"}}));
  for (const char* name : {"workqueue_depth", "workqueue_adds_total", "workqueue_retries_total",
                           "workqueue_unfinished_work_seconds", "workqueue_longest_running_processor_seconds"}) {
    EXPECT_EQ(test::metric_value(registry_, name, queue_labels()), 0) << name;
  }
  for (const char* name : {"workqueue_queue_duration_seconds", "workqueue_work_duration_seconds"}) {
    EXPECT_TRUE(test::find_series(registry_, name, queue_labels())) << name;
  }
}

TEST_F(ControllerTest, SuccessIsCountedAndNotRequeued) {
  Controller& controller = make();
  controller.queue().add("a");
  controller.start();
  poll();
  advance(1h);
  EXPECT_EQ(reconciler_.calls_for("a"), 1u);
  EXPECT_EQ(total("success"), 1);
  EXPECT_EQ(controller.queue().num_requeues("a"), 0u);
  EXPECT_EQ(controller.queue().processing_count(), 0u);
}

TEST_F(ControllerTest, RequeueAfterRunsAgainAtThatVirtualTime) {
  reconciler_.script("a", {returns(Result::requeue_after(30s))});
  Controller& controller = make();
  const SteadyTime start = clock_.steady_now();
  controller.queue().add("a");
  controller.start();
  poll();
  advance(30s - 1ms);
  EXPECT_EQ(reconciler_.calls_for("a"), 1u);
  advance(1ms);
  EXPECT_EQ(reconciler_.calls_for("a"), 2u);
  EXPECT_EQ(call_offsets(start), (std::vector<Duration>{0s, 30s}));
  EXPECT_EQ(total("requeue_after"), 1);
  EXPECT_EQ(total("success"), 1);
  EXPECT_EQ(test::metric_value(registry_, "workqueue_retries_total", queue_labels()), 1);
}

TEST_F(ControllerTest, RetryBacksOffExponentiallyAndSuccessForgets) {
  reconciler_.script("a", {returns(Result::retry("quota")), returns(Result::retry("quota")),
                           returns(Result::retry("quota"))});
  Controller& controller = make(1, 1s, 1min);
  const SteadyTime start = clock_.steady_now();
  controller.queue().add("a");
  controller.start();
  poll();
  advance(1h);
  EXPECT_EQ(call_offsets(start), (std::vector<Duration>{0s, 1s, 3s, 7s}));
  EXPECT_EQ(total("error"), 3);
  EXPECT_EQ(value("controller_runtime_reconcile_errors_total"), 3);
  EXPECT_EQ(total("success"), 1);
  EXPECT_EQ(controller.queue().num_requeues("a"), 0u);
  EXPECT_NE(log_.str().find("quota"), std::string::npos);
}

TEST_F(ControllerTest, RequeueIsRateLimitedButNotAnError) {
  reconciler_.script("a", {returns(Result::requeue()), returns(Result::requeue())});
  Controller& controller = make(1, 2s, 1min);
  const SteadyTime start = clock_.steady_now();
  controller.queue().add("a");
  controller.start();
  poll();
  advance(1h);
  EXPECT_EQ(call_offsets(start), (std::vector<Duration>{0s, 2s, 6s}));
  EXPECT_EQ(total("requeue"), 2);
  EXPECT_EQ(value("controller_runtime_reconcile_errors_total"), 0);
}

TEST_F(ControllerTest, TerminalErrorIsCountedLoggedAndNotRetried) {
  reconciler_.script("a", {returns(Result::terminal("spec.containers[0].image: required"))});
  Controller& controller = make();
  controller.queue().add("a");
  controller.start();
  poll();
  advance(24h);
  EXPECT_EQ(reconciler_.calls_for("a"), 1u);
  EXPECT_EQ(total("error"), 1);
  EXPECT_EQ(value("controller_runtime_reconcile_errors_total"), 1);
  EXPECT_EQ(value("controller_runtime_terminal_reconcile_errors_total"), 1);
  EXPECT_EQ(controller.queue().waiting_count(), 0u);
  EXPECT_NE(log_.str().find("spec.containers[0].image: required"), std::string::npos);
}

TEST_F(ControllerTest, ExceptionIsCaughtCountedAndRetriedWithBackoff) {
  reconciler_.script("a", {throws("bug: null spec")});
  Controller& controller = make(1, 1s, 1min);
  const SteadyTime start = clock_.steady_now();
  controller.queue().add("a");
  controller.queue().add("b");
  controller.start();
  poll();
  advance(1h);
  EXPECT_EQ(call_offsets(start), (std::vector<Duration>{0s, 0s, 1s}));
  EXPECT_EQ(reconciler_.calls_for("b"), 1u) << "one object's bug must not stop the others";
  EXPECT_EQ(value("controller_runtime_reconcile_panics_total"), 1);
  EXPECT_EQ(value("controller_runtime_reconcile_errors_total"), 1);
  EXPECT_EQ(total("error"), 1);
  EXPECT_EQ(total("success"), 2);
  EXPECT_NE(log_.str().find("bug: null spec"), std::string::npos);
}

TEST_F(ControllerTest, WorkersRunDifferentKeysConcurrentlyButNeverTheSameKey) {
  reconciler_.default_duration(1s);
  Controller& controller = make(3);
  const SteadyTime start = clock_.steady_now();
  for (const char* key : {"a", "b", "c", "d", "e", "f"}) controller.queue().add(key);
  controller.start();
  poll();
  EXPECT_EQ(controller.active_reconciles(), 3u);
  EXPECT_EQ(value("controller_runtime_active_workers"), 3);
  // "a" changes while being reconciled: it must wait for its own run to finish.
  controller.queue().add("a");
  controller.queue().add("a");
  poll();
  advance(10s);
  EXPECT_EQ(reconciler_.max_running, 3);
  EXPECT_EQ(reconciler_.max_running_same_key, 1);
  EXPECT_EQ(reconciler_.calls.size(), 7u);
  EXPECT_EQ(reconciler_.calls_for("a"), 2u);
  // Three at a time, one second each: the seventh run starts at t = 2 s.
  EXPECT_EQ(call_offsets(start), (std::vector<Duration>{0s, 0s, 0s, 1s, 1s, 1s, 2s}));
  EXPECT_EQ(value("controller_runtime_active_workers"), 0);
}

TEST_F(ControllerTest, OverrunningReconcileIsReportedButNotCancelled) {
  adjust_ = [](ControllerOptions& options) { options.reconcile_timeout = 10s; };
  reconciler_.script("slow", {returns(Result::done(), 15s)});
  Controller& controller = make();
  controller.queue().add("slow");
  controller.start();
  poll();
  advance(10s - 1ms);
  EXPECT_EQ(value("aci_operator_reconcile_deadline_exceeded_total"), 0);
  advance(1ms);
  EXPECT_EQ(value("aci_operator_reconcile_deadline_exceeded_total"), 1);
  EXPECT_NE(log_.str().find("exceeded its deadline"), std::string::npos);
  EXPECT_EQ(total("success"), 0);
  advance(5s);
  EXPECT_EQ(total("success"), 1) << "the late result still counts";
  EXPECT_EQ(value("aci_operator_reconcile_deadline_exceeded_total"), 1);
}

TEST_F(ControllerTest, DeadlineShorterThanTheMetricsTickIsStillExact) {
  adjust_ = [](ControllerOptions& options) {
    options.reconcile_timeout = 100ms;
    options.metrics_interval = 10s;
  };
  reconciler_.script("slow", {returns(Result::done(), 1s)});
  Controller& controller = make();
  controller.start();
  poll();
  controller.queue().add("slow");
  poll();
  advance(100ms);
  EXPECT_EQ(value("aci_operator_reconcile_deadline_exceeded_total"), 1);
}

TEST_F(ControllerTest, StopLetsInFlightReconcilesFinish) {
  reconciler_.script("a", {returns(Result::done(), 5s)});
  Controller& controller = make(2);
  controller.queue().add("a");
  controller.start();
  poll();
  auto stopped = spawn(controller.stop());
  poll();
  EXPECT_FALSE(stopped->finished);
  controller.queue().add("b");
  advance(5s);
  ASSERT_TRUE(stopped->finished);
  EXPECT_TRUE(*stopped->value);
  EXPECT_EQ(total("success"), 1);
  EXPECT_EQ(reconciler_.calls_for("b"), 0u) << "no new work after stop";
  EXPECT_EQ(clock_.sleeper_count(), 0u);
}

TEST_F(ControllerTest, StopGivesUpAfterItsTimeout) {
  adjust_ = [](ControllerOptions& options) { options.stop_timeout = 10s; };
  reconciler_.script("stuck", {returns(Result::done(), 1h)});
  Controller& controller = make();
  controller.queue().add("stuck");
  controller.start();
  poll();
  auto stopped = spawn(controller.stop());
  poll();
  advance(10s - 1ms);
  EXPECT_FALSE(stopped->finished);
  advance(1ms);
  ASSERT_TRUE(stopped->finished);
  EXPECT_FALSE(*stopped->value);
  EXPECT_NE(log_.str().find("stuck"), std::string::npos);
}

TEST_F(ControllerTest, IdleControllerStopsAtOnce) {
  Controller& controller = make(4);
  controller.start();
  poll();
  EXPECT_TRUE(run(controller.stop()));
}

TEST_F(ControllerTest, StopBeforeStartShutsTheQueue) {
  Controller& controller = make();
  EXPECT_TRUE(run(controller.stop()));
  controller.queue().add("a");
  EXPECT_EQ(controller.queue().size(), 0u);
  controller.start();
  poll();
  EXPECT_TRUE(reconciler_.calls.empty());
}

TEST_F(ControllerTest, MetricsDescribeAFewReconciles) {
  reconciler_.script("a", {returns(Result::done(), 2s)});
  reconciler_.script("b", {returns(Result::retry("boom"), 1s), returns(Result::done(), 1s)});
  Controller& controller = make(1, 1s, 1min);
  controller.queue().add("a");
  controller.queue().add("b");
  controller.start();
  poll();
  // Half way through "a": the housekeeping tick has seen 1 s of unfinished work.
  advance(1s);
  EXPECT_DOUBLE_EQ(test::metric_value(registry_, "workqueue_unfinished_work_seconds", queue_labels()), 1.0);
  EXPECT_DOUBLE_EQ(test::metric_value(registry_, "workqueue_longest_running_processor_seconds", queue_labels()), 1.0);
  EXPECT_EQ(test::metric_value(registry_, "workqueue_depth", queue_labels()), 1);
  advance(1h);

  const std::map<std::string, std::string> controller_label{{"controller", "widget"}};
  EXPECT_EQ(total("success"), 2);
  EXPECT_EQ(total("error"), 1);
  EXPECT_EQ(test::histogram_count(registry_, "controller_runtime_reconcile_time_seconds", controller_label), 3u);
  EXPECT_DOUBLE_EQ(test::histogram_sum(registry_, "controller_runtime_reconcile_time_seconds", controller_label), 4.0);
  EXPECT_EQ(test::metric_value(registry_, "workqueue_adds_total", queue_labels()), 3);
  EXPECT_EQ(test::metric_value(registry_, "workqueue_retries_total", queue_labels()), 1);
  EXPECT_EQ(test::metric_value(registry_, "workqueue_depth", queue_labels()), 0);
  EXPECT_EQ(test::histogram_count(registry_, "workqueue_work_duration_seconds", queue_labels()), 3u);
  EXPECT_DOUBLE_EQ(test::histogram_sum(registry_, "workqueue_work_duration_seconds", queue_labels()), 4.0);
  // "b" waited 2 s for "a"; its retry was due at t = 4 s, the moment it was added back.
  EXPECT_EQ(test::histogram_count(registry_, "workqueue_queue_duration_seconds", queue_labels()), 3u);
  EXPECT_DOUBLE_EQ(test::histogram_sum(registry_, "workqueue_queue_duration_seconds", queue_labels()), 2.0);
  EXPECT_EQ(test::metric_value(registry_, "workqueue_unfinished_work_seconds", queue_labels()), 0);
}

}  // namespace
}  // namespace aci::core
