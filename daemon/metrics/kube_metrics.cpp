#include "daemon/metrics/kube_metrics.hpp"

namespace aci::metrics {

KubeMetrics::KubeMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("rest_client_requests_total")
                    .Help("Number of HTTP requests to the Kubernetes API, partitioned by status code, method, and host.")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("rest_client_request_duration_seconds")
                    .Help("Request latency in seconds to the Kubernetes API. Broken down by verb and host.")
                    .Register(registry)),
      watch_restarts_(prometheus::BuildCounter()
                          .Name("aci_operator_watch_restarts_total")
                          .Help("Kubernetes watches started again, by kind and reason (expired: relisted after "
                                "410 Gone; closed: resumed after the server ended it; error: after a failure)")
                          .Register(registry)) {}

void KubeMetrics::request(const std::string& method, const std::string& host, const std::string& code,
                          std::chrono::steady_clock::duration elapsed) {
  requests_.Add({{"code", code}, {"method", method}, {"host", host}}).Increment();
  // client-go's buckets.
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.005, 0.025, 0.1, 0.25, 0.5, 1,
                                                                2,     4,     8,   15,   30,  60};
  duration_.Add({{"verb", method}, {"host", host}}, kBuckets)
      .Observe(std::chrono::duration<double>(elapsed).count());
}

void KubeMetrics::watch_restarted(const std::string& kind, const std::string& reason) {
  watch_restarts_.Add({{"kind", kind}, {"reason", reason}}).Increment();
}

}  // namespace aci::metrics
