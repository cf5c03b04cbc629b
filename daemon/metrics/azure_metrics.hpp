#pragma once
// AzureMetrics: the metric families of every Azure call the daemon makes. Labels are
// bounded: service is one of a handful of names, operation a fixed name such as
// "containerGroups.get" (never a URL), code an HTTP status or a transport failure
// kind. The series that are known up front are created at zero when the object is
// built. The registry must outlive this object; prometheus-cpp metrics are thread-safe.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aci::metrics {

// Every (service, operation) pair the Azure clients use.
const std::vector<std::pair<std::string_view, std::string_view>>& known_azure_operations();

class AzureMetrics {
 public:
  explicit AzureMetrics(prometheus::Registry& registry);
  AzureMetrics(const AzureMetrics&) = delete;
  AzureMetrics& operator=(const AzureMetrics&) = delete;

  // One HTTP attempt ended: `code` is the status ("200", "429") or a failure kind
  // ("transport", "timeout", "cancelled"); `seconds` its duration.
  void observe_request(std::string_view service, std::string_view operation, std::string_view code, double seconds);
  // A 429 (or a service's equivalent) was received.
  void count_throttled(std::string_view service);
  // A token fetch behind the cache ended; result is "success" or "error".
  void count_token_refresh(bool success);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& throttled_;
  prometheus::Family<prometheus::Counter>& token_refresh_;
};

}  // namespace aci::metrics
