#pragma once
// ArmClient: the Azure Resource Manager calls the daemon makes on
// Microsoft.ContainerInstance/containerGroups, and the follower of their long-running
// operations. Bodies are ARM's JSON as it is (the model layer builds and compares
// them). A missing group is AzureErrorKind::not_found. Implementations: HttpArmClient
// (over the Azure pipeline) and test fakes. Arguments are taken by reference: co_await
// each call in the expression that makes it, so they outlive the coroutine.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "daemon/azure/azure_error.hpp"
#include "daemon/core/expected.hpp"

namespace aci::azure {

struct ContainerGroupRef {
  std::string subscription_id;
  std::string resource_group;
  std::string name;

  bool operator==(const ContainerGroupRef&) const = default;
};

// What ARM said about a started operation: where to poll, and how soon.
struct LongRunningOperation {
  enum class Kind { put, remove };
  Kind kind = Kind::put;
  ContainerGroupRef group;
  std::string async_operation_url;  // Azure-AsyncOperation, "" if absent
  std::string location_url;         // Location, "" if absent
  std::optional<std::chrono::milliseconds> retry_after;
  // True when the first response already settled it (PUT with a terminal
  // provisioningState, DELETE 200/204): nothing to poll.
  bool done = false;
};

struct PutResult {
  unsigned status = 0;  // 200 (updated) or 201 (created)
  nlohmann::json body;  // the group as ARM returned it, usually still "Creating"/"Updating"
  LongRunningOperation operation;
};

struct DeleteResult {
  unsigned status = 0;  // 200, 202 or 204 (did not exist)
  LongRunningOperation operation;
};

struct OperationOutcome {
  std::string status;        // "Succeeded", "Failed" or "Canceled"
  std::string error_code;    // set when Failed/Canceled: "InaccessibleImage", ...
  std::string error_message;
  nlohmann::json resource;   // PUT: the group after the operation (GET), when it still exists

  bool succeeded() const { return status == "Succeeded"; }
};

class ArmClient {
 public:
  virtual ~ArmClient() = default;

  virtual boost::asio::awaitable<Expected<nlohmann::json, AzureError>> get_container_group(
      const ContainerGroupRef& group) = 0;

  // Every group in the resource group, following nextLink to the end.
  virtual boost::asio::awaitable<Expected<std::vector<nlohmann::json>, AzureError>> list_container_groups(
      const std::string& subscription_id, const std::string& resource_group) = 0;

  // Create or replace. The response body is returned at once; follow `operation`
  // with wait_for_operation() for the outcome.
  virtual boost::asio::awaitable<Expected<PutResult, AzureError>> put_container_group(const ContainerGroupRef& group,
                                                                                    const nlohmann::json& body) = 0;

  // A group that did not exist is a success (204).
  virtual boost::asio::awaitable<Expected<DeleteResult, AzureError>> delete_container_group(
      const ContainerGroupRef& group) = 0;

  // Replaces the tags only (no restart); returns the whole group.
  virtual boost::asio::awaitable<Expected<nlohmann::json, AzureError>> patch_container_group_tags(
      const ContainerGroupRef& group, const std::map<std::string, std::string>& tags) = 0;

  // Polls until the operation is terminal or `timeout` passes (AzureErrorKind::timeout).
  // Follows Azure-AsyncOperation, else Location, else the resource's provisioningState;
  // waits Retry-After between polls, else the configured interval. A Failed or Canceled
  // operation is an outcome, not an error.
  virtual boost::asio::awaitable<Expected<OperationOutcome, AzureError>> wait_for_operation(
      const LongRunningOperation& operation, std::chrono::milliseconds timeout) = 0;
};

}  // namespace aci::azure
