#pragma once
// KubeMetrics: the Kubernetes API client's requests under client-go's names, so
// existing dashboards work (rest_client_requests_total{code,method,host},
// rest_client_request_duration_seconds{verb,host}), and
// aci_operator_watch_restarts_total{kind,reason}: why a watch had to start again.
// The registry must outlive this object.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <string>

namespace aci::metrics {

class KubeMetrics {
 public:
  explicit KubeMetrics(prometheus::Registry& registry);
  KubeMetrics(const KubeMetrics&) = delete;
  KubeMetrics& operator=(const KubeMetrics&) = delete;

  // `code` is the HTTP status, or "<error>" when no response came (client-go's label).
  void request(const std::string& method, const std::string& host, const std::string& code,
               std::chrono::steady_clock::duration elapsed);
  // `reason`: "expired" (410: relist), "closed" (the server ended it: resume), "error".
  void watch_restarted(const std::string& kind, const std::string& reason);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& watch_restarts_;
};

}  // namespace aci::metrics
