#include "daemon/metrics/controller_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <map>
#include <string>

#include "daemon/metrics/exposition.hpp"
#include "tests/unit/core/metric_reader.hpp"

namespace aci::metrics {
namespace {

std::map<std::string, prometheus::MetricType> family_types(prometheus::Registry& registry) {
  std::map<std::string, prometheus::MetricType> out;
  for (const auto& family : registry.Collect()) out.emplace(family.name, family.type);
  return out;
}

TEST(ControllerMetricsTest, FamiliesCarryControllerRuntimeNamesAndTypes) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.reconcile("cg");
  metrics.work_queue("cg");
  using prometheus::MetricType;
  const std::map<std::string, MetricType> expected{
      {"controller_runtime_reconcile_total", MetricType::Counter},
      {"controller_runtime_reconcile_errors_total", MetricType::Counter},
      {"controller_runtime_terminal_reconcile_errors_total", MetricType::Counter},
      {"controller_runtime_reconcile_panics_total", MetricType::Counter},
      {"controller_runtime_reconcile_time_seconds", MetricType::Histogram},
      {"controller_runtime_max_concurrent_reconciles", MetricType::Gauge},
      {"controller_runtime_active_workers", MetricType::Gauge},
      {"aci_operator_reconcile_deadline_exceeded_total", MetricType::Counter},
      {"workqueue_depth", MetricType::Gauge},
      {"workqueue_adds_total", MetricType::Counter},
      {"workqueue_retries_total", MetricType::Counter},
      {"workqueue_queue_duration_seconds", MetricType::Histogram},
      {"workqueue_work_duration_seconds", MetricType::Histogram},
      {"workqueue_unfinished_work_seconds", MetricType::Gauge},
      {"workqueue_longest_running_processor_seconds", MetricType::Gauge},
  };
  EXPECT_EQ(family_types(registry), expected);
}

TEST(ControllerMetricsTest, EveryResultSeriesExistsAtZero) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.reconcile("cg");
  for (const char* result : {"success", "error", "requeue", "requeue_after"}) {
    EXPECT_EQ(test::metric_value(registry, "controller_runtime_reconcile_total", {{"controller", "cg"}, {"result", result}}),
              0)
        << result;
  }
  const std::string text = expose(registry);
  EXPECT_NE(text.find("controller_runtime_reconcile_total{controller=\"cg\",result=\"requeue_after\"} 0"),
            std::string::npos)
      << text;
}

TEST(ControllerMetricsTest, WorkQueueSeriesAreLabelledWithNameAndController) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  WorkQueueSeries series = metrics.work_queue("cg");
  series.adds->Increment(3);
  EXPECT_EQ(test::metric_value(registry, "workqueue_adds_total", {{"name", "cg"}, {"controller", "cg"}}), 3);
}

TEST(ControllerMetricsTest, BucketsMatchControllerRuntime) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  metrics.reconcile("cg");
  metrics.work_queue("cg");
  const auto reconcile = test::find_series(registry, "controller_runtime_reconcile_time_seconds", {{"controller", "cg"}});
  ASSERT_TRUE(reconcile);
  // 40 finite bounds plus +Inf.
  ASSERT_EQ(reconcile->histogram.bucket.size(), 41u);
  EXPECT_DOUBLE_EQ(reconcile->histogram.bucket.front().upper_bound, 0.005);
  EXPECT_DOUBLE_EQ(reconcile->histogram.bucket[39].upper_bound, 60);

  const auto queue = test::find_series(registry, "workqueue_work_duration_seconds", {{"name", "cg"}, {"controller", "cg"}});
  ASSERT_TRUE(queue);
  ASSERT_EQ(queue->histogram.bucket.size(), 13u);
  EXPECT_DOUBLE_EQ(queue->histogram.bucket.front().upper_bound, 1e-8);
  EXPECT_DOUBLE_EQ(queue->histogram.bucket[11].upper_bound, 1e3);
}

TEST(ControllerMetricsTest, SameNameGivesTheSameSeriesAndNamesStayApart) {
  prometheus::Registry registry;
  ControllerMetrics metrics(registry);
  ReconcileSeries first = metrics.reconcile("a");
  ReconcileSeries again = metrics.reconcile("a");
  ReconcileSeries other = metrics.reconcile("b");
  EXPECT_EQ(first.success, again.success);
  EXPECT_NE(first.success, other.success);
  first.success->Increment();
  EXPECT_EQ(test::metric_value(registry, "controller_runtime_reconcile_total", {{"controller", "a"}, {"result", "success"}}), 1);
  EXPECT_EQ(test::metric_value(registry, "controller_runtime_reconcile_total", {{"controller", "b"}, {"result", "success"}}), 0);
}

TEST(ControllerMetricsTest, TwoInstancesShareOneRegistrysFamilies) {
  prometheus::Registry registry;
  ControllerMetrics first(registry);
  ControllerMetrics second(registry);
  first.reconcile("a").errors->Increment();
  second.reconcile("a").errors->Increment();
  EXPECT_EQ(test::metric_value(registry, "controller_runtime_reconcile_errors_total", {{"controller", "a"}}), 2);
}

}  // namespace
}  // namespace aci::metrics
