#pragma once
// ContainerGroupRecord: one emulated container group, its accepted spec and the
// timeline ACI would run it through. Deployments (create, update, start,
// restart) are recorded with their start time and planned container events
// (Killing, Pulling, Pulled or Failed/BackOff, Started), possibly in the future;
// provisioningState, container states and the visible events are all derived
// from that timeline at the `now` a request is served, so nothing runs in the
// background. Not thread-safe; ContainerGroupService serialises access.

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "emulator/arm/arm_error.hpp"
#include "emulator/arm/container_group_spec.hpp"
#include "emulator/emulator_clock.hpp"

namespace aci::emulator::arm {

enum class DeploymentKind { create, update, start, restart };

struct DeploymentTiming {
  std::chrono::milliseconds provisioning{3000};     // until provisioningState is terminal
  std::chrono::milliseconds container_start{2000};  // until a container whose image pulled is Running
};

class ContainerGroupRecord {
 public:
  ContainerGroupRecord(std::string subscription, std::string resource_group, std::string name,
                       ContainerGroupSpec spec, std::string ip);

  const std::string& subscription() const { return subscription_; }
  const std::string& resource_group() const { return resource_group_; }
  const std::string& name() const { return name_; }
  std::string id() const;
  const ContainerGroupSpec& spec() const { return spec_; }
  const std::string& ip() const { return ip_; }

  // A PUT on an existing group: the new spec replaces the old one entirely.
  void replace_spec(ContainerGroupSpec spec) { spec_ = std::move(spec); }
  void set_tags(nlohmann::json tags);

  // Starts a deployment at `now`: running containers are killed and every
  // container is pulled and started again. `pull_failures` maps a container
  // name to the failed-pull event message; with any, the deployment ends Failed
  // with `failure`.
  void deploy(DeploymentKind kind, TimePoint now, const DeploymentTiming& timing,
              const std::map<std::string, std::string>& pull_failures, std::optional<ArmError> failure);
  // Stops all containers now (POST stop).
  void stop(TimePoint now);
  // DELETE accepted: the group reads "Deleting" until `finishes`, then is gone.
  void begin_delete(TimePoint now, TimePoint finishes, std::string operation_id);

  bool transitioning(TimePoint now) const { return now < deployment_.finishes; }
  bool stopped() const { return stopped_; }
  bool deleting() const { return deletion_finishes_.has_value(); }
  bool deleted(TimePoint now) const { return deletion_finishes_ && now >= *deletion_finishes_; }
  const std::string& deletion_operation() const { return deletion_operation_; }
  const std::string& deployment_operation() const { return deployment_operation_; }
  void set_deployment_operation(std::string id) { deployment_operation_ = std::move(id); }

  // "Creating", "Updating", "Pending", "Succeeded", "Failed" or "Deleting".
  std::string provisioning_state(TimePoint now) const;
  // "Pending", "Running" or "Stopped".
  std::string group_state(TimePoint now) const;

  // The resource as GET returns it. List items carry no instance views.
  nlohmann::json render(TimePoint now, const std::string& api_version, bool list_item) const;

  nlohmann::json to_state() const;
  static ContainerGroupRecord from_state(const nlohmann::json& state);  // throws on malformed state

 private:
  struct Event {
    std::string name;
    std::string type;
    std::string message;
    TimePoint at;
  };
  struct ContainerRuntime {
    int restart_count = 0;
    std::vector<Event> events;
    nlohmann::json previous_state;  // null when none
  };

  nlohmann::json container_view(const ContainerRuntime& runtime, TimePoint now) const;
  nlohmann::json current_state(const ContainerRuntime& runtime, TimePoint now) const;
  void drop_future_events(TimePoint now);
  static void add_event(ContainerRuntime& runtime, Event event);

  std::string subscription_;
  std::string resource_group_;
  std::string name_;
  ContainerGroupSpec spec_;
  std::string ip_;
  struct {
    DeploymentKind kind = DeploymentKind::create;
    TimePoint started{};
    TimePoint finishes{};
    std::optional<ArmError> failure;
  } deployment_;
  std::string deployment_operation_;
  bool stopped_ = false;
  std::optional<TimePoint> deletion_finishes_;
  std::string deletion_operation_;
  std::map<std::string, ContainerRuntime> containers_;
};

}  // namespace aci::emulator::arm
