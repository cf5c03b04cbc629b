#include "daemon/azure/http_graph_client.hpp"

#include <nlohmann/json.hpp>

#include "daemon/azure/graph_wire.hpp"
#include "daemon/core/iso8601.hpp"
#include "daemon/http/url_encoding.hpp"

namespace aci::azure {

namespace beast_http = boost::beast::http;
using json = nlohmann::json;

HttpGraphClient::HttpGraphClient(AzurePipeline& pipeline, GraphClientOptions options)
    : pipeline_(pipeline), options_(std::move(options)) {
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/') options_.endpoint.pop_back();
}

std::string HttpGraphClient::application_url(const std::string& object_id) const {
  return options_.endpoint + "/v1.0/applications/" + http::percent_encode(object_id);
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
  auto passwords = parse_application_passwords(response->body);
  if (!passwords) co_return unexpected(malformed_response("graph", passwords.error(), *response));
  co_return std::move(*passwords);
}

boost::asio::awaitable<Expected<PasswordCredential, AzureError>> HttpGraphClient::add_password(
    const std::string& application_object_id, const AddPasswordRequest& add) {
  json credential = json::object();
  if (!add.display_name.empty()) credential["displayName"] = add.display_name;
  if (add.start) credential["startDateTime"] = core::format_iso8601(*add.start);
  if (add.end) credential["endDateTime"] = core::format_iso8601(*add.end);
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
  auto parsed = parse_added_password(response->body);
  if (!parsed) co_return unexpected(malformed_response("graph", parsed.error(), *response));
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
