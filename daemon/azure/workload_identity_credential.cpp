#include "daemon/azure/workload_identity_credential.hpp"

#include "daemon/azure/token_endpoint.hpp"

namespace aci::azure {

WorkloadIdentityCredential::WorkloadIdentityCredential(AzurePipeline& pipeline,
                                                       const std::string& authority_host,
                                                       const std::string& tenant_id, std::string client_id,
                                                       std::string token_file)
    : pipeline_(pipeline),
      endpoint_(entra_token_endpoint(authority_host, tenant_id)),
      client_id_(std::move(client_id)),
      token_file_(std::move(token_file)) {}

boost::asio::awaitable<Expected<AccessToken, AzureError>> WorkloadIdentityCredential::token(
    const std::string& scope) {
  auto assertion = read_credential_file(token_file_, "federated token");
  if (!assertion) co_return unexpected(std::move(assertion.error()));
  // The kubelet replaces the token about hourly; only the current one needs masking.
  auto& redactor = pipeline_.logger().sink().redactor();
  if (*assertion != last_assertion_) {
    if (!last_assertion_.empty()) redactor.remove(last_assertion_);
    redactor.add(*assertion);
    last_assertion_ = *assertion;
  }
  std::vector<std::pair<std::string, std::string>> form;
  form.emplace_back("client_id", client_id_);
  form.emplace_back("scope", scope);
  form.emplace_back("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  form.emplace_back("client_assertion", std::move(*assertion));
  co_return co_await request_client_credentials(pipeline_, endpoint_, std::move(form));
}

}  // namespace aci::azure
