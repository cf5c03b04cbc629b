#include "daemon/metrics/controller_metrics.hpp"

#include <cmath>

namespace aci::metrics {

namespace {

// controller-runtime's reconcile_time_seconds buckets: fine below a second, where
// most reconciles land, coarse out to a minute.
const prometheus::Histogram::BucketBoundaries& reconcile_time_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
      0.7,   0.8,  0.9,   1.0,  1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5,
      6,     7,    8,     9,    10,  15,  20,  25,   30,  40,  50,  60};
  return buckets;
}

// client-go's workqueue buckets: 1e-8 s to 1e3 s, one per decade.
const prometheus::Histogram::BucketBoundaries& workqueue_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = [] {
    prometheus::Histogram::BucketBoundaries out;
    for (int k = 0; k < 12; ++k) out.push_back(1e-8 * std::pow(10.0, k));
    return out;
  }();
  return buckets;
}

template <class Builder>
auto& build(Builder builder, prometheus::Registry& registry, const char* name, const char* help) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

ControllerMetrics::ControllerMetrics(prometheus::Registry& registry)
    : reconcile_total_(build(prometheus::BuildCounter(), registry, "controller_runtime_reconcile_total",
                             "Total number of reconciliations per controller")),
      reconcile_errors_(build(prometheus::BuildCounter(), registry, "controller_runtime_reconcile_errors_total",
                              "Total number of reconciliation errors per controller")),
      terminal_reconcile_errors_(build(prometheus::BuildCounter(), registry,
                                       "controller_runtime_terminal_reconcile_errors_total",
                                       "Total number of terminal reconciliation errors per controller")),
      reconcile_panics_(build(prometheus::BuildCounter(), registry, "controller_runtime_reconcile_panics_total",
                              "Total number of reconciliation panics per controller")),
      reconcile_deadline_exceeded_(build(
          prometheus::BuildCounter(), registry, "aci_operator_reconcile_deadline_exceeded_total",
          "Reconciles still running when their deadline passed (they are not cancelled) per controller")),
      reconcile_time_(build(prometheus::BuildHistogram(), registry, "controller_runtime_reconcile_time_seconds",
                            "Length of time per reconciliation per controller")),
      max_concurrent_reconciles_(build(prometheus::BuildGauge(), registry,
                                       "controller_runtime_max_concurrent_reconciles",
                                       "Maximum number of concurrent reconciles per controller")),
      active_workers_(build(prometheus::BuildGauge(), registry, "controller_runtime_active_workers",
                            "Number of currently used workers per controller")),
      depth_(build(prometheus::BuildGauge(), registry, "workqueue_depth", "Current depth of workqueue")),
      adds_(build(prometheus::BuildCounter(), registry, "workqueue_adds_total",
                  "Total number of adds handled by workqueue")),
      retries_(build(prometheus::BuildCounter(), registry, "workqueue_retries_total",
                     "Total number of retries handled by workqueue")),
      queue_duration_(build(prometheus::BuildHistogram(), registry, "workqueue_queue_duration_seconds",
                            "How long in seconds an item stays in workqueue before being requested")),
      work_duration_(build(prometheus::BuildHistogram(), registry, "workqueue_work_duration_seconds",
                           "How long in seconds processing an item from workqueue takes.")),
      unfinished_work_(build(prometheus::BuildGauge(), registry, "workqueue_unfinished_work_seconds",
                             "How many seconds of work has been done that is in progress and hasn't been "
                             "observed by work_duration. Large values indicate stuck threads. One can deduce "
                             "the number of stuck threads by observing the rate at which this increases.")),
      longest_running_processor_(build(prometheus::BuildGauge(), registry,
                                       "workqueue_longest_running_processor_seconds",
                                       "How many seconds has the longest running processor for workqueue "
                                       "been running.")) {}

WorkQueueSeries ControllerMetrics::work_queue(const std::string& name) {
  const prometheus::Labels labels{{"name", name}, {"controller", name}};
  WorkQueueSeries series;
  series.depth = &depth_.Add(labels);
  series.adds = &adds_.Add(labels);
  series.retries = &retries_.Add(labels);
  series.queue_duration = &queue_duration_.Add(labels, workqueue_buckets());
  series.work_duration = &work_duration_.Add(labels, workqueue_buckets());
  series.unfinished_work = &unfinished_work_.Add(labels);
  series.longest_running_processor = &longest_running_processor_.Add(labels);
  return series;
}

ReconcileSeries ControllerMetrics::reconcile(const std::string& controller) {
  const prometheus::Labels labels{{"controller", controller}};
  auto with_result = [&](const char* result) {
    return &reconcile_total_.Add({{"controller", controller}, {"result", result}});
  };
  ReconcileSeries series;
  series.success = with_result("success");
  series.error = with_result("error");
  series.requeue = with_result("requeue");
  series.requeue_after = with_result("requeue_after");
  series.errors = &reconcile_errors_.Add(labels);
  series.terminal_errors = &terminal_reconcile_errors_.Add(labels);
  series.panics = &reconcile_panics_.Add(labels);
  series.deadline_exceeded = &reconcile_deadline_exceeded_.Add(labels);
  series.time = &reconcile_time_.Add(labels, reconcile_time_buckets());
  series.max_concurrent = &max_concurrent_reconciles_.Add(labels);
  series.active_workers = &active_workers_.Add(labels);
  return series;
}

}  // namespace aci::metrics
