#pragma once
// HttpAcrClient: AcrClient over the Azure pipeline (no bearer token: the credential
// under test travels as Basic auth). The registry URL comes from a template with
// {server} (the login server) or {registry} (its first label), so the same code
// reaches "https://myregistry.azurecr.io" or an emulator's "/acr/myregistry" prefix.
// The password is registered with the log redactor. Borrows the pipeline.

#include <string>

#include "daemon/azure/acr_client.hpp"
#include "daemon/azure/azure_pipeline.hpp"

namespace aci::azure {

class HttpAcrClient final : public AcrClient {
 public:
  HttpAcrClient(AzurePipeline& pipeline, std::string registry_url_template);

  // AcrClient
  boost::asio::awaitable<Expected<AcrLoginResult, AzureError>> login_probe(const std::string& server,
                                                                          const std::string& username,
                                                                          const std::string& password) override;

  // The registry's base URL for a login server; the server must be a host name with an optional port.
  Expected<std::string, AzureError> registry_url(const std::string& server) const;

 private:
  AzurePipeline& pipeline_;
  std::string template_;
};

}  // namespace aci::azure
