#pragma once
// ControllerMetrics: the metric families of the controller loop and its work queue,
// under controller-runtime's exact names, so its dashboards and alerts work as they
// are. Families are built once per registry; the series of one controller are
// created, at zero, the first time they are asked for (controller-runtime's
// initMetrics), so a dashboard shows 0 rather than nothing. The registry must
// outlive this object and the series handed out; prometheus-cpp metrics are thread-safe.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

#include "daemon/core/controller_series.hpp"

namespace aci::metrics {

using WorkQueueSeries = core::WorkQueueSeries;
using ReconcileSeries = core::ReconcileSeries;

class ControllerMetrics final : public core::ControllerSeriesSource {
 public:
  explicit ControllerMetrics(prometheus::Registry& registry);
  ControllerMetrics(const ControllerMetrics&) = delete;
  ControllerMetrics& operator=(const ControllerMetrics&) = delete;

  // Asking twice for the same name returns the same series.
  WorkQueueSeries work_queue(const std::string& name) override;
  ReconcileSeries reconcile(const std::string& controller) override;

 private:
  prometheus::Family<prometheus::Counter>& reconcile_total_;
  prometheus::Family<prometheus::Counter>& reconcile_errors_;
  prometheus::Family<prometheus::Counter>& terminal_reconcile_errors_;
  prometheus::Family<prometheus::Counter>& reconcile_panics_;
  prometheus::Family<prometheus::Counter>& reconcile_deadline_exceeded_;
  prometheus::Family<prometheus::Histogram>& reconcile_time_;
  prometheus::Family<prometheus::Gauge>& max_concurrent_reconciles_;
  prometheus::Family<prometheus::Gauge>& active_workers_;

  prometheus::Family<prometheus::Gauge>& depth_;
  prometheus::Family<prometheus::Counter>& adds_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Family<prometheus::Histogram>& queue_duration_;
  prometheus::Family<prometheus::Histogram>& work_duration_;
  prometheus::Family<prometheus::Gauge>& unfinished_work_;
  prometheus::Family<prometheus::Gauge>& longest_running_processor_;
};

}  // namespace aci::metrics
