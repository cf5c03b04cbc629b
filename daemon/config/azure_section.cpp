#include "daemon/config/azure_section.hpp"

#include "daemon/http/url.hpp"
#include "daemon/http/url_encoding.hpp"

namespace aci::config {

using namespace azure;

namespace {

std::optional<AzureCloud> parse_cloud(std::string_view text) {
  if (text == "AzurePublic") return AzureCloud::public_cloud;
  if (text == "AzureUSGovernment") return AzureCloud::us_government;
  if (text == "AzureChina") return AzureCloud::china;
  if (text == "Custom") return AzureCloud::custom;
  return std::nullopt;
}

std::optional<CredentialType> parse_credential_type(std::string_view text) {
  if (text == "Default") return CredentialType::default_chain;
  if (text == "ClientSecret") return CredentialType::client_secret;
  if (text == "ClientCertificate") return CredentialType::client_certificate;
  if (text == "WorkloadIdentity") return CredentialType::workload_identity;
  if (text == "ManagedIdentity") return CredentialType::managed_identity;
  return std::nullopt;
}

void strip_trailing_slash(std::string& url) {
  while (url.size() > 1 && url.back() == '/') url.pop_back();
}

// `text` (a template expanded with sample values) must be an absolute http(s) URL.
void check_url(YamlFields& fields, std::string_view key, const std::string& text,
               const std::map<std::string, std::string>& samples = {}) {
  if (text.empty()) return;
  if (const auto url = http::Url::parse(http::expand_template(text, samples)); !url)
    fields.error(key, "must be an absolute http or https URL: " + url.error());
}

void read_endpoints(YamlFields fields, AzureCloud cloud, AzureEndpoints& endpoints) {
  fields.read("authorityHost", endpoints.authority_host);
  fields.read("resourceManager", endpoints.resource_manager);
  const bool manager_audience_given = fields.has("resourceManagerAudience");
  fields.read("resourceManagerAudience", endpoints.resource_manager_audience);
  fields.read("graph", endpoints.graph);
  const bool graph_audience_given = fields.has("graphAudience");
  fields.read("graphAudience", endpoints.graph_audience);
  fields.read("keyVault", endpoints.key_vault);
  fields.read("keyVaultAudience", endpoints.key_vault_audience);
  fields.read("registry", endpoints.registry);
  fields.read("imds", endpoints.imds);
  if (cloud == AzureCloud::custom) {
    // A custom cloud has no defaults to fall back on.
    for (const char* key : {"authorityHost", "resourceManager", "graph", "keyVault", "keyVaultAudience"})
      if (!fields.has(key)) fields.error(key, "is required when cloud is Custom");
    if (!manager_audience_given) endpoints.resource_manager_audience = endpoints.resource_manager;
    if (!graph_audience_given) endpoints.graph_audience = endpoints.graph;
  }
  for (auto* url : {&endpoints.authority_host, &endpoints.resource_manager, &endpoints.resource_manager_audience,
                    &endpoints.graph, &endpoints.graph_audience, &endpoints.key_vault_audience})
    strip_trailing_slash(*url);
  check_url(fields, "authorityHost", endpoints.authority_host);
  check_url(fields, "resourceManager", endpoints.resource_manager);
  check_url(fields, "graph", endpoints.graph);
  check_url(fields, "imds", endpoints.imds);
  check_url(fields, "keyVault", endpoints.key_vault, {{"vault", "myvault"}});
  check_url(fields, "registry", endpoints.registry, {{"server", "myregistry.azurecr.io"}, {"registry", "myregistry"}});
  if (!endpoints.key_vault.empty() && endpoints.key_vault.find("{vault}") == std::string::npos)
    fields.error("keyVault", "must contain {vault}, e.g. https://{vault}.vault.azure.net");
  if (!endpoints.registry.empty() && endpoints.registry.find("{server}") == std::string::npos &&
      endpoints.registry.find("{registry}") == std::string::npos)
    fields.error("registry", "must contain {server} or {registry}, e.g. https://{server}");
  fields.finish();
}

void read_credential(YamlFields fields, CredentialConfig& credential) {
  std::string type(to_string(credential.type));
  fields.read_enum("type", type,
                   {"Default", "ClientSecret", "ClientCertificate", "WorkloadIdentity", "ManagedIdentity"});
  credential.type = parse_credential_type(type).value_or(credential.type);
  fields.read("tenantId", credential.tenant_id);
  fields.read("clientId", credential.client_id);
  if (fields.has("clientSecret")) {
    fields.error("clientSecret", "secrets are not accepted inline: use clientSecretFile or AZURE_CLIENT_SECRET");
    std::string discarded;  // read only so finish() does not report the key a second time
    fields.read("clientSecret", discarded);
  }
  fields.read_path("clientSecretFile", credential.client_secret_file);
  fields.read_path("certificateFile", credential.certificate_file);
  fields.read_path("privateKeyFile", credential.private_key_file);
  fields.read_path("federatedTokenFile", credential.federated_token_file);
  fields.read("managedIdentityResourceId", credential.managed_identity_resource_id);
  switch (credential.type) {
    case CredentialType::client_certificate:
      if (credential.certificate_file.empty()) fields.error("certificateFile", "is required for ClientCertificate");
      break;
    default: break;
  }
  fields.finish();
}

void read_bucket(YamlFields fields, ThrottleBucket& bucket) {
  std::int64_t burst = bucket.burst;
  fields.read("burst", burst, 1, 1000000);
  bucket.burst = static_cast<std::uint32_t>(burst);
  fields.read("perSecond", bucket.per_second, 0.0, 1000000.0);
  fields.finish();
}

void read_throttle(YamlFields fields, ArmThrottleOptions& throttle) {
  read_bucket(fields.map("reads"), throttle.reads);
  read_bucket(fields.map("writes"), throttle.writes);
  fields.read("paceBelowFraction", throttle.pace_below_fraction, 0.0, 1.0);
  fields.finish();
}

void read_retry(YamlFields fields, RetryOptions& retry) {
  std::int64_t max_retries = retry.max_retries;
  fields.read("maxRetries", max_retries, 0, 20);
  retry.max_retries = static_cast<int>(max_retries);
  fields.read("baseDelay", retry.base_delay);
  fields.read("maxDelay", retry.max_delay);
  fields.read("maxRetryAfter", retry.max_retry_after);
  fields.read("jitter", retry.jitter, 0.0, 1.0);
  if (retry.base_delay > retry.max_delay) fields.error("baseDelay", "must not exceed maxDelay");
  fields.finish();
}

void read_lro(YamlFields fields, LroConfig& lro) {
  fields.read("pollInterval", lro.poll_interval);
  fields.read("timeout", lro.timeout);
  if (lro.poll_interval.count() <= 0) fields.error("pollInterval", "must be positive");
  if (lro.timeout.count() <= 0) fields.error("timeout", "must be positive");
  fields.finish();
}

}  // namespace

void read_azure_config(YamlFields fields, AzureConfig& out) {
  std::string cloud(to_string(out.cloud));
  fields.read_enum("cloud", cloud, {"AzurePublic", "AzureUSGovernment", "AzureChina", "Custom"});
  out.cloud = parse_cloud(cloud).value_or(out.cloud);
  out.endpoints = endpoints_for(out.cloud);
  read_endpoints(fields.map("endpoints"), out.cloud, out.endpoints);
  read_credential(fields.map("credential"), out.credential);
  fields.read_path("caFile", out.ca_file);
  fields.read("connectTo", out.connect_to);
  for (const auto& [from, to] : out.connect_to) {
    if (auto parsed = http::HostPort::parse(from); !parsed) fields.error("connectTo", "'" + from + "': " + parsed.error());
    if (auto parsed = http::HostPort::parse(to); !parsed) fields.error("connectTo", "'" + to + "': " + parsed.error());
  }
  fields.read("apiVersion", out.api_version);
  fields.read("keyVaultApiVersion", out.key_vault_api_version);
  fields.read("requestTimeout", out.request_timeout);
  if (out.request_timeout.count() <= 0) fields.error("requestTimeout", "must be positive");
  read_retry(fields.map("retry"), out.retry);
  read_throttle(fields.map("throttle"), out.throttle);
  read_lro(fields.map("lro"), out.lro);
  fields.finish();
}

}  // namespace aci::config
