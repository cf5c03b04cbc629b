#include "daemon/azure/client_secret_credential.hpp"

#include "daemon/azure/token_endpoint.hpp"

namespace aci::azure {

ClientSecretCredential::ClientSecretCredential(AzurePipeline& pipeline, const std::string& authority_host,
                                               const std::string& tenant_id, std::string client_id,
                                               std::string secret_file, std::string secret)
    : pipeline_(pipeline),
      endpoint_(entra_token_endpoint(authority_host, tenant_id)),
      client_id_(std::move(client_id)),
      secret_file_(std::move(secret_file)),
      secret_(std::move(secret)) {
  if (!secret_.empty()) pipeline_.logger().sink().redactor().add(secret_);
}

boost::asio::awaitable<Expected<AccessToken, AzureError>> ClientSecretCredential::token(const std::string& scope) {
  std::string secret = secret_;
  if (!secret_file_.empty()) {
    auto read = read_credential_file(secret_file_, "client secret");
    if (!read) co_return unexpected(std::move(read.error()));
    secret = std::move(*read);
    pipeline_.logger().sink().redactor().add(secret);
  }
  if (secret.empty()) co_return unexpected(credential_unavailable("no client secret configured"));
  // GCC 12 cannot take a braced list as a co_await argument; build the form first.
  std::vector<std::pair<std::string, std::string>> form;
  form.emplace_back("client_id", client_id_);
  form.emplace_back("client_secret", std::move(secret));
  form.emplace_back("scope", scope);
  co_return co_await request_client_credentials(pipeline_, endpoint_, std::move(form));
}

}  // namespace aci::azure
