#pragma once
// ManagedIdentityCredential: tokens from the Azure Instance Metadata Service (or the
// emulator's IMDS path). It sends `Metadata: true`, asks for a resource (the scope
// without "/.default"), optionally names a user-assigned identity by client id or ARM
// resource id, reads numbers sent as strings, and retries 404, 410, 429 and 5xx as the
// IMDS documentation asks. A 400 (no identity, or an unknown user-assigned one) is
// CredentialUnavailable, so a credential chain moves on. Borrows the identity pipeline.

#include <string>

#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/token_source.hpp"

namespace aci::azure {

class ManagedIdentityCredential final : public TokenSource {
 public:
  // `endpoint`: "http://169.254.169.254/metadata/identity/oauth2/token". At most one of
  // client_id and resource_id is used (client_id first); both empty: the system identity.
  // `probe`: until the first success, ask once with a short timeout and report an
  // unreachable endpoint as CredentialUnavailable at once (DefaultAzureCredential's
  // behaviour off Azure, where 169.254.169.254 never answers).
  ManagedIdentityCredential(AzurePipeline& pipeline, std::string endpoint, std::string client_id,
                            std::string resource_id, bool probe = false);

  // TokenSource
  boost::asio::awaitable<Expected<AccessToken, AzureError>> token(const std::string& scope) override;

 private:
  AzurePipeline& pipeline_;
  std::string endpoint_;
  std::string client_id_;
  std::string resource_id_;
  bool probing_;
};

}  // namespace aci::azure
