#include "daemon/metrics/azure_metrics.hpp"

#include <gtest/gtest.h>

#include "tests/unit/core/metric_reader.hpp"

namespace aci::metrics {
namespace {

TEST(AzureMetricsTest, KnownSeriesStartAtZero) {
  prometheus::Registry registry;
  AzureMetrics metrics(registry);
  for (const char* service : {"arm", "keyvault", "graph", "acr", "entra", "imds"})
    EXPECT_EQ(test::metric_value(registry, "aci_operator_azure_throttled_total", {{"service", service}}), 0) << service;
  EXPECT_EQ(test::metric_value(registry, "aci_operator_token_refresh_total", {{"result", "success"}}), 0);
  EXPECT_EQ(test::metric_value(registry, "aci_operator_token_refresh_total", {{"result", "error"}}), 0);
  EXPECT_TRUE(test::find_series(registry, "aci_operator_azure_request_duration_seconds",
                                {{"service", "arm"}, {"operation", "containerGroups.put"}}));
}

TEST(AzureMetricsTest, CountsRequestsByServiceOperationAndCode) {
  prometheus::Registry registry;
  AzureMetrics metrics(registry);
  metrics.observe_request("keyvault", "secrets.get", "200", 0.02);
  metrics.observe_request("keyvault", "secrets.get", "200", 0.04);
  metrics.observe_request("keyvault", "secrets.get", "timeout", 5.0);
  metrics.count_throttled("arm");
  metrics.count_token_refresh(false);
  EXPECT_EQ(test::metric_value(registry, "aci_operator_azure_requests_total",
                               {{"service", "keyvault"}, {"operation", "secrets.get"}, {"code", "200"}}),
            2);
  EXPECT_EQ(test::histogram_count(registry, "aci_operator_azure_request_duration_seconds",
                                  {{"service", "keyvault"}, {"operation", "secrets.get"}}),
            3u);
  EXPECT_EQ(test::metric_value(registry, "aci_operator_azure_throttled_total", {{"service", "arm"}}), 1);
  EXPECT_EQ(test::metric_value(registry, "aci_operator_token_refresh_total", {{"result", "error"}}), 1);
}

}  // namespace
}  // namespace aci::metrics
