#pragma once
// AzureConfig: where Azure is (cloud and every endpoint), who the daemon is
// (credential), how TLS and TCP reach it (extra CA bundle, connect-to overrides) and
// how politely it is called (timeouts, retries, ARM throttle, operation polling).
// config::read_azure_config() (config/azure_section.hpp) fills it from the `azure:` section
// of the daemon's YAML, strictly: unknown keys and bad values are errors naming key and line. Secrets are never in the
// file itself: a client secret comes from clientSecretFile or AZURE_CLIENT_SECRET.
// docs/azure.md documents every key.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "daemon/azure/arm_throttle.hpp"
#include "daemon/azure/retry_policy.hpp"

namespace aci::azure {

enum class AzureCloud { public_cloud, us_government, china, custom };

std::string_view to_string(AzureCloud cloud);  // "AzurePublic", "AzureUSGovernment", "AzureChina", "Custom"

struct AzureEndpoints {
  std::string authority_host;             // "https://login.microsoftonline.com"
  std::string resource_manager;           // "https://management.azure.com"
  std::string resource_manager_audience;  // token audience for ARM: "https://management.azure.com"
  std::string graph;                      // "https://graph.microsoft.com"
  std::string graph_audience;             // "https://graph.microsoft.com"
  std::string key_vault;                  // template with {vault}: "https://{vault}.vault.azure.net"
  std::string key_vault_audience;         // "https://vault.azure.net"
  std::string registry;                   // template with {server} or {registry}: "https://{server}"
  std::string imds;                       // "http://169.254.169.254/metadata/identity/oauth2/token"
};

// The well-known endpoints of a cloud; Custom has none (every endpoint must be set).
AzureEndpoints endpoints_for(AzureCloud cloud);

enum class CredentialType { default_chain, client_secret, client_certificate, workload_identity, managed_identity };

std::string_view to_string(CredentialType type);  // "Default", "ClientSecret", ...

struct CredentialConfig {
  CredentialType type = CredentialType::default_chain;
  std::string tenant_id;            // else AZURE_TENANT_ID
  std::string client_id;            // else AZURE_CLIENT_ID; for ManagedIdentity: a user-assigned identity
  std::string client_secret_file;   // ClientSecret: file holding the secret (else AZURE_CLIENT_SECRET)
  std::string certificate_file;     // ClientCertificate: PEM with the certificate and, unless
  std::string private_key_file;     //   privateKeyFile is set, its unencrypted private key
  std::string federated_token_file; // WorkloadIdentity: else AZURE_FEDERATED_TOKEN_FILE
  std::string managed_identity_resource_id;  // ManagedIdentity: select a user-assigned identity by ARM id
};

struct LroConfig {
  std::chrono::milliseconds poll_interval{std::chrono::seconds(5)};  // when the service sends no Retry-After
  std::chrono::milliseconds timeout{std::chrono::minutes(15)};
};

struct AzureConfig {
  AzureCloud cloud = AzureCloud::public_cloud;
  AzureEndpoints endpoints = endpoints_for(AzureCloud::public_cloud);
  CredentialConfig credential;
  std::string ca_file;                               // PEM bundle trusted besides the system CAs
  std::map<std::string, std::string> connect_to;     // "host:port" -> "host:port"
  std::string api_version = "2023-05-01";            // Microsoft.ContainerInstance
  std::string key_vault_api_version = "7.5";
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  RetryOptions retry;
  ArmThrottleOptions throttle;
  LroConfig lro;
};



}  // namespace aci::azure
