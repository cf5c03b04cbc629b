#include "emulator/arm/container_group_record.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <stdexcept>

#include "emulator/arm/iso_timestamp.hpp"

namespace aci::emulator::arm {
namespace {

using nlohmann::json;

// Enough history to show a few restarts; ACI keeps a bounded list too.
constexpr std::size_t kMaxEventsPerContainer = 64;

const char* kind_name(DeploymentKind kind) {
  switch (kind) {
    case DeploymentKind::create: return "create";
    case DeploymentKind::update: return "update";
    case DeploymentKind::start: return "start";
    case DeploymentKind::restart: return "restart";
  }
  return "create";
}

DeploymentKind kind_from_name(const std::string& name) {
  if (name == "update") return DeploymentKind::update;
  if (name == "start") return DeploymentKind::start;
  if (name == "restart") return DeploymentKind::restart;
  if (name == "create") return DeploymentKind::create;
  throw std::invalid_argument("unknown deployment kind '" + name + "'");
}

// Stable, GUID-shaped ids for read-only identity fields; not secrets.
std::string derived_guid(const std::string& seed) {
  std::size_t a = std::hash<std::string>{}(seed);
  std::size_t b = std::hash<std::string>{}(seed + "#");
  char buffer[40];
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a & 0xffffffffu),
                static_cast<unsigned>((a >> 32) & 0xffffu), static_cast<unsigned>((a >> 48) & 0xfffu),
                static_cast<unsigned>(b & 0xfffu), static_cast<unsigned long long>((b >> 12) & 0xffffffffffffull));
  return buffer;
}

std::string container_runtime_id(const std::string& seed) {
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "%016zx", std::hash<std::string>{}(seed));
  return buffer;
}

}  // namespace

ContainerGroupRecord::ContainerGroupRecord(std::string subscription, std::string resource_group, std::string name,
                                           ContainerGroupSpec spec, std::string ip)
    : subscription_(std::move(subscription)),
      resource_group_(std::move(resource_group)),
      name_(std::move(name)),
      spec_(std::move(spec)),
      ip_(std::move(ip)) {}

std::string ContainerGroupRecord::id() const {
  return "/subscriptions/" + subscription_ + "/resourceGroups/" + resource_group_ +
         "/providers/Microsoft.ContainerInstance/containerGroups/" + name_;
}

void ContainerGroupRecord::set_tags(json tags) {
  if (tags.is_null()) {
    spec_.resource.erase("tags");
  } else {
    spec_.resource["tags"] = std::move(tags);
  }
}

void ContainerGroupRecord::add_event(ContainerRuntime& runtime, Event event) {
  runtime.events.push_back(std::move(event));
  if (runtime.events.size() > kMaxEventsPerContainer) {
    runtime.events.erase(runtime.events.begin(),
                         runtime.events.begin() + static_cast<std::ptrdiff_t>(runtime.events.size() -
                                                                              kMaxEventsPerContainer));
  }
}

void ContainerGroupRecord::drop_future_events(TimePoint now) {
  for (auto& [name, runtime] : containers_) {
    (void)name;
    std::erase_if(runtime.events, [&](const Event& event) { return event.at > now; });
  }
}

void ContainerGroupRecord::deploy(DeploymentKind kind, TimePoint now, const DeploymentTiming& timing,
                                  const std::map<std::string, std::string>& pull_failures,
                                  std::optional<ArmError> failure) {
  drop_future_events(now);
  std::map<std::string, ContainerRuntime> next;
  for (const auto& image : spec_.images()) {
    ContainerRuntime runtime;
    auto old = containers_.find(image.container);
    bool fresh = kind == DeploymentKind::create || kind == DeploymentKind::start || old == containers_.end();
    if (!fresh) {
      runtime = std::move(old->second);
      // The container restarts in place: it keeps its history and counts the restart.
      json state = current_state(runtime, now);
      if (state.value("state", "") == "Running") {
        runtime.previous_state = json{{"state", "Terminated"},
                                      {"startTime", state.at("startTime")},
                                      {"finishTime", iso_timestamp(now)},
                                      {"exitCode", 0},
                                      {"detailStatus", "Completed"}};
        add_event(runtime, {"Killing", "Normal",
                            "Killing container with id " +
                                container_runtime_id(id() + "/" + image.container + "/" +
                                                     std::to_string(runtime.restart_count)) +
                                ".",
                            now});
      }
      ++runtime.restart_count;
    }
    const auto half = timing.container_start / 2;
    add_event(runtime, {"Pulling", "Normal", "pulling image \"" + image.image + "\"", now});
    auto failed = pull_failures.find(image.container);
    if (failed != pull_failures.end()) {
      add_event(runtime, {"Failed", "Warning", failed->second, now + half});
      add_event(runtime, {"BackOff", "Normal", "Back-off pulling image \"" + image.image + "\"",
                          now + timing.container_start});
    } else {
      add_event(runtime, {"Pulled", "Normal", "Successfully pulled image \"" + image.image + "\"", now + half});
      add_event(runtime, {"Started", "Normal", "Started container", now + timing.container_start});
    }
    next.emplace(image.container, std::move(runtime));
  }
  containers_ = std::move(next);
  stopped_ = false;
  deployment_.kind = kind;
  deployment_.started = now;
  deployment_.finishes = now + timing.provisioning;
  deployment_.failure = std::move(failure);
}

