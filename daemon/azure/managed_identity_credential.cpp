#include "daemon/azure/managed_identity_credential.hpp"

#include "daemon/azure/token_endpoint.hpp"
#include "daemon/http/url_encoding.hpp"

namespace aci::azure {

ManagedIdentityCredential::ManagedIdentityCredential(AzurePipeline& pipeline, std::string endpoint,
                                                     std::string client_id, std::string resource_id, bool probe)
    : pipeline_(pipeline),
      endpoint_(std::move(endpoint)),
      client_id_(std::move(client_id)),
      resource_id_(std::move(resource_id)),
      probing_(probe) {}

boost::asio::awaitable<Expected<AccessToken, AzureError>> ManagedIdentityCredential::token(
    const std::string& scope) {
  std::string url = endpoint_ + (endpoint_.find('?') == std::string::npos ? "?" : "&") +
                    "api-version=2018-02-01&resource=" + http::percent_encode(scope_to_resource(scope));
  if (!client_id_.empty()) {
    url += "&client_id=" + http::percent_encode(client_id_);
  } else if (!resource_id_.empty()) {
    url += "&msi_res_id=" + http::percent_encode(resource_id_);
  }
  AzureRequest request;
  request.service = "imds";
  request.operation = "token";
  request.url = std::move(url);
  request.headers.set("Metadata", "true");
  request.retry_mode = RetryMode::managed_identity;
  const bool probing = probing_;
  if (probing) {
    request.timeout = std::chrono::seconds(2);
    request.max_retries = 0;
  }
  auto response = co_await pipeline_.send(std::move(request));
  if (!response) {
    if (probing && response.error().kind != AzureErrorKind::cancelled)
      co_return unexpected(credential_unavailable("no managed identity endpoint answered: " + response.error().message));
    co_return unexpected(std::move(response.error()));
  }
  if (response->status != 200) {
    auto error = error_from_response("imds", *response, pipeline_.clock().now());
    if (response->status == 400) {
      error.message = "managed identity unavailable: " + error.message;
      error.code = "CredentialUnavailable";
      error.kind = AzureErrorKind::unauthorized;
    }
    co_return unexpected(std::move(error));
  }
  auto token = parse_token_response("imds", *response, pipeline_.clock().now());
  if (token) probing_ = false;
  co_return token;
}

}  // namespace aci::azure
