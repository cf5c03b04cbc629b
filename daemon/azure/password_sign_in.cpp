#include "daemon/azure/password_sign_in.hpp"

#include <utility>
#include <vector>

#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/token_endpoint.hpp"

namespace aci::azure {

std::string_view to_string(SignInResult result) {
  return result == SignInResult::accepted ? "accepted" : "rejected";
}

HttpPasswordSignIn::HttpPasswordSignIn(AzurePipeline& pipeline, std::string authority_host, std::string scope)
    : pipeline_(pipeline), authority_host_(std::move(authority_host)), scope_(std::move(scope)) {}

boost::asio::awaitable<Expected<SignInResult, AzureError>> HttpPasswordSignIn::try_password(
    const std::string& tenant, const std::string& client_id, const std::string& password) {
  pipeline_.logger().sink().redactor().add(password);
  std::vector<std::pair<std::string, std::string>> form;
  form.emplace_back("client_id", client_id);
  form.emplace_back("client_secret", password);
  form.emplace_back("scope", scope_);
  auto token = co_await request_client_credentials(pipeline_, entra_token_endpoint(authority_host_, tenant),
                                                   std::move(form));
  if (token) co_return SignInResult::accepted;
  if (token.error().kind == AzureErrorKind::unauthorized) co_return SignInResult::rejected;
  co_return unexpected(std::move(token.error()));
}

}  // namespace aci::azure
