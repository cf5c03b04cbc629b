#include "daemon/azure/token_endpoint.hpp"

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemon/azure/url_encoding.hpp"

namespace aci::azure {

namespace {

using json = nlohmann::json;

// Entra sends integers, IMDS numeric strings; accept both.
std::optional<std::int64_t> number_field(const json& body, const char* key) {
  const auto found = body.find(key);
  if (found == body.end()) return std::nullopt;
  if (found->is_number_integer()) return found->get<std::int64_t>();
  if (found->is_number_float()) return static_cast<std::int64_t>(found->get<double>());
  if (found->is_string()) {
    const auto& text = found->get_ref<const std::string&>();
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string entra_token_endpoint(std::string_view authority_host, std::string_view tenant) {
  return join_url(authority_host, "/" + percent_encode(tenant) + "/oauth2/v2.0/token");
}

Expected<AccessToken, AzureError> parse_token_response(std::string_view service, const http::Response& response,
                                                       core::WallTime now) {
  const auto body = json::parse(response.body, nullptr, false);
  if (!body.is_object()) return unexpected(malformed_response(service, "token response is not a JSON object", response));
  const auto token = body.find("access_token");
  if (token == body.end() || !token->is_string() || token->get_ref<const std::string&>().empty())
    return unexpected(malformed_response(service, "token response has no access_token", response));
  AccessToken out;
  out.token = token->get<std::string>();
  if (const auto expires_in = number_field(body, "expires_in"); expires_in && *expires_in > 0) {
    out.expires_on = now + std::chrono::seconds(*expires_in);
  } else if (const auto expires_on = number_field(body, "expires_on"); expires_on && *expires_on > 0) {
    out.expires_on = core::WallTime(std::chrono::seconds(*expires_on));
  } else {
    return unexpected(malformed_response(service, "token response has no expires_in", response));
  }
  if (const auto refresh_in = number_field(body, "refresh_in"); refresh_in && *refresh_in > 0)
    out.refresh_on = now + std::chrono::seconds(*refresh_in);
  return out;
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
  request.body = form_encode(fields);
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
