#pragma once
// ClientSecretCredential: a service principal's client secret exchanged at Entra's v2
// token endpoint. The secret comes from a file, read again at every token request so
// a rotated file takes effect without a restart, or from a value given at
// construction (AZURE_CLIENT_SECRET). The secret is registered with the log redactor.
// Borrows the identity pipeline, which must outlive it.

#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/token_source.hpp"

namespace aci::azure {

class ClientSecretCredential final : public TokenSource {
 public:
  ClientSecretCredential(AzurePipeline& pipeline, const std::string& authority_host,
                         const std::string& tenant_id, std::string client_id, std::string secret_file,
                         std::string secret);

  // TokenSource
  boost::asio::awaitable<Expected<AccessToken, AzureError>> token(const std::string& scope) override;

 private:
  AzurePipeline& pipeline_;
  std::string endpoint_;
  std::string client_id_;
  std::string secret_file_;
  std::string secret_;
};

}  // namespace aci::azure