void ContainerGroupRecord::stop(TimePoint now) {
  drop_future_events(now);
  for (auto& [name, runtime] : containers_) {
    if (current_state(runtime, now).value("state", "") == "Terminated") continue;
    add_event(runtime, {"Killing", "Normal",
                        "Killing container with id " +
                            container_runtime_id(id() + "/" + name + "/" + std::to_string(runtime.restart_count)) +
                            ".",
                        now});
  }
  stopped_ = true;
  // A stop ends whatever deployment was still running.
  if (deployment_.finishes > now) deployment_.finishes = now;
}

void ContainerGroupRecord::begin_delete(TimePoint now, TimePoint finishes, std::string operation_id) {
  (void)now;
  deletion_finishes_ = finishes;
  deletion_operation_ = std::move(operation_id);
}

std::string ContainerGroupRecord::provisioning_state(TimePoint now) const {
  if (deletion_finishes_) return "Deleting";
  if (transitioning(now)) {
    switch (deployment_.kind) {
      case DeploymentKind::create: return "Creating";
      case DeploymentKind::update: return "Updating";
      case DeploymentKind::start:
      case DeploymentKind::restart: return "Pending";
    }
  }
  return deployment_.failure ? "Failed" : "Succeeded";
}

json ContainerGroupRecord::current_state(const ContainerRuntime& runtime, TimePoint now) const {
  json state{{"state", "Waiting"}, {"detailStatus", ""}};
  std::optional<TimePoint> started;
  for (const auto& event : runtime.events) {
    if (event.at > now) break;
    if (event.name == "Started") {
      started = event.at;
      state = json{{"state", "Running"}, {"startTime", iso_timestamp(event.at)}, {"detailStatus", ""}};
    } else if (event.name == "Killing") {
      state = json{{"state", "Terminated"}, {"exitCode", 0}, {"finishTime", iso_timestamp(event.at)},
                   {"detailStatus", "Completed"}};
      if (started) state["startTime"] = iso_timestamp(*started);
      started.reset();
    } else if (event.name == "Pulling" || event.name == "Pulled") {
      state = json{{"state", "Waiting"}, {"detailStatus", ""}};
    } else if (event.name == "Failed") {
      state = json{{"state", "Waiting"}, {"detailStatus", "ErrImagePull"}};
    } else if (event.name == "BackOff") {
      state = json{{"state", "Waiting"}, {"detailStatus", "ImagePullBackOff"}};
    }
  }
  return state;
}

json ContainerGroupRecord::container_view(const ContainerRuntime& runtime, TimePoint now) const {
  // Repeated events fold into one entry with a count, as ACI shows them.
  json events = json::array();
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& event : runtime.events) {
    if (event.at > now) break;
    auto key = std::make_pair(event.name, event.message);
    auto found = std::find(keys.begin(), keys.end(), key);
    if (found == keys.end()) {
      keys.push_back(key);
      events.push_back(json{{"count", 1},
                            {"firstTimestamp", iso_timestamp(event.at)},
                            {"lastTimestamp", iso_timestamp(event.at)},
                            {"name", event.name},
                            {"message", event.message},
                            {"type", event.type}});
    } else {
      json& entry = events[static_cast<std::size_t>(found - keys.begin())];
      entry["count"] = entry["count"].get<int>() + 1;
      entry["lastTimestamp"] = iso_timestamp(event.at);
    }
  }
  json view{{"restartCount", runtime.restart_count}, {"currentState", current_state(runtime, now)},
            {"events", std::move(events)}};
  if (!runtime.previous_state.is_null()) view["previousState"] = runtime.previous_state;
  return view;
}

std::string ContainerGroupRecord::group_state(TimePoint now) const {
  if (stopped_) return "Stopped";
  bool all_running = !containers_.empty();
  for (const auto& [name, runtime] : containers_) {
    (void)name;
    all_running = all_running && current_state(runtime, now).value("state", "") == "Running";
  }
  return all_running ? "Running" : "Pending";
}

