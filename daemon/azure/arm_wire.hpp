#pragma once
// What ARM sends back for container groups, read without any I/O: a group, a list
// page, the headers of an accepted PUT or DELETE, and an Azure-AsyncOperation status
// body. HttpArmClient sends and follows; these functions only read, so they are
// unit-tested and fuzzed on their own. Bodies that are not what ARM promised become
// AzureErrors (MalformedResponse), never exceptions.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/azure/azure_error.hpp"
#include "daemon/core/expected.hpp"
#include "daemon/core/time_types.hpp"
#include "daemon/http/response.hpp"

namespace aci::azure {

// "Succeeded", "Failed", "Canceled" (any casing) -> canonical casing; other states -> "".
std::string terminal_state(std::string_view state);

// properties.provisioningState of an ARM resource; "" when absent or not a string.
std::string provisioning_state(const nlohmann::json& resource);

// A GET or PATCH answer: the container group, which must be a JSON object.
Expected<nlohmann::json, AzureError> parse_container_group(const http::Response& response);

// One page of a containerGroups list: its items and nextLink ("" on the last page).
struct ContainerGroupPage {
  std::vector<nlohmann::json> groups;
  std::string next_link;
};
Expected<ContainerGroupPage, AzureError> parse_container_group_page(const http::Response& response);

// Where an accepted PUT or DELETE says to poll, and how soon.
struct OperationLinks {
  std::string async_operation_url;  // Azure-AsyncOperation, "" if absent
  std::string location_url;         // Location, "" if absent
  std::optional<std::chrono::milliseconds> retry_after;
};
OperationLinks operation_links(const http::Response& response, core::WallTime now);

// A PUT's body: the group as ARM returned it, an empty object when it is not one.
nlohmann::json put_response_body(const http::Response& response);

// An Azure-AsyncOperation status body.
struct OperationStatus {
  std::string terminal;  // terminal_state() of "status": "" while the operation runs
  std::string error_code;     // error.code when the operation failed or was cancelled
  std::string error_message;  // error.message likewise
};
OperationStatus parse_operation_status(std::string_view body);

}  // namespace aci::azure
