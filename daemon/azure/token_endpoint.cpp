#include "daemon/azure/token_endpoint.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon/http/url_encoding.hpp"

namespace aci::azure {

std::string entra_token_endpoint(std::string_view authority_host, std::string_view tenant) {
  return http::join_url(authority_host, "/" + http::percent_encode(tenant) + "/oauth2/v2.0/token");
}

boost::asio::awaitable<Expected<AccessToken, AzureError>> request_client_credentials(
    AzurePipeline& pipeline, std::string endpoint, std::vector<std::pair<std::string, std::string>> fields) {
  fields.insert(fields.begin(), {"grant_type", "client_credentials"});
  AzureRequest request;
  request.service = "entra";
  request.operation = "token";
  request.method = boost::beast::http::verb::post;
  request.url = std::move(endpoint);
  request.headers.set(boost::beast::http::field::content_type, "application/x-www-form-urlencoded");
  request.headers.set(boost::beast::http::field::accept, "application/json");
  request.body = http::form_encode(fields);
  request.retry_mode = RetryMode::idempotent;
  auto response = co_await pipeline.send(std::move(request));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status != 200) co_return unexpected(error_from_response("entra", *response, pipeline.clock().now()));
  co_return parse_token_response("entra", *response, pipeline.clock().now());
}

Expected<std::string, AzureError> read_credential_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(credential_unavailable("cannot read the " + std::string(what) + " file " + path));
  std::stringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r' || content.back() == ' '))
    content.pop_back();
  if (content.empty()) return unexpected(credential_unavailable("the " + std::string(what) + " file " + path + " is empty"));
  return content;
}

AzureError credential_unavailable(std::string message) {
  return AzureError{AzureErrorKind::unauthorized, 0, "CredentialUnavailable", std::move(message), {}, {}};
}

}  // namespace aci::azure
