#include "daemon/model/drift_diff.hpp"

#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "daemon/core/utf8.hpp"
#include "daemon/model/arm_body.hpp"
#include "daemon/model/number_format.hpp"

namespace aci::model {

namespace {

constexpr std::string_view kNone = "(none)";
constexpr std::string_view kSet = "(set)";

// Properties the spec cannot express. If the actual group has one, a PUT of our
// body would remove it, so it is drift; the flag says whether ACI needs a
// recreate to change it (network profile and log analytics, per the reference).
struct Unmanaged {
  const char* key;
  bool requires_recreate;
};
constexpr Unmanaged kGroupUnmanaged[] = {
    {"volumes", false},         {"initContainers", false},       {"dnsConfig", false},
    {"extensions", false},      {"encryptionProperties", false}, {"confidentialComputeProperties", false},
    {"containerGroupProfile", false}, {"standbyPoolProfile", false}, {"subnetIds", true},
    {"networkProfile", true},   {"diagnostics", true}};
constexpr Unmanaged kContainerUnmanaged[] = {{"volumeMounts", false},
                                             {"livenessProbe", false},
                                             {"readinessProbe", false},
                                             {"securityContext", false},
                                             {"configMap", false}};

std::string lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

// Enumerations and ids that ARM may return in another casing or with spaces
// ("SystemAssigned, UserAssigned").
std::string fold(std::string_view text) {
  std::string result;
  for (const char c : text) {
    if (c != ' ') result.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return result;
}

const nlohmann::json& member(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNull;
  if (!object.is_object()) return kNull;
  const auto it = object.find(key);
  return it == object.end() ? kNull : *it;
}

std::string text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return {};
  return core::dump_json(value);
}

std::optional<double> number(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    try {
      std::size_t used = 0;
      const auto parsed = std::stod(value.get<std::string>(), &used);
      if (used == value.get<std::string>().size()) return parsed;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

// null, "", [], {} and objects of only empty members: what ARM returns for
// "not set" in its various moods.
bool is_empty(const nlohmann::json& value) {
  if (value.is_null()) return true;
  if (value.is_string()) return value.get<std::string>().empty();
  if (value.is_array()) return value.empty();
  if (value.is_object()) {
    for (const auto& item : value) {
      if (!is_empty(item)) return false;
    }
    return true;
  }
  return false;
}

std::string join(const std::set<std::string>& items) {
  std::string result;
  for (const auto& item : items) result += (result.empty() ? "" : ", ") + item;
  return result.empty() ? std::string(kNone) : result;
}

std::set<std::string> ports_of(const nlohmann::json& list) {
  std::set<std::string> ports;
  if (!list.is_array()) return ports;
  for (const auto& port : list) {
    const auto value = number(member(port, "port"));
    // Container ports may come back without a protocol; TCP is ACI's default.
    std::string protocol = text(member(port, "protocol"));
    if (protocol.empty()) protocol = "TCP";
    for (auto& c : protocol) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    ports.insert((value ? std::to_string(std::llround(*value)) : std::string("?")) + "/" + protocol);
  }
  return ports;
}

std::vector<std::string> strings_of(const nlohmann::json& list) {
  std::vector<std::string> items;
  if (!list.is_array()) return items;
  for (const auto& item : list) items.push_back(text(item));
  return items;
}

struct EnvValue {
  std::optional<std::string> value;  // nullopt: no visible value (secure, or empty)
  bool secure = false;

  bool operator==(const EnvValue& other) const { return value == other.value; }
  std::string display() const {
    if (value) return *value;
    return secure ? "(secure)" : "(secure or empty)";
  }
};

struct Container {
  std::string image;
  std::vector<std::string> command;
  std::optional<long long> cpu_hundredths;
  std::optional<long long> memory_tenths;
  std::string limits;  // display of limits that differ from the requests; empty otherwise
  bool gpu = false;
  std::set<std::string> ports;
  std::map<std::string, EnvValue> env;
  std::set<std::string> unmanaged;
};

struct Credential {
  std::string server;
  std::string username;
  std::string identity;

  std::string display() const { return identity.empty() ? "username " + username : "identity " + identity; }
};

struct IpAddress {
  std::string type;
  std::set<std::string> ports;
  std::string dns_name_label;
  std::string scope;

  std::string display() const { return type + " " + join(ports); }
};

struct Group {
  std::string location;
  std::map<std::string, std::string> tags;
  std::string identity_type;
  std::map<std::string, std::string> identities;  // folded id -> id
  std::set<std::string> zones;
  std::string os_type;
  std::string restart_policy;
  std::string sku;
  std::string priority;
  std::map<std::string, Container> containers;
  std::map<std::string, Credential> credentials;  // lower-case server -> credential
  std::optional<IpAddress> ip_address;
  std::set<std::string> unmanaged;
};

std::optional<long long> scaled(const nlohmann::json& value, double scale) {
  const auto parsed = number(value);
  if (!parsed) return std::nullopt;
  return std::llround(*parsed * scale);
}

Container normalize_container(const nlohmann::json& item) {
  Container container;
  const auto& properties = member(item, "properties");
  container.image = text(member(properties, "image"));
  container.command = strings_of(member(properties, "command"));
  const auto& resources = member(properties, "resources");
  const auto& requests = member(resources, "requests");
  container.cpu_hundredths = scaled(member(requests, "cpu"), 100);
  container.memory_tenths = scaled(member(requests, "memoryInGB"), 10);
  container.gpu = !is_empty(member(requests, "gpu"));
  // No limits means limits equal to the requests; only other limits are drift.
  const auto& limits = member(resources, "limits");
  if (!is_empty(limits)) {
    const auto cpu = scaled(member(limits, "cpu"), 100);
    const auto memory = scaled(member(limits, "memoryInGB"), 10);
    if (cpu != container.cpu_hundredths || memory != container.memory_tenths || !is_empty(member(limits, "gpu"))) {
      container.limits = core::dump_json(limits);
    }
  }
  container.ports = ports_of(member(properties, "ports"));
  const auto& env = member(properties, "environmentVariables");
  if (env.is_array()) {
    for (const auto& variable : env) {
      EnvValue value;
      const auto& plain = member(variable, "value");
      value.secure = member(variable, "secureValue").is_string();
      if (!value.secure && plain.is_string() && !plain.get<std::string>().empty()) value.value = plain.get<std::string>();
      container.env[text(member(variable, "name"))] = value;
    }
  }
  for (const auto& field : kContainerUnmanaged) {
    if (!is_empty(member(properties, field.key))) container.unmanaged.insert(field.key);
  }
  return container;
}

Group normalize(const nlohmann::json& body) {
  Group group;
  group.location = fold(text(member(body, "location")));
  if (const auto& tags = member(body, "tags"); tags.is_object()) {
    for (const auto& [name, value] : tags.items()) group.tags[name] = text(value);
  }
  const auto& identity = member(body, "identity");
  group.identity_type = fold(text(member(identity, "type")));
  if (group.identity_type.empty()) group.identity_type = "none";
  if (const auto& assigned = member(identity, "userAssignedIdentities"); assigned.is_object()) {
    for (const auto& [id, value] : assigned.items()) group.identities[fold(id)] = id;
  }
  for (const auto& zone : strings_of(member(body, "zones"))) group.zones.insert(zone);

  const auto& properties = member(body, "properties");
  group.os_type = text(member(properties, "osType"));
  // Defaults ARM fills in when they were not sent.
  group.restart_policy = text(member(properties, "restartPolicy"));
  if (group.restart_policy.empty()) group.restart_policy = "Always";
  group.sku = text(member(properties, "sku"));
  if (group.sku.empty()) group.sku = "Standard";
  group.priority = text(member(properties, "priority"));
  if (group.priority.empty()) group.priority = "Regular";

  if (const auto& containers = member(properties, "containers"); containers.is_array()) {
    for (const auto& item : containers) group.containers[text(member(item, "name"))] = normalize_container(item);
  }
  if (const auto& credentials = member(properties, "imageRegistryCredentials"); credentials.is_array()) {
    for (const auto& item : credentials) {
      Credential credential{text(member(item, "server")), text(member(item, "username")),
                            text(member(item, "identity"))};
      group.credentials[lower(credential.server)] = credential;
    }
  }
  if (const auto& ip = member(properties, "ipAddress"); !is_empty(ip)) {
    IpAddress address;
    address.type = text(member(ip, "type"));
    address.ports = ports_of(member(ip, "ports"));
    address.dns_name_label = lower(text(member(ip, "dnsNameLabel")));
    address.scope = text(member(ip, "autoGeneratedDomainNameLabelScope"));
    if (address.scope.empty()) address.scope = "Unsecure";
    group.ip_address = address;
  }
  for (const auto& field : kGroupUnmanaged) {
    if (!is_empty(member(properties, field.key))) group.unmanaged.insert(field.key);
  }
  return group;
}

class Differ {
 public:
  explicit Differ(std::vector<Difference>& out) : out_(out) {}

  void add(std::string path, std::string desired, std::string actual, bool recreate,
           std::string_view reason = kReasonProperty) {
    out_.push_back({std::move(path), desired.empty() ? std::string(kNone) : std::move(desired),
                    actual.empty() ? std::string(kNone) : std::move(actual), recreate, std::string(reason)});
  }
  // Case-insensitive comparison for enumerations ARM may recase.
  void enumeration(std::string path, const std::string& desired, const std::string& actual, bool recreate) {
    if (fold(desired) != fold(actual)) add(std::move(path), desired, actual, recreate);
  }

 private:
  std::vector<Difference>& out_;
};

std::string hundredths(const std::optional<long long>& value) {
  return value ? format_number(static_cast<double>(*value) / 100) : std::string();
}
std::string tenths(const std::optional<long long>& value) {
  return value ? format_number(static_cast<double>(*value) / 10) : std::string();
}
std::string list_text(const std::vector<std::string>& items) { return core::dump_json(nlohmann::json(items)); }

void diff_containers(Differ& differ, const Group& desired, const Group& actual) {
  std::set<std::string> names;
  for (const auto& [name, container] : desired.containers) names.insert(name);
  for (const auto& [name, container] : actual.containers) names.insert(name);
  for (const auto& name : names) {
    const auto path = "containers[" + name + "]";
    const auto want = desired.containers.find(name);
    const auto have = actual.containers.find(name);
    if (want == desired.containers.end() || have == actual.containers.end()) {
      // ACI cannot add or remove a container in place.
      differ.add(path, want != desired.containers.end() ? "present" : "", have != actual.containers.end() ? "present" : "",
                 true);
      continue;
    }
    const auto& d = want->second;
    const auto& a = have->second;
    if (d.image != a.image) differ.add(path + ".image", d.image, a.image, false);
    if (d.command != a.command) differ.add(path + ".command", list_text(d.command), list_text(a.command), false);
    if (d.cpu_hundredths != a.cpu_hundredths) {
      differ.add(path + ".resources.cpu", hundredths(d.cpu_hundredths), hundredths(a.cpu_hundredths), true);
    }
    if (d.memory_tenths != a.memory_tenths) {
      differ.add(path + ".resources.memoryInGB", tenths(d.memory_tenths), tenths(a.memory_tenths), true);
    }
    if (d.limits != a.limits) differ.add(path + ".resources.limits", d.limits, a.limits, true);
    if (d.gpu != a.gpu) differ.add(path + ".resources.gpu", d.gpu ? "(set)" : "", a.gpu ? "(set)" : "", true);
    if (d.ports != a.ports) differ.add(path + ".ports", join(d.ports), join(a.ports), true);
    std::set<std::string> env_names;
    for (const auto& [env_name, value] : d.env) env_names.insert(env_name);
    for (const auto& [env_name, value] : a.env) env_names.insert(env_name);
    for (const auto& env_name : env_names) {
      const auto dv = d.env.find(env_name);
      const auto av = a.env.find(env_name);
      const bool both = dv != d.env.end() && av != a.env.end();
      if (both && dv->second == av->second) continue;
      differ.add(path + ".env[" + env_name + "]", dv != d.env.end() ? dv->second.display() : "",
                 av != a.env.end() ? av->second.display() : "", false);
    }
    for (const auto& field : kContainerUnmanaged) {
      if (d.unmanaged.contains(field.key) != a.unmanaged.contains(field.key)) {
        differ.add(path + "." + field.key, d.unmanaged.contains(field.key) ? std::string(kSet) : "",
                   a.unmanaged.contains(field.key) ? std::string(kSet) : "", field.requires_recreate);
      }
    }
  }
}

void diff_credentials(Differ& differ, const Group& desired, const Group& actual) {
  std::set<std::string> servers;
  for (const auto& [server, credential] : desired.credentials) servers.insert(server);
  for (const auto& [server, credential] : actual.credentials) servers.insert(server);
  for (const auto& server : servers) {
    const auto want = desired.credentials.find(server);
    const auto have = actual.credentials.find(server);
    const auto name = want != desired.credentials.end() ? want->second.server : have->second.server;
    const auto path = "imageRegistryCredentials[" + name + "]";
    if (want == desired.credentials.end() || have == actual.credentials.end()) {
      differ.add(path, want != desired.credentials.end() ? want->second.display() : "",
                 have != actual.credentials.end() ? have->second.display() : "", false);
      continue;
    }
    // Passwords never come back from ARM; the spec hash covers their versions.
    if (want->second.username != have->second.username) {
      differ.add(path + ".username", want->second.username, have->second.username, false);
    }
    if (fold(want->second.identity) != fold(have->second.identity)) {
      differ.add(path + ".identity", want->second.identity, have->second.identity, false);
    }
  }
}

void diff_ip_address(Differ& differ, const Group& desired, const Group& actual) {
  if (!desired.ip_address && !actual.ip_address) return;
  if (!desired.ip_address || !actual.ip_address) {
    // Adding or removing the IP address changes the network profile.
    differ.add("ipAddress", desired.ip_address ? desired.ip_address->display() : "",
               actual.ip_address ? actual.ip_address->display() : "", true);
    return;
  }
  const auto& d = *desired.ip_address;
  const auto& a = *actual.ip_address;
  differ.enumeration("ipAddress.type", d.type, a.type, true);
  if (d.ports != a.ports) differ.add("ipAddress.ports", join(d.ports), join(a.ports), false);
  if (d.dns_name_label != a.dns_name_label) {
    differ.add("ipAddress.dnsNameLabel", d.dns_name_label, a.dns_name_label, false);
  }
  differ.enumeration("ipAddress.autoGeneratedDomainNameLabelScope", d.scope, a.scope, false);
}

}  // namespace

std::vector<Difference> diff_container_group(const nlohmann::json& desired_body, const nlohmann::json& actual) {
  const auto desired = normalize(desired_body);
  const auto current = normalize(actual);
  std::vector<Difference> differences;
  Differ differ(differences);

  // A group cannot move between regions.
  if (desired.location != current.location) differ.add("location", desired.location, current.location, true);

  std::set<std::string> tag_names;
  for (const auto& [name, value] : desired.tags) tag_names.insert(name);
  for (const auto& [name, value] : current.tags) tag_names.insert(name);
  for (const auto& name : tag_names) {
    const auto want = desired.tags.find(name);
    const auto have = current.tags.find(name);
    const auto desired_value = want != desired.tags.end() ? want->second : std::string();
    const auto actual_value = have != current.tags.end() ? have->second : std::string();
    if (want != desired.tags.end() && have != current.tags.end() && desired_value == actual_value) continue;
    differ.add("tags." + name, desired_value, actual_value, false, name == kSpecHashTag ? kReasonSpecHash : kReasonTags);
  }

  if (desired.identity_type != current.identity_type) {
    differ.add("identity.type", desired.identity_type, current.identity_type, false);
  }
  std::set<std::string> want_ids;
  std::set<std::string> have_ids;
  for (const auto& [folded, id] : desired.identities) want_ids.insert(folded);
  for (const auto& [folded, id] : current.identities) have_ids.insert(folded);
  if (want_ids != have_ids) {
    std::set<std::string> shown_desired;
    std::set<std::string> shown_actual;
    for (const auto& [folded, id] : desired.identities) shown_desired.insert(id);
    for (const auto& [folded, id] : current.identities) shown_actual.insert(id);
    differ.add("identity.userAssignedIdentities", join(shown_desired), join(shown_actual), false);
  }
  if (desired.zones != current.zones) differ.add("zones", join(desired.zones), join(current.zones), true);

  differ.enumeration("osType", desired.os_type, current.os_type, true);
  differ.enumeration("restartPolicy", desired.restart_policy, current.restart_policy, true);
  differ.enumeration("sku", desired.sku, current.sku, true);
  differ.enumeration("priority", desired.priority, current.priority, true);

  diff_containers(differ, desired, current);
  diff_credentials(differ, desired, current);
  diff_ip_address(differ, desired, current);

  for (const auto& field : kGroupUnmanaged) {
    if (desired.unmanaged.contains(field.key) != current.unmanaged.contains(field.key)) {
      differ.add(field.key, desired.unmanaged.contains(field.key) ? std::string(kSet) : "",
                 current.unmanaged.contains(field.key) ? std::string(kSet) : "", field.requires_recreate);
    }
  }
  return differences;
}

bool any_requires_recreate(const std::vector<Difference>& differences) {
  for (const auto& difference : differences) {
    if (difference.requires_recreate) return true;
  }
  return false;
}

bool only_tags_differ(const std::vector<Difference>& differences) {
  if (differences.empty()) return false;
  for (const auto& difference : differences) {
    if (difference.reason != kReasonTags) return false;
  }
  return true;
}

std::string describe(const std::vector<Difference>& differences) {
  std::string result;
  for (const auto& difference : differences) {
    result += difference.path + ": desired " + difference.desired + ", actual " + difference.actual;
    if (difference.requires_recreate) result += " [recreate]";
    result += "\n";
  }
  return result;
}

}  // namespace aci::model
