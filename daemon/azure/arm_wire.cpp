#include "daemon/azure/arm_wire.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/azure/json_field.hpp"
#include "daemon/http/retry_after.hpp"

namespace aci::azure {

using json = nlohmann::json;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string terminal_state(std::string_view state) {
  for (const char* terminal : {"Succeeded", "Failed", "Canceled"})
    if (iequals(state, terminal)) return terminal;
  if (iequals(state, "Cancelled")) return "Canceled";
  return {};
}

std::string provisioning_state(const json& resource) {
  if (!resource.is_object()) return {};
  const auto properties = resource.find("properties");
  if (properties == resource.end() || !properties->is_object()) return {};
  return string_field(*properties, "provisioningState");
}

Expected<json, AzureError> parse_container_group(const http::Response& response) {
  auto body = json::parse(response.body, nullptr, false);
  if (!body.is_object()) return unexpected(malformed_response("arm", "container group is not a JSON object", response));
  return body;
}

Expected<ContainerGroupPage, AzureError> parse_container_group_page(const http::Response& response) {
  auto body = json::parse(response.body, nullptr, false);
  if (!body.is_object()) return unexpected(malformed_response("arm", "list is not a JSON object", response));
  ContainerGroupPage page;
  if (const auto value = body.find("value"); value != body.end() && value->is_array())
    for (auto& item : *value) page.groups.push_back(std::move(item));
  page.next_link = string_field(body, "nextLink");
  return page;
}

OperationLinks operation_links(const http::Response& response, core::WallTime now) {
  return OperationLinks{response.header("Azure-AsyncOperation"), response.header("Location"),
                        http::retry_after_from_headers(response, now)};
}

json put_response_body(const http::Response& response) {
  auto body = json::parse(response.body, nullptr, false);
  return body.is_object() ? body : json::object();
}

OperationStatus parse_operation_status(std::string_view body_text) {
  const auto body = json::parse(body_text, nullptr, false);
  OperationStatus status;
  if (!body.is_object()) return status;
  status.terminal = terminal_state(string_field(body, "status"));
  if (status.terminal.empty() || status.terminal == "Succeeded") return status;
  if (const auto failure = body.find("error"); failure != body.end() && failure->is_object()) {
    // ARM promises strings; anything else must not throw out of a poll.
    status.error_code = string_field(*failure, "code");
    status.error_message = string_field(*failure, "message");
  }
  return status;
}

}  // namespace aci::azure
