#include "daemon/metrics/azure_metrics.hpp"

namespace aci::metrics {

namespace {

// Azure calls take from a few milliseconds (cached Key Vault reads) to tens of seconds
// (a slow ARM PUT under load); the buckets cover both ends.
const prometheus::Histogram::BucketBoundaries& request_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                               1.0,   2.5,  5.0,   10.0, 30.0, 60.0};
  return buckets;
}

const std::vector<std::string_view>& known_services() {
  static const std::vector<std::string_view> services{"arm", "keyvault", "graph", "acr", "entra", "imds"};
  return services;
}

}  // namespace

const std::vector<std::pair<std::string_view, std::string_view>>& known_azure_operations() {
  static const std::vector<std::pair<std::string_view, std::string_view>> operations{
      {"arm", "containerGroups.get"},
      {"arm", "containerGroups.list"},
      {"arm", "containerGroups.put"},
      {"arm", "containerGroups.delete"},
      {"arm", "containerGroups.patchTags"},
      {"arm", "operations.poll"},
      {"keyvault", "secrets.get"},
      {"keyvault", "secrets.set"},
      {"keyvault", "secrets.listVersions"},
      {"graph", "applications.get"},
      {"graph", "applications.addPassword"},
      {"graph", "applications.removePassword"},
      {"acr", "registry.loginProbe"},
      {"entra", "token"},
      {"imds", "token"},
  };
  return operations;
}

AzureMetrics::AzureMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("aci_operator_azure_requests_total")
                    .Help("HTTP requests sent to Azure, by service, operation and response code")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("aci_operator_azure_request_duration_seconds")
                    .Help("Duration of HTTP requests to Azure, by service and operation")
                    .Register(registry)),
      throttled_(prometheus::BuildCounter()
                     .Name("aci_operator_azure_throttled_total")
                     .Help("Responses from Azure that asked us to slow down (HTTP 429), by service")
                     .Register(registry)),
      token_refresh_(prometheus::BuildCounter()
                         .Name("aci_operator_token_refresh_total")
                         .Help("Access token fetches behind the token cache, by result")
                         .Register(registry)) {
  for (const auto service : known_services()) throttled_.Add({{"service", std::string(service)}});
  for (const auto& [service, operation] : known_azure_operations())
    duration_.Add({{"service", std::string(service)}, {"operation", std::string(operation)}}, request_buckets());
  token_refresh_.Add({{"result", "success"}});
  token_refresh_.Add({{"result", "error"}});
}

void AzureMetrics::observe_request(std::string_view service, std::string_view operation, std::string_view code,
                                   double seconds) {
  requests_.Add({{"service", std::string(service)}, {"operation", std::string(operation)}, {"code", std::string(code)}})
      .Increment();
  duration_.Add({{"service", std::string(service)}, {"operation", std::string(operation)}}, request_buckets())
      .Observe(seconds);
}

void AzureMetrics::count_throttled(std::string_view service) {
  throttled_.Add({{"service", std::string(service)}}).Increment();
}

void AzureMetrics::count_token_refresh(bool success) {
  token_refresh_.Add({{"result", success ? "success" : "error"}}).Increment();
}

}  // namespace aci::metrics
