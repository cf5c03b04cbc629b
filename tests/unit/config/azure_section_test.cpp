#include "daemon/config/azure_section.hpp"

#include <gtest/gtest.h>

namespace aci::azure {
namespace {

using namespace std::chrono_literals;

struct Parsed {
  AzureConfig config;
  std::vector<config::FieldError> errors;
};

Parsed parse(const std::string& yaml, const std::string& file = "/etc/aci/config.yaml") {
  Parsed out;
  const auto root = YAML::Load(yaml);
  config::YamlFields top(root, "", file, out.errors);
  config::read_azure_config(top.map("azure"), out.config);
  top.finish();
  return out;
}

std::string joined(const std::vector<config::FieldError>& errors) {
  std::string text;
  for (const auto& error : errors) text += error.to_string() + "\n";
  return text;
}

TEST(AzureConfigTest, DefaultsToAzurePublicWithTheDefaultCredentialChain) {
  const auto parsed = parse("azure: {}\n");
  EXPECT_TRUE(parsed.errors.empty()) << joined(parsed.errors);
  EXPECT_EQ(parsed.config.endpoints.resource_manager, "https://management.azure.com");
  EXPECT_EQ(parsed.config.endpoints.key_vault, "https://{vault}.vault.azure.net");
  EXPECT_EQ(parsed.config.credential.type, CredentialType::default_chain);
  EXPECT_EQ(parsed.config.api_version, "2023-05-01");
  EXPECT_EQ(parsed.config.throttle.reads.burst, 250u);
  EXPECT_EQ(parsed.config.throttle.writes.per_second, 10.0);
}

TEST(AzureConfigTest, SovereignCloudsHaveTheirOwnEndpoints) {
  const auto gov = parse("azure:\n  cloud: AzureUSGovernment\n");
  EXPECT_EQ(gov.config.endpoints.authority_host, "https://login.microsoftonline.us");
  EXPECT_EQ(gov.config.endpoints.key_vault_audience, "https://vault.usgovcloudapi.net");
  const auto china = parse("azure:\n  cloud: AzureChina\n");
  EXPECT_EQ(china.config.endpoints.resource_manager, "https://management.chinacloudapi.cn");
  EXPECT_EQ(china.config.endpoints.key_vault, "https://{vault}.vault.azure.cn");
}

TEST(AzureConfigTest, ReadsACustomCloudPointingAtTheEmulator) {
  const auto parsed = parse(R"(
azure:
  cloud: Custom
  endpoints:
    authorityHost: https://127.0.0.1:8443/
    resourceManager: https://127.0.0.1:8443
    resourceManagerAudience: https://management.azure.com
    graph: https://127.0.0.1:8443
    graphAudience: https://graph.microsoft.com
    keyVault: https://127.0.0.1:8443/keyvault/{vault}
    keyVaultAudience: https://vault.azure.net
    registry: https://127.0.0.1:8443/acr/{registry}
    imds: https://127.0.0.1:8443/metadata/identity/oauth2/token
  credential:
    type: ClientSecret
    tenantId: tenant-1
    clientId: app-1
    clientSecretFile: secrets/client-secret
  caFile: ca.pem
  connectTo:
    "management.azure.com:443": "127.0.0.1:8443"
  requestTimeout: 10s
  retry:
    maxRetries: 2
    baseDelay: 200ms
    maxDelay: 5s
  throttle:
    reads: {burst: 100, perSecond: 5}
    paceBelowFraction: 0.3
  lro:
    pollInterval: 1s
    timeout: 2m
)");
  ASSERT_TRUE(parsed.errors.empty()) << joined(parsed.errors);
  const auto& config = parsed.config;
  EXPECT_EQ(config.cloud, AzureCloud::custom);
  EXPECT_EQ(config.endpoints.authority_host, "https://127.0.0.1:8443");
  EXPECT_EQ(config.endpoints.resource_manager_audience, "https://management.azure.com");
  EXPECT_EQ(config.endpoints.registry, "https://127.0.0.1:8443/acr/{registry}");
  EXPECT_EQ(config.credential.type, CredentialType::client_secret);
  EXPECT_EQ(config.credential.client_secret_file, "/etc/aci/secrets/client-secret");
  EXPECT_EQ(config.ca_file, "/etc/aci/ca.pem");
  EXPECT_EQ(config.connect_to.at("management.azure.com:443"), "127.0.0.1:8443");
  EXPECT_EQ(config.request_timeout, 10s);
  EXPECT_EQ(config.retry.max_retries, 2);
  EXPECT_EQ(config.retry.base_delay, 200ms);
  EXPECT_EQ(config.throttle.reads.burst, 100u);
  EXPECT_EQ(config.throttle.reads.per_second, 5.0);
  EXPECT_EQ(config.throttle.writes.burst, 200u);
  EXPECT_EQ(config.throttle.pace_below_fraction, 0.3);
  EXPECT_EQ(config.lro.poll_interval, 1s);
  EXPECT_EQ(config.lro.timeout, 2min);
}

TEST(AzureConfigTest, UnknownKeysAreErrorsWithTheirLine) {
  const auto parsed = parse("azure:\n  cloud: AzurePublic\n  retyr:\n    maxRetries: 2\n");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].field, "azure.retyr");
  EXPECT_EQ(parsed.errors[0].line, 3);
}

TEST(AzureConfigTest, RefusesInlineSecretsOnce) {
  const auto parsed = parse("azure:\n  credential:\n    clientSecret: hunter2-secret\n");
  ASSERT_EQ(parsed.errors.size(), 1u) << joined(parsed.errors);
  EXPECT_EQ(parsed.errors[0].field, "azure.credential.clientSecret");
  EXPECT_EQ(parsed.errors[0].to_string().find("hunter2"), std::string::npos);
}

TEST(AzureConfigTest, CustomCloudNeedsItsEndpointsAndTemplatesTheirPlaceholders) {
  const auto custom = parse("azure:\n  cloud: Custom\n");
  EXPECT_GE(custom.errors.size(), 5u) << joined(custom.errors);
  const auto bad = parse("azure:\n  endpoints:\n    keyVault: https://vault.example\n    registry: https://r.example\n"
                         "    resourceManager: not a url\n  cloud: Sovereign\n");
  const auto text = joined(bad.errors);
  EXPECT_NE(text.find("azure.endpoints.keyVault: must contain {vault}"), std::string::npos) << text;
  EXPECT_NE(text.find("azure.endpoints.registry: must contain {server}"), std::string::npos) << text;
  EXPECT_NE(text.find("azure.endpoints.resourceManager"), std::string::npos) << text;
  EXPECT_NE(text.find("azure.cloud: must be one of"), std::string::npos) << text;
}

TEST(AzureConfigTest, ChecksRangesAndConnectTo) {
  const auto parsed = parse("azure:\n  retry:\n    maxRetries: 50\n    jitter: 2\n  connectTo:\n    nohost: x\n"
                            "  credential:\n    type: ClientCertificate\n");
  const auto text = joined(parsed.errors);
  EXPECT_NE(text.find("azure.retry.maxRetries"), std::string::npos) << text;
  EXPECT_NE(text.find("azure.retry.jitter"), std::string::npos) << text;
  EXPECT_NE(text.find("azure.connectTo"), std::string::npos) << text;
  EXPECT_NE(text.find("azure.credential.certificateFile: is required"), std::string::npos) << text;
}

}  // namespace
}  // namespace aci::azure
