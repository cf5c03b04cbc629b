#pragma once
// HttpKeyVaultClient: KeyVaultClient over the Azure pipeline. The first request to a
// vault goes without a token (and without a body), as the Azure SDKs do; the 401
// challenge names the token audience, which is checked against the vault's host (or
// the configured Key Vault audience) and remembered per vault. nextLinks are followed
// only within the vault's own origin. Borrows the pipeline; one executor.

#include <map>
#include <string>

#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/key_vault_client.hpp"
#include "daemon/azure/key_vault_wire.hpp"

namespace aci::azure {

struct KeyVaultClientOptions {
  std::string vault_url_template = "https://{vault}.vault.azure.net";
  std::string audience = "https://vault.azure.net";
  std::string api_version = "7.5";
};

class HttpKeyVaultClient final : public KeyVaultClient {
 public:
  HttpKeyVaultClient(AzurePipeline& pipeline, KeyVaultClientOptions options);

  // KeyVaultClient
  boost::asio::awaitable<Expected<Secret, AzureError>> get_secret(const std::string& vault, const std::string& name,
                                                                  const std::string& version = {}) override;
  boost::asio::awaitable<Expected<Secret, AzureError>> set_secret(const std::string& vault, const std::string& name,
                                                                  const std::string& value,
                                                                  const SetSecretOptions& options = {}) override;
  boost::asio::awaitable<Expected<std::vector<SecretProperties>, AzureError>> list_secret_versions(
      const std::string& vault, const std::string& name) override;

  // "https://myvault.vault.azure.net" for "myvault"; the vault name must be 3-24 of [0-9A-Za-z-].
  Expected<std::string, AzureError> vault_url(const std::string& vault) const;
  // The scope learnt from the vault's challenge, "" before the first request.
  std::string cached_scope(const std::string& vault) const;

 private:
  // Sends with the vault's token, learning the scope from a challenge first if needed.
  boost::asio::awaitable<Expected<http::Response, AzureError>> send(const std::string& vault, std::string base,
                                                                    AzureRequest request);

  AzurePipeline& pipeline_;
  KeyVaultClientOptions options_;
  std::map<std::string, std::string> scopes_;  // vault -> scope
};

}  // namespace aci::azure