json ContainerGroupRecord::render(TimePoint now, const std::string& api_version, bool list_item) const {
  json out = spec_.resource;
  out["id"] = id();
  out["name"] = name_;
  out["type"] = "Microsoft.ContainerInstance/containerGroups";
  if (out.contains("identity")) {
    json& identity = out["identity"];
    const std::string type = identity.value("type", "");
    if (type.find("SystemAssigned") != std::string::npos) {
      identity["principalId"] = derived_guid(id() + "/system");
    }
    if (identity.contains("userAssignedIdentities")) {
      for (auto& [key, value] : identity["userAssignedIdentities"].items()) {
        value = json{{"principalId", derived_guid(key + "/principal")}, {"clientId", derived_guid(key + "/client")}};
      }
    }
  }

  json& properties = out["properties"];
  properties["provisioningState"] = provisioning_state(now);
  if (properties.contains("ipAddress")) {
    json& ip = properties["ipAddress"];
    ip["ip"] = ip_;
    if (ip.contains("dnsNameLabel")) {
      ip["fqdn"] = ip["dnsNameLabel"].get<std::string>() + "." + spec_.location() + ".azurecontainer.io";
    }
  }
  if (api_version >= "2025-09-01") properties["isCreatedFromStandbyPool"] = false;
  if (!list_item) {
    for (const char* key : {"initContainers", "containers"}) {
      if (!properties.contains(key)) continue;
      for (json& container : properties[key]) {
        auto runtime = containers_.find(container.at("name").get<std::string>());
        if (runtime != containers_.end()) {
          container["properties"]["instanceView"] = container_view(runtime->second, now);
        }
      }
    }
    properties["instanceView"] = json{{"state", group_state(now)}, {"events", json::array()}};
  }
  return out;
}

json ContainerGroupRecord::to_state() const {
  json containers = json::object();
  for (const auto& [name, runtime] : containers_) {
    json events = json::array();
    for (const auto& event : runtime.events) {
      events.push_back(json{{"name", event.name},
                            {"type", event.type},
                            {"message", event.message},
                            {"atMs", to_unix_ms(event.at)}});
    }
    containers[name] = json{{"restartCount", runtime.restart_count},
                            {"events", std::move(events)},
                            {"previousState", runtime.previous_state}};
  }
  json deployment{{"kind", kind_name(deployment_.kind)},
                  {"startedMs", to_unix_ms(deployment_.started)},
                  {"finishesMs", to_unix_ms(deployment_.finishes)},
                  {"operation", deployment_operation_}};
  if (deployment_.failure) {
    deployment["failure"] = {{"status", deployment_.failure->status},
                             {"code", deployment_.failure->code},
                             {"message", deployment_.failure->message}};
  }
  json state{{"subscription", subscription_},
             {"resourceGroup", resource_group_},
             {"name", name_},
             {"spec", spec_.to_state()},
             {"ip", ip_},
             {"deployment", std::move(deployment)},
             {"stopped", stopped_},
             {"containers", std::move(containers)}};
  if (deletion_finishes_) {
    state["deletion"] = {{"finishesMs", to_unix_ms(*deletion_finishes_)}, {"operation", deletion_operation_}};
  }
  return state;
}

ContainerGroupRecord ContainerGroupRecord::from_state(const json& state) {
  ContainerGroupRecord record(state.at("subscription").get<std::string>(),
                              state.at("resourceGroup").get<std::string>(), state.at("name").get<std::string>(),
                              ContainerGroupSpec::from_state(state.at("spec")), state.at("ip").get<std::string>());
  const json& deployment = state.at("deployment");
  record.deployment_.kind = kind_from_name(deployment.at("kind").get<std::string>());
  record.deployment_.started = from_unix_ms(deployment.at("startedMs").get<std::int64_t>());
  record.deployment_.finishes = from_unix_ms(deployment.at("finishesMs").get<std::int64_t>());
  record.deployment_operation_ = deployment.value("operation", "");
  if (deployment.contains("failure")) {
    const json& failure = deployment.at("failure");
    record.deployment_.failure = ArmError{failure.at("status").get<unsigned>(), failure.at("code").get<std::string>(),
                                          failure.at("message").get<std::string>()};
  }
  record.stopped_ = state.value("stopped", false);
  for (const auto& [name, runtime_state] : state.at("containers").items()) {
    ContainerRuntime runtime;
    runtime.restart_count = runtime_state.at("restartCount").get<int>();
    for (const auto& event : runtime_state.at("events")) {
      runtime.events.push_back(Event{event.at("name").get<std::string>(), event.at("type").get<std::string>(),
                                     event.at("message").get<std::string>(),
                                     from_unix_ms(event.at("atMs").get<std::int64_t>())});
    }
    runtime.previous_state = runtime_state.value("previousState", json());
    record.containers_.emplace(name, std::move(runtime));
  }
  if (state.contains("deletion")) {
    record.deletion_finishes_ = from_unix_ms(state.at("deletion").at("finishesMs").get<std::int64_t>());
    record.deletion_operation_ = state.at("deletion").value("operation", "");
  }
  return record;
}

}  // namespace aci::emulator::arm
