#pragma once
// WorkloadIdentityCredential: federated credentials (AKS workload identity, any OIDC
// issuer). The projected service-account token in the token file is sent as the
// client assertion; the file is read again at every token request because the kubelet
// rotates it and a stale one is refused (AADSTS700024). Borrows the identity pipeline.

#include <string>

#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/token_source.hpp"

namespace aci::azure {

class WorkloadIdentityCredential final : public TokenSource {
 public:
  WorkloadIdentityCredential(AzurePipeline& pipeline, const std::string& authority_host,
                             const std::string& tenant_id, std::string client_id, std::string token_file);

  // TokenSource
  boost::asio::awaitable<Expected<AccessToken, AzureError>> token(const std::string& scope) override;

 private:
  AzurePipeline& pipeline_;
  std::string endpoint_;
  std::string client_id_;
  std::string token_file_;
  std::string last_assertion_;  // registered with the redactor until the file changes
};

}  // namespace aci::azure
