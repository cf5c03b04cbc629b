#include "daemon/azure/http_acr_client.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/http/url_encoding.hpp"
#include "daemon/crypto/base64.hpp"

namespace aci::azure {

namespace beast_http = boost::beast::http;

std::string_view to_string(AcrLoginResult result) {
  return result == AcrLoginResult::ok ? "ok" : "unauthorized";
}

HttpAcrClient::HttpAcrClient(AzurePipeline& pipeline, std::string registry_url_template)
    : pipeline_(pipeline), template_(std::move(registry_url_template)) {}

Expected<std::string, AzureError> HttpAcrClient::registry_url(const std::string& server) const {
  const bool valid = !server.empty() && server.size() <= 253 && std::all_of(server.begin(), server.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == ':';
  });
  if (!valid)
    return unexpected(AzureError{AzureErrorKind::bad_request, 0, "InvalidName",
                                 "invalid registry login server '" + server + "'", {}, {}});
  std::string lowered = server;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string registry = lowered.substr(0, lowered.find_first_of(".:"));
  auto url = http::expand_template(template_, {{"server", lowered}, {"registry", registry}});
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

boost::asio::awaitable<Expected<AcrLoginResult, AzureError>> HttpAcrClient::login_probe(const std::string& server,
                                                                                       const std::string& username,
                                                                                       const std::string& password) {
  pipeline_.logger().sink().redactor().add(password);
  auto base = registry_url(server);
  if (!base) co_return unexpected(std::move(base.error()));
  AzureRequest request;
  request.service = "acr";
  request.operation = "registry.loginProbe";
  request.url = *base + "/v2/";
  request.headers.set(beast_http::field::authorization,
                      "Basic " + crypto::base64_encode(username + ":" + password));
  auto response = co_await pipeline_.send(std::move(request));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status == 200) co_return AcrLoginResult::ok;
  if (response->status == 401 || response->status == 403) co_return AcrLoginResult::unauthorized;
  co_return unexpected(error_from_response("acr", *response, pipeline_.clock().now()));
}

}  // namespace aci::azure
