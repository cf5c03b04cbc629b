#include "daemon/azure/http_graph_client.hpp"

#include <nlohmann/json.hpp>

#include "daemon/azure/iso8601.hpp"
#include "daemon/azure/url_encoding.hpp"

namespace aci::azure {

namespace beast_http = boost::beast::http;
using json = nlohmann::json;

namespace {

std::string string_or_empty(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::optional<core::WallTime> time_field(const json& object, const char* key) {
  const auto text = string_or_empty(object, key);
  return text.empty() ? std::nullopt : parse_iso8601(text);
}

}  // namespace

Expected<PasswordCredential, std::string> parse_password_credential(const json& item) {
  if (!item.is_object()) return unexpected(std::string("passwordCredential is not a JSON object"));
  PasswordCredential out;
  out.key_id = string_or_empty(item, "keyId");
  if (out.key_id.empty()) return unexpected(std::string("passwordCredential has no keyId"));
  out.display_name = string_or_empty(item, "displayName");
  out.hint = string_or_empty(item, "hint");
  out.start = time_field(item, "startDateTime");
  out.end = time_field(item, "endDateTime");
  out.secret_text = string_or_empty(item, "secretText");
  return out;
}

HttpGraphClient::HttpGraphClient(AzurePipeline& pipeline, GraphClientOptions options)
    : pipeline_(pipeline), options_(std::move(options)) {
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/') options_.endpoint.pop_back();
}

std::string HttpGraphClient::application_url(const std::string& object_id) const {
  return options_.endpoint + "/v1.0/applications/" + percent_encode(object_id);
}

boost::asio::awaitable<Expected<std::vector<PasswordCredential>, AzureError>> HttpGraphClient::list_passwords(
    const std::string& application_object_id) {
  AzureRequest request;
  request.service = "graph";
  request.operation = "applications.get";
  request.url = application_url(application_object_id) + "?$select=id,appId,passwordCredentials";
  request.scope = options_.scope;
  request.headers.set(beast_http::field::accept, "application/json");
  auto response = co_await pipeline_.send(std::move(request));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status != 200) co_return unexpected(error_from_response("graph", *response, pipeline_.clock().now()));
  const auto body = json::parse(response->body, nullptr, false);
  if (!body.is_object()) co_return unexpected(malformed_response("graph", "application is not a JSON object", *response));
  std::vector<PasswordCredential> passwords;
  if (const auto items = body.find("passwordCredentials"); items != body.end() && items->is_array()) {
    for (const auto& item : *items) {
      auto parsed = parse_password_credential(item);
      if (!parsed) co_return unexpected(malformed_response("graph", parsed.error(), *response));
      passwords.push_back(std::move(*parsed));
    }
  }
  co_return passwords;
}

boost::asio::awaitable<Expected<PasswordCredential, AzureError>> HttpGraphClient::add_password(
    const std::string& application_object_id, const AddPasswordRequest& add) {
  json credential = json::object();
  if (!add.display_name.empty()) credential["displayName"] = add.display_name;
  if (add.start) credential["startDateTime"] = format_iso8601(*add.start);
  if (add.end) credential["endDateTime"] = format_iso8601(*add.end);
  AzureRequest request;
  request.service = "graph";
  request.operation = "applications.addPassword";
  request.method = beast_http::verb::post;
  request.url = application_url(application_object_id) + "/addPassword";
  request.scope = options_.scope;
  request.headers.set(beast_http::field::accept, "application/json");
  request.headers.set(beast_http::field::content_type, "application/json");
  request.body = json{{"passwordCredential", std::move(credential)}}.dump();
  auto response = co_await pipeline_.send(std::move(request));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status != 200 && response->status != 201)
    co_return unexpected(error_from_response("graph", *response, pipeline_.clock().now()));
  const auto body = json::parse(response->body, nullptr, false);
  auto parsed = parse_password_credential(body);
  if (!parsed) co_return unexpected(malformed_response("graph", parsed.error(), *response));
  if (parsed->secret_text.empty())
    co_return unexpected(malformed_response("graph", "addPassword returned no secretText", *response));
  pipeline_.logger().sink().redactor().add(parsed->secret_text);
  co_return std::move(*parsed);
}

boost::asio::awaitable<Expected<Ok, AzureError>> HttpGraphClient::remove_password(
    const std::string& application_object_id, const std::string& key_id) {
  AzureRequest request;
  request.service = "graph";
  request.operation = "applications.removePassword";
  request.method = beast_http::verb::post;
  request.url = application_url(application_object_id) + "/removePassword";
  request.scope = options_.scope;
  request.headers.set(beast_http::field::content_type, "application/json");
  request.body = json{{"keyId", key_id}}.dump();
  auto response = co_await pipeline_.send(std::move(request));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status != 204 && response->status != 200)
    co_return unexpected(error_from_response("graph", *response, pipeline_.clock().now()));
  co_return Ok{};
}

}  // namespace aci::azure
