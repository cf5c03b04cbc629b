#pragma once
// The metric series a controller and its work queue update, under controller-runtime's
// names (metrics::ControllerMetrics builds them). Here, below metrics/, so that core
// depends on prometheus-cpp's metric types only, not on the families that make them.

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <string>

namespace aci::core {

// The series of one work queue. Labels: name and controller, both the controller's
// name (current controller-runtime sets both; older dashboards select on name).
struct WorkQueueSeries {
  prometheus::Gauge* depth = nullptr;
  prometheus::Counter* adds = nullptr;
  prometheus::Counter* retries = nullptr;
  prometheus::Histogram* queue_duration = nullptr;
  prometheus::Histogram* work_duration = nullptr;
  prometheus::Gauge* unfinished_work = nullptr;
  prometheus::Gauge* longest_running_processor = nullptr;
};

// The series of one controller's reconcile loop. Label: controller.
struct ReconcileSeries {
  // controller_runtime_reconcile_total{result=...}
  prometheus::Counter* success = nullptr;
  prometheus::Counter* error = nullptr;
  prometheus::Counter* requeue = nullptr;
  prometheus::Counter* requeue_after = nullptr;
  prometheus::Counter* errors = nullptr;
  prometheus::Counter* terminal_errors = nullptr;
  prometheus::Counter* panics = nullptr;  // reconciles that threw: our equivalent of a Go panic
  prometheus::Counter* deadline_exceeded = nullptr;
  prometheus::Histogram* time = nullptr;
  prometheus::Gauge* active_workers = nullptr;
  prometheus::Gauge* max_concurrent = nullptr;
};

// Where a controller gets its series from, by name.
class ControllerSeriesSource {
 public:
  virtual ~ControllerSeriesSource() = default;
  // Asking twice for the same name returns the same series.
  virtual WorkQueueSeries work_queue(const std::string& name) = 0;
  virtual ReconcileSeries reconcile(const std::string& controller) = 0;
};

}  // namespace aci::core
