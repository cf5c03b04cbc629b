#include "daemon/azure/credential_factory.hpp"

#include <cstdlib>

#include "daemon/azure/chained_token_source.hpp"
#include "daemon/azure/client_certificate_credential.hpp"
#include "daemon/azure/client_secret_credential.hpp"
#include "daemon/azure/managed_identity_credential.hpp"
#include "daemon/azure/workload_identity_credential.hpp"

namespace aci::azure {

namespace {

struct Settings {
  std::string tenant_id;
  std::string client_id;
  std::string secret_file;
  std::string secret;  // from AZURE_CLIENT_SECRET
  std::string certificate_file;
  std::string private_key_file;
  std::string token_file;
};

Settings gather(const CredentialConfig& credential, const EnvironmentLookup& environment) {
  const auto env = [&](const char* name) { return environment(name).value_or(""); };
  Settings settings;
  settings.tenant_id = !credential.tenant_id.empty() ? credential.tenant_id : env("AZURE_TENANT_ID");
  settings.client_id = !credential.client_id.empty() ? credential.client_id : env("AZURE_CLIENT_ID");
  settings.secret_file = credential.client_secret_file;
  if (settings.secret_file.empty()) settings.secret = env("AZURE_CLIENT_SECRET");
  settings.certificate_file =
      !credential.certificate_file.empty() ? credential.certificate_file : env("AZURE_CLIENT_CERTIFICATE_PATH");
  settings.private_key_file = credential.private_key_file;
  settings.token_file =
      !credential.federated_token_file.empty() ? credential.federated_token_file : env("AZURE_FEDERATED_TOKEN_FILE");
  return settings;
}

std::optional<std::string> missing_identity(std::string_view type, const Settings& settings) {
  if (settings.tenant_id.empty()) return std::string(type) + " needs tenantId (or AZURE_TENANT_ID)";
  if (settings.client_id.empty()) return std::string(type) + " needs clientId (or AZURE_CLIENT_ID)";
  return std::nullopt;
}

std::unique_ptr<TokenSource> secret_credential(const AzureConfig& config, AzurePipeline& pipeline,
                                               const Settings& settings) {
  return std::make_unique<ClientSecretCredential>(pipeline, config.endpoints.authority_host, settings.tenant_id,
                                                  settings.client_id, settings.secret_file, settings.secret);
}

std::unique_ptr<TokenSource> certificate_credential(const AzureConfig& config, AzurePipeline& pipeline,
                                                    const Settings& settings) {
  return std::make_unique<ClientCertificateCredential>(pipeline, config.endpoints.authority_host, settings.tenant_id,
                                                       settings.client_id, settings.certificate_file,
                                                       settings.private_key_file);
}

std::unique_ptr<TokenSource> workload_credential(const AzureConfig& config, AzurePipeline& pipeline,
                                                 const Settings& settings) {
  return std::make_unique<WorkloadIdentityCredential>(pipeline, config.endpoints.authority_host, settings.tenant_id,
                                                      settings.client_id, settings.token_file);
}

std::unique_ptr<TokenSource> managed_credential(const AzureConfig& config, AzurePipeline& pipeline,
                                                const Settings& settings, bool probe) {
  return std::make_unique<ManagedIdentityCredential>(pipeline, config.endpoints.imds, settings.client_id,
                                                     config.credential.managed_identity_resource_id, probe);
}

}  // namespace

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): read-only after start
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Expected<std::unique_ptr<TokenSource>, std::string> make_credential(const AzureConfig& config,
                                                                    AzurePipeline& pipeline,
                                                                    const EnvironmentLookup& environment) {
  const Settings settings = gather(config.credential, environment);
  switch (config.credential.type) {
    case CredentialType::client_secret:
      if (auto missing = missing_identity("ClientSecret", settings)) return unexpected(*missing);
      if (settings.secret_file.empty() && settings.secret.empty())
        return unexpected(std::string("ClientSecret needs clientSecretFile (or AZURE_CLIENT_SECRET)"));
      return secret_credential(config, pipeline, settings);
    case CredentialType::client_certificate:
      if (auto missing = missing_identity("ClientCertificate", settings)) return unexpected(*missing);
      if (settings.certificate_file.empty())
        return unexpected(std::string("ClientCertificate needs certificateFile (or AZURE_CLIENT_CERTIFICATE_PATH)"));
      return certificate_credential(config, pipeline, settings);
    case CredentialType::workload_identity:
      if (auto missing = missing_identity("WorkloadIdentity", settings)) return unexpected(*missing);
      if (settings.token_file.empty())
        return unexpected(std::string("WorkloadIdentity needs federatedTokenFile (or AZURE_FEDERATED_TOKEN_FILE)"));
      return workload_credential(config, pipeline, settings);
    case CredentialType::managed_identity: return managed_credential(config, pipeline, settings, false);
    case CredentialType::default_chain: break;
  }
  std::vector<ChainedTokenSource::Link> links;
  const bool identified = !settings.tenant_id.empty() && !settings.client_id.empty();
  if (identified && (!settings.secret_file.empty() || !settings.secret.empty())) {
    links.push_back({"EnvironmentCredential(ClientSecret)", secret_credential(config, pipeline, settings)});
  } else if (identified && !settings.certificate_file.empty()) {
    links.push_back({"EnvironmentCredential(ClientCertificate)", certificate_credential(config, pipeline, settings)});
  }
  if (identified && !settings.token_file.empty())
    links.push_back({"WorkloadIdentityCredential", workload_credential(config, pipeline, settings)});
  links.push_back({"ManagedIdentityCredential", managed_credential(config, pipeline, settings, true)});
  return std::unique_ptr<TokenSource>(
      std::make_unique<ChainedTokenSource>(std::move(links), pipeline.logger().child("credential")));
}

}  // namespace aci::azure
