#pragma once
// ContainerGroupService: the emulated ARM Microsoft.ContainerInstance/containerGroups
// resource provider. It answers requests under /subscriptions/... (PUT, GET,
// PATCH tags, DELETE, list by resource group and subscription with nextLink
// paging, start/stop/restart, Azure-AsyncOperation polling) with ACI's shapes,
// status codes and CloudError bodies. The caller has already checked the ARM
// token and applied fault injection; this class never throws out of handle().
// Long-running work is derived lazily from now(): no timers, no threads. All
// public members are safe to call from several threads (one mutex).

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "daemon/http/server.hpp"
#include "emulator/arm/arm_operation.hpp"
#include "emulator/arm/container_group_record.hpp"
#include "emulator/emulator_clock.hpp"
#include "emulator/image_pull_checker.hpp"

namespace aci::emulator {

struct ArmSettings {
  // From an accepted PUT, start or restart until provisioningState (and the
  // async operation) is terminal: Creating/Updating/Pending -> Succeeded or Failed.
  std::chrono::milliseconds provisioning_duration{3000};
  // From the same moment until each container whose image pulled is Running:
  // "Pulling" at once, "Pulled" (or "Failed") halfway, "Started" (or "BackOff") at the end.
  // Capped at provisioning_duration: ACI reports Succeeded once the containers run,
  // so a shorter provisioning_duration (e.g. --provisioning-duration) shortens this too.
  std::chrono::milliseconds container_start_duration{2000};
  // DELETE: 202 + async operation, the group reading "Deleting" for this long,
  // then gone. Zero: DELETE finishes at once and answers 200 with the body.
  std::chrono::milliseconds deletion_duration{1000};
  // Items per list page; more items yield a nextLink.
  std::size_t page_size = 100;
  // Retry-After (seconds) on 201/202 long-running answers, which clients use as
  // their poll interval. Zero omits the header.
  std::chrono::seconds retry_after{1};
  // ACI checks username/password registry credentials when it accepts a PUT and
  // answers 400 InaccessibleImage at once. False: the PUT is accepted and the
  // deployment fails later (provisioningState Failed, "Failed" pull event).
  // Pulls with a managed identity credential always fail the later way, since
  // ACI cannot try them before the group exists.
  bool validate_images_on_put = true;
  // api-version values accepted (all with the 2023-05-01 shape; from 2025-09-01
  // osType is optional and isCreatedFromStandbyPool is returned).
  std::vector<std::string> api_versions{"2021-03-01", "2021-07-01", "2021-09-01", "2021-10-01",
                                        "2022-09-01", "2023-05-01", "2025-09-01"};
  // Finished async operations kept for polling; the oldest are forgotten first.
  std::size_t max_operations = 10000;
  // Seeds request and operation ids; 0 seeds from std::random_device.
  std::uint64_t random_seed = 0;
};

class ContainerGroupService {
 public:
  ContainerGroupService(NowFunction now, const ImagePullChecker& pulls, ArmSettings settings);
  ContainerGroupService(const ContainerGroupService&) = delete;
  ContainerGroupService& operator=(const ContainerGroupService&) = delete;

  // Handles a request under /subscriptions/... (path and query in request.target()).
  // base_url (e.g. "https://127.0.0.1:8443") prefixes Azure-AsyncOperation,
  // Location and nextLink URLs.
  http::ServerResponse handle(const http::ServerRequest& request, const std::string& base_url);

  // Adds subscriptions and resource groups:
  // [{"id": "...", "resourceGroups": [{"name": "...", "location": "..."}]}].
  // Throws std::invalid_argument on a malformed seed; the world is then unchanged.
  void seed(const nlohmann::json& subscriptions);

  // The whole world without secrets (secure environment values, registry
  // passwords and other write-only values are never kept beyond the request).
  nlohmann::json save() const;
  // Replaces groups and operations with a save()d world and adds its
  // subscriptions. Registry passwords are not in it: a later start or restart
  // treats images on a registry with such a credential as pullable. Throws
  // std::invalid_argument on malformed state; the world is then unchanged.
  void load(const nlohmann::json& state);
  // Back to the seeded subscriptions with no groups and no operations.
  void reset();
  // For the admin API and tests: every group as GET shows it now, and the
  // operations with their status. No secrets.
  nlohmann::json snapshot() const;

 private:
  struct ResourceGroup {
    std::string name;
    std::string location;
  };
  struct Subscription {
    std::string id;
    std::map<std::string, ResourceGroup> resource_groups;  // by lower-case name
  };
  struct Call;  // one request being served

  http::ServerResponse route(Call& call);
  http::ServerResponse put_group(Call& call);
  http::ServerResponse get_group(Call& call);
  http::ServerResponse patch_group(Call& call);
  http::ServerResponse delete_group(Call& call);
  http::ServerResponse group_action(Call& call);
  http::ServerResponse list_groups(Call& call);
  http::ServerResponse container_logs(Call& call);
  http::ServerResponse operation_status(Call& call);
  http::ServerResponse operation_result(Call& call);

  std::string new_guid();
  std::string allocate_ip(bool is_public);
  arm::ArmOperation& start_operation(Call& call, const std::string& kind, const std::string& group_key,
                                     const std::string& location, TimePoint finishes,
                                     std::optional<arm::ArmError> failure);
  // Pull-check every image; a map container -> failed-pull message, and the
  // error ACI reports for the first failure (synchronous or not).
  struct PullVerdict {
    std::map<std::string, std::string> failures;
    std::optional<arm::ArmError> first_error;
    std::optional<arm::ArmError> synchronous_error;  // a failure ACI reports at PUT time
  };
  PullVerdict check_pulls(const arm::ContainerGroupSpec& spec, const std::string& group_name) const;
  arm::DeploymentTiming timing() const;
  void forget_deleted(TimePoint now);

  NowFunction now_;
  const ImagePullChecker& pulls_;
  ArmSettings settings_;

  mutable std::mutex mutex_;
  std::mt19937_64 random_;
  std::map<std::string, Subscription> seeded_;         // by lower-case id
  std::map<std::string, Subscription> subscriptions_;  // by lower-case id
  std::map<std::string, arm::ContainerGroupRecord> groups_;  // by "sub/rg/name", lower case
  std::map<std::string, arm::ArmOperation> operations_;      // by id
  std::deque<std::string> operation_order_;                  // oldest first
  std::uint64_t next_ip_ = 1;
};

}  // namespace aci::emulator
