#include "emulator/arm/container_group_spec.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>

namespace aci::emulator::arm {
namespace {

using nlohmann::json;

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool iequals(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

// ACI is a .NET service: schema errors come back as Json.NET deserialization
// failures wrapped in InvalidRequestContent.
ArmError invalid_content(const std::string& detail) {
  return ArmError{400, "InvalidRequestContent",
                  "The request content was invalid and could not be deserialized: '" + detail + "'."};
}

ArmError missing(const std::string& property, const std::string& path) {
  return invalid_content("Required property '" + property + "' not found in JSON. Path '" + path + "'");
}

ArmError wrong_type(const json& value, const std::string& type, const std::string& path) {
  std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
  if (shown.size() > 64) shown = shown.substr(0, 64) + "...";
  return invalid_content("Error converting value " + (value.is_string() ? "\"" + shown + "\"" : shown) +
                         " to type '" + type + "'. Path '" + path + "'");
}

std::string join_path(const std::string& parent, const std::string& child) {
  return parent.empty() ? child : parent + "." + child;
}

std::string index_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

// A member that must be present and of the given JSON kind.
enum class Kind { object, array, string, number, integer, boolean };

const char* type_name(Kind kind) {
  switch (kind) {
    case Kind::object: return "Object";
    case Kind::array: return "Array";
    case Kind::string: return "System.String";
    case Kind::number: return "System.Double";
    case Kind::integer: return "System.Int32";
    case Kind::boolean: return "System.Boolean";
  }
  return "Object";
}

bool has_kind(const json& value, Kind kind) {
  switch (kind) {
    case Kind::object: return value.is_object();
    case Kind::array: return value.is_array();
    case Kind::string: return value.is_string();
    case Kind::number: return value.is_number();
    case Kind::integer: return value.is_number_integer();
    case Kind::boolean: return value.is_boolean();
  }
  return false;
}

// Null counts as absent, as Json.NET treats it for optional members.
bool present(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && !it->is_null();
}

std::optional<ArmError> require(const json& object, const char* key, Kind kind, const std::string& path) {
  if (!present(object, key)) return missing(key, path);
  const json& value = object.at(key);
  if (!has_kind(value, kind)) return wrong_type(value, type_name(kind), join_path(path, key));
  return std::nullopt;
}

std::optional<ArmError> optional_kind(const json& object, const char* key, Kind kind, const std::string& path) {
  if (!present(object, key)) return std::nullopt;
  const json& value = object.at(key);
  if (!has_kind(value, kind)) return wrong_type(value, type_name(kind), join_path(path, key));
  return std::nullopt;
}

// Replaces object[key] with the canonical spelling of an enum value (ACI
// accepts any case) or reports the conversion error.
std::optional<ArmError> canonical_enum(json& object, const char* key, const std::vector<std::string>& allowed,
                                       const std::string& type, const std::string& path) {
  const json& value = object.at(key);
  if (value.is_string()) {
    for (const auto& candidate : allowed) {
      if (iequals(candidate, value.get<std::string>())) {
        object[key] = candidate;
        return std::nullopt;
      }
    }
  }
  return wrong_type(value, type, join_path(path, key));
}

void erase_null_members(json& object) {
  for (auto it = object.begin(); it != object.end();) {
    if (it->is_null()) {
      it = object.erase(it);
    } else {
      ++it;
    }
  }
}

// DNS-label names as ACI enforces them for containers.
bool valid_container_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return name.front() != '-' && name.back() != '-';
}

std::optional<ArmError> normalize_environment(json& properties, const std::string& path) {
  if (!present(properties, "environmentVariables")) {
    properties["environmentVariables"] = json::array();
    return std::nullopt;
  }
  if (auto e = optional_kind(properties, "environmentVariables", Kind::array, path)) return e;
  std::string list_path = join_path(path, "environmentVariables");
  json& variables = properties["environmentVariables"];
  for (std::size_t i = 0; i < variables.size(); ++i) {
    json& variable = variables[i];
    std::string item_path = index_path(list_path, i);
    if (!variable.is_object()) return wrong_type(variable, "EnvironmentVariable", item_path);
    if (auto e = require(variable, "name", Kind::string, item_path)) return e;
    if (auto e = optional_kind(variable, "value", Kind::string, item_path)) return e;
    if (auto e = optional_kind(variable, "secureValue", Kind::string, item_path)) return e;
    // A secure variable comes back with its name only: neither value nor secureValue.
    if (present(variable, "secureValue")) {
      variable = json{{"name", variable.at("name")}};
    } else {
      erase_null_members(variable);
      variable.erase("secureValue");
    }
  }
  return std::nullopt;
}

std::optional<ArmError> normalize_resources(json& properties, const std::string& path) {
  if (auto e = require(properties, "resources", Kind::object, path)) return e;
  std::string resources_path = join_path(path, "resources");
  json& resources = properties["resources"];
  if (auto e = require(resources, "requests", Kind::object, resources_path)) return e;
  for (const char* part : {"requests", "limits"}) {
    if (!present(resources, part)) {
      resources.erase(part);
      continue;
    }
    if (auto e = optional_kind(resources, part, Kind::object, resources_path)) return e;
    std::string part_path = join_path(resources_path, part);
    json& block = resources[part];
    bool required = std::string(part) == "requests";
    for (const char* quantity : {"cpu", "memoryInGB"}) {
      if (required) {
        if (auto e = require(block, quantity, Kind::number, part_path)) return e;
      } else if (auto e = optional_kind(block, quantity, Kind::number, part_path)) {
        return e;
      }
      if (present(block, quantity) && !(block.at(quantity).get<double>() > 0)) {
        return invalid_content("The value of '" + join_path(part_path, quantity) + "' must be greater than 0");
      }
    }
    if (auto e = optional_kind(block, "gpu", Kind::object, part_path)) return e;
    erase_null_members(block);
  }
  return std::nullopt;
}

std::optional<ArmError> normalize_container_ports(json& properties, const std::string& path) {
  if (!present(properties, "ports")) {
    properties["ports"] = json::array();
    return std::nullopt;
  }
  if (auto e = optional_kind(properties, "ports", Kind::array, path)) return e;
  std::string list_path = join_path(path, "ports");
  json& ports = properties["ports"];
  for (std::size_t i = 0; i < ports.size(); ++i) {
    json& port = ports[i];
    std::string item_path = index_path(list_path, i);
    if (!port.is_object()) return wrong_type(port, "ContainerPort", item_path);
    if (auto e = require(port, "port", Kind::integer, item_path)) return e;
    auto number = port.at("port").get<std::int64_t>();
    if (number < 1 || number > 65535) {
      return invalid_content("The port " + std::to_string(number) + " is out of range 1-65535. Path '" +
                             join_path(item_path, "port") + "'");
    }
    // Container ports come back as sent: protocol only when the client gave one.
    if (present(port, "protocol")) {
      if (auto e = canonical_enum(port, "protocol", {"TCP", "UDP"}, "ContainerNetworkProtocol", item_path)) return e;
    } else {
      port.erase("protocol");
    }
  }
  return std::nullopt;
}

std::optional<ArmError> normalize_container(json& container, const std::string& group_name, const std::string& path,
                                            bool init_container) {
  if (!container.is_object()) return wrong_type(container, "Container", path);
  if (auto e = require(container, "name", Kind::string, path)) return e;
  const std::string name = container.at("name").get<std::string>();
  if (!valid_container_name(name)) {
    return ArmError{400, "InvalidContainerName",
                    "The container name '" + name + "' in container group '" + group_name +
                        "' is invalid. The container name must contain no more than 63 characters and must match "
                        "the regex '[a-z0-9]([-a-z0-9]*[a-z0-9])?' (e.g. 'my-name')."};
  }
  if (auto e = require(container, "properties", Kind::object, path)) return e;
  std::string properties_path = join_path(path, "properties");
  json& properties = container["properties"];
  properties.erase("instanceView");
  if (auto e = require(properties, "image", Kind::string, properties_path)) return e;
  if (properties.at("image").get<std::string>().empty()) {
    return invalid_content("The image of container '" + name + "' must not be empty. Path '" +
                           join_path(properties_path, "image") + "'");
  }
  if (!present(properties, "command")) {
    properties["command"] = json::array();
  } else {
    if (auto e = optional_kind(properties, "command", Kind::array, properties_path)) return e;
    for (const auto& word : properties.at("command")) {
      if (!word.is_string()) return wrong_type(word, type_name(Kind::string), join_path(properties_path, "command"));
    }
  }
  if (auto e = normalize_environment(properties, properties_path)) return e;
  if (!init_container) {
    if (auto e = normalize_resources(properties, properties_path)) return e;
    if (auto e = normalize_container_ports(properties, properties_path)) return e;
  }
  if (auto e = optional_kind(properties, "volumeMounts", Kind::array, properties_path)) return e;
  erase_null_members(properties);
  return std::nullopt;
}

std::optional<ArmError> normalize_containers(json& properties, const std::string& group_name, const char* key,
                                             bool required) {
  if (required) {
    if (auto e = require(properties, key, Kind::array, "properties")) return e;
  } else if (!present(properties, key)) {
    properties.erase(key);
    return std::nullopt;
  } else if (auto e = optional_kind(properties, key, Kind::array, "properties")) {
    return e;
  }
  json& containers = properties[key];
  if (required && containers.empty()) {
    return invalid_content("The container group '" + group_name + "' must contain at least one container. Path '" +
                           join_path("properties", key) + "'");
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < containers.size(); ++i) {
    std::string path = index_path(join_path("properties", key), i);
    if (auto e = normalize_container(containers[i], group_name, path, !required)) return e;
    if (!names.insert(containers[i].at("name").get<std::string>()).second) {
      return invalid_content("The container name '" + containers[i].at("name").get<std::string>() +
                             "' is used more than once in container group '" + group_name + "'. Path '" + path +
                             "'");
    }
  }
  return std::nullopt;
}

std::optional<ArmError> normalize_credentials(json& properties, std::vector<RegistryCredential>& credentials) {
  if (!present(properties, "imageRegistryCredentials")) {
    properties.erase("imageRegistryCredentials");
    return std::nullopt;
  }
  if (auto e = optional_kind(properties, "imageRegistryCredentials", Kind::array, "properties")) return e;
  json& list = properties["imageRegistryCredentials"];
  for (std::size_t i = 0; i < list.size(); ++i) {
    json& item = list[i];
    std::string path = index_path("properties.imageRegistryCredentials", i);
    if (!item.is_object()) return wrong_type(item, "ImageRegistryCredential", path);
    if (auto e = require(item, "server", Kind::string, path)) return e;
    for (const char* key : {"username", "password", "identity", "identityUrl"}) {
      if (auto e = optional_kind(item, key, Kind::string, path)) return e;
    }
    RegistryCredential credential;
    credential.server = item.at("server").get<std::string>();
    if (present(item, "username")) credential.username = item.at("username").get<std::string>();
    if (present(item, "password")) credential.password = item.at("password").get<std::string>();
    if (present(item, "identity")) credential.identity = item.at("identity").get<std::string>();
    credentials.push_back(std::move(credential));
    item.erase("password");
    erase_null_members(item);
  }
  return std::nullopt;
}

std::optional<ArmError> normalize_ip_address(json& properties) {
  if (!present(properties, "ipAddress")) {
    properties.erase("ipAddress");
    return std::nullopt;
  }
  const std::string path = "properties.ipAddress";
  if (auto e = optional_kind(properties, "ipAddress", Kind::object, "properties")) return e;
  json& ip = properties["ipAddress"];
  ip.erase("ip");
  ip.erase("fqdn");
  if (auto e = require(ip, "type", Kind::string, path)) return e;
  if (auto e = canonical_enum(ip, "type", {"Public", "Private"}, "ContainerGroupIpAddressType", path)) return e;
  if (auto e = require(ip, "ports", Kind::array, path)) return e;
  json& ports = ip["ports"];
  for (std::size_t i = 0; i < ports.size(); ++i) {
    json& port = ports[i];
    std::string item_path = index_path(join_path(path, "ports"), i);
    if (!port.is_object()) return wrong_type(port, "Port", item_path);
    if (auto e = require(port, "port", Kind::integer, item_path)) return e;
    auto number = port.at("port").get<std::int64_t>();
    if (number < 1 || number > 65535) {
      return invalid_content("The port " + std::to_string(number) + " is out of range 1-65535. Path '" +
                             join_path(item_path, "port") + "'");
    }
    // Group ports always come back with a protocol.
    if (!present(port, "protocol")) port["protocol"] = "TCP";
    if (auto e = canonical_enum(port, "protocol", {"TCP", "UDP"}, "ContainerGroupNetworkProtocol", item_path)) {
      return e;
    }
  }
  if (auto e = optional_kind(ip, "dnsNameLabel", Kind::string, path)) return e;
  if (present(ip, "dnsNameLabel")) {
    if (!present(ip, "autoGeneratedDomainNameLabelScope")) ip["autoGeneratedDomainNameLabelScope"] = "Unsecure";
    if (auto e = canonical_enum(ip, "autoGeneratedDomainNameLabelScope",
                                {"Unsecure", "TenantReuse", "SubscriptionReuse", "ResourceGroupReuse", "Noreuse"},
                                "DnsNameLabelReusePolicy", path)) {
      return e;
    }
  }
  erase_null_members(ip);
  return std::nullopt;
}

// Secrets ARM never returns outside containers and credentials.
void strip_other_secrets(json& properties) {
  if (present(properties, "volumes") && properties.at("volumes").is_array()) {
    for (json& volume : properties["volumes"]) {
      if (!volume.is_object()) continue;
      if (present(volume, "azureFile") && volume.at("azureFile").is_object()) {
        volume["azureFile"].erase("storageAccountKey");
      }
      if (volume.contains("secret")) volume["secret"] = json::object();
      if (present(volume, "secretReference")) volume["secretReference"] = json::object();
    }
  }
  if (present(properties, "diagnostics") && properties.at("diagnostics").is_object()) {
    json& diagnostics = properties["diagnostics"];
    if (present(diagnostics, "logAnalytics") && diagnostics.at("logAnalytics").is_object()) {
      diagnostics["logAnalytics"].erase("workspaceKey");
    }
  }
  if (present(properties, "extensions") && properties.at("extensions").is_array()) {
    for (json& extension : properties["extensions"]) {
      if (extension.is_object() && present(extension, "properties") && extension.at("properties").is_object()) {
        extension["properties"].erase("protectedSettings");
      }
    }
  }
}

bool os_type_optional(const std::string& api_version) { return api_version >= "2025-09-01"; }

double number_or_zero(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

json member_or(const json& object, const char* key, const json& fallback) {
  auto it = object.find(key);
  return it != object.end() && !it->is_null() ? *it : fallback;
}

std::set<std::pair<std::int64_t, std::string>> port_set(const json& container_properties) {
  std::set<std::pair<std::int64_t, std::string>> ports;
  for (const auto& port : member_or(container_properties, "ports", json::array())) {
    ports.emplace(port.value("port", std::int64_t{0}), port.value("protocol", std::string("TCP")));
  }
  return ports;
}

bool same_quantities(const json& a, const json& b) {
  for (const char* quantity : {"cpu", "memoryInGB"}) {
    if (std::fabs(number_or_zero(a, quantity) - number_or_zero(b, quantity)) > 1e-9) return false;
  }
  return member_or(a, "gpu", json()) == member_or(b, "gpu", json());
}

std::vector<std::string> sorted_strings(const json& list, bool fold_case) {
  std::vector<std::string> out;
  if (list.is_array()) {
    for (const auto& item : list) {
      std::string text;
      if (item.is_string()) {
        text = item.get<std::string>();
      } else if (item.is_object() && item.contains("id") && item.at("id").is_string()) {
        text = item.at("id").get<std::string>();
      }
      out.push_back(fold_case ? lower(text) : text);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string normalize_location(const std::string& location) {
  std::string out;
  for (char c : location) {
    if (c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string registry_of(const std::string& image) {
  auto slash = image.find('/');
  if (slash == std::string::npos) return "docker.io";
  std::string first = image.substr(0, slash);
  if (first.find('.') == std::string::npos && first.find(':') == std::string::npos && first != "localhost") {
    return "docker.io";
  }
  return lower(first);
}

const std::string& ContainerGroupSpec::location() const { return resource.at("location").get_ref<const std::string&>(); }

std::vector<ContainerImage> ContainerGroupSpec::images() const {
  std::vector<ContainerImage> out;
  for (const char* key : {"initContainers", "containers"}) {
    auto it = properties().find(key);
    if (it == properties().end()) continue;
    for (const auto& container : *it) {
      out.push_back({container.at("name").get<std::string>(),
                     container.at("properties").at("image").get<std::string>()});
    }
  }
  return out;
}

Expected<ContainerGroupSpec, ArmError> ContainerGroupSpec::parse(const json& body, const std::string& group_name,
                                                                 const std::string& api_version) {
  if (!body.is_object()) return unexpected(wrong_type(body, "ContainerGroup", ""));
  ContainerGroupSpec spec;
  json& resource = spec.resource = json::object();

  if (!present(body, "location") || !body.at("location").is_string() ||
      body.at("location").get<std::string>().empty()) {
    return unexpected(ArmError{400, "LocationRequired", "The location property is required for this definition."});
  }
  resource["location"] = normalize_location(body.at("location").get<std::string>());

  if (present(body, "tags")) {
    if (!body.at("tags").is_object()) return unexpected(wrong_type(body.at("tags"), "Dictionary`2", "tags"));
    for (const auto& [key, value] : body.at("tags").items()) {
      if (!value.is_string()) return unexpected(wrong_type(value, type_name(Kind::string), "tags." + key));
    }
    resource["tags"] = body.at("tags");
  }
  if (present(body, "zones")) {
    if (auto e = optional_kind(body, "zones", Kind::array, "")) return unexpected(*e);
    for (const auto& zone : body.at("zones")) {
      if (!zone.is_string()) return unexpected(wrong_type(zone, type_name(Kind::string), "zones"));
    }
    resource["zones"] = body.at("zones");
  }
  if (present(body, "identity")) {
    if (auto e = optional_kind(body, "identity", Kind::object, "")) return unexpected(*e);
    json identity = body.at("identity");
    if (auto e = require(identity, "type", Kind::string, "identity")) return unexpected(*e);
    if (auto e = canonical_enum(identity, "type",
                                {"SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None"},
                                "ResourceIdentityType", "identity")) {
      return unexpected(*e);
    }
    identity.erase("principalId");
    identity.erase("tenantId");
    if (auto e = optional_kind(identity, "userAssignedIdentities", Kind::object, "identity")) return unexpected(*e);
    if (present(identity, "userAssignedIdentities")) {
      for (auto& [key, value] : identity["userAssignedIdentities"].items()) {
        (void)key;
        value = json::object();
      }
    }
    erase_null_members(identity);
    resource["identity"] = std::move(identity);
  }

  if (auto e = require(body, "properties", Kind::object, "")) return unexpected(*e);
  json properties = body.at("properties");
  for (const char* read_only : {"provisioningState", "instanceView", "isCreatedFromStandbyPool"}) {
    properties.erase(read_only);
  }

  if (present(properties, "osType")) {
    if (auto e = canonical_enum(properties, "osType", {"Linux", "Windows"}, "OperatingSystemTypes", "properties")) {
      return unexpected(*e);
    }
  } else if (os_type_optional(api_version)) {
    properties["osType"] = "Linux";
  } else {
    return unexpected(missing("osType", "properties"));
  }
  if (auto e = normalize_containers(properties, group_name, "containers", true)) return unexpected(*e);
  if (auto e = normalize_containers(properties, group_name, "initContainers", false)) return unexpected(*e);
  if (auto e = normalize_credentials(properties, spec.credentials)) return unexpected(*e);

  if (!present(properties, "restartPolicy")) properties["restartPolicy"] = "Always";
  if (auto e = canonical_enum(properties, "restartPolicy", {"Always", "OnFailure", "Never"},
                              "ContainerGroupRestartPolicy", "properties")) {
    return unexpected(*e);
  }
  if (!present(properties, "sku")) properties["sku"] = "Standard";
  if (auto e = canonical_enum(properties, "sku", {"Standard", "Dedicated", "Confidential"}, "ContainerGroupSku",
                              "properties")) {
    return unexpected(*e);
  }
  if (present(properties, "priority")) {
    if (auto e = canonical_enum(properties, "priority", {"Regular", "Spot"}, "ContainerGroupPriority", "properties")) {
      return unexpected(*e);
    }
  }
  if (auto e = normalize_ip_address(properties)) return unexpected(*e);
  if (auto e = optional_kind(properties, "volumes", Kind::array, "properties")) return unexpected(*e);
  if (auto e = optional_kind(properties, "subnetIds", Kind::array, "properties")) return unexpected(*e);
  if (present(properties, "subnetIds")) {
    const json& subnets = properties.at("subnetIds");
    for (std::size_t i = 0; i < subnets.size(); ++i) {
      std::string path = index_path("properties.subnetIds", i);
      if (!subnets[i].is_object()) return unexpected(wrong_type(subnets[i], "ContainerGroupSubnetId", path));
      if (auto e = require(subnets[i], "id", Kind::string, path)) return unexpected(*e);
    }
  }
  strip_other_secrets(properties);
  erase_null_members(properties);
  resource["properties"] = std::move(properties);
  return spec;
}

std::optional<ArmError> ContainerGroupSpec::immutable_change_from(const ContainerGroupSpec& current,
                                                                  const std::string& group_name) const {
  const json& next = properties();
  const json& now = current.properties();
  bool changed = false;
  for (const char* key : {"osType", "restartPolicy", "sku"}) {
    changed = changed || member_or(next, key, "") != member_or(now, key, "");
  }
  changed = changed || sorted_strings(member_or(resource, "zones", json::array()), false) !=
                           sorted_strings(member_or(current.resource, "zones", json::array()), false);
  changed = changed || member_or(member_or(next, "ipAddress", json::object()), "type", "") !=
                           member_or(member_or(now, "ipAddress", json::object()), "type", "");
  changed = changed || sorted_strings(member_or(next, "subnetIds", json::array()), true) !=
                           sorted_strings(member_or(now, "subnetIds", json::array()), true);

  const json& next_containers = next.at("containers");
  const json& now_containers = now.at("containers");
  changed = changed || next_containers.size() != now_containers.size();
  for (const auto& container : next_containers) {
    if (changed) break;
    const std::string& name = container.at("name").get_ref<const std::string&>();
    auto match = std::find_if(now_containers.begin(), now_containers.end(),
                              [&](const json& c) { return c.at("name") == name; });
    if (match == now_containers.end()) {
      changed = true;
      break;
    }
    const json& a = container.at("properties");
    const json& b = match->at("properties");
    const json& ra = a.at("resources");
    const json& rb = b.at("resources");
    changed = !same_quantities(ra.at("requests"), rb.at("requests")) ||
              !same_quantities(member_or(ra, "limits", json::object()), member_or(rb, "limits", json::object())) ||
              port_set(a) != port_set(b);
  }
  if (!changed) return std::nullopt;
  return ArmError{409, "InvalidContainerGroupUpdate",
                  "The updates on container group '" + group_name +
                      "' are invalid. If you are going to update the os type, restart policy, network profile, CPU, "
                      "memory or GPU resources for a container group, you must delete it first and then create a "
                      "new one."};
}

nlohmann::json ContainerGroupSpec::to_state() const {
  json credentials_state = json::array();
  for (const auto& credential : credentials) {
    credentials_state.push_back(
        {{"server", credential.server}, {"username", credential.username}, {"identity", credential.identity}});
  }
  return json{{"resource", resource}, {"credentials", std::move(credentials_state)}};
}

ContainerGroupSpec ContainerGroupSpec::from_state(const nlohmann::json& state) {
  ContainerGroupSpec spec;
  spec.resource = state.at("resource");
  // Rendering reads these without checks, so a damaged state file fails here, at load.
  if (!spec.resource.at("location").is_string() || !spec.resource.at("properties").is_object() ||
      !spec.resource.at("properties").at("containers").is_array()) {
    throw std::invalid_argument("container group state without location or containers");
  }
  for (const char* key : {"containers", "initContainers"}) {
    const json& properties = spec.resource.at("properties");
    if (!properties.contains(key)) continue;
    for (const auto& container : properties.at(key)) {
      if (!container.at("name").is_string() || !container.at("properties").at("image").is_string()) {
        throw std::invalid_argument("container without name or image in container group state");
      }
      if (std::string(key) == "containers" && !container.at("properties").at("resources").at("requests").is_object()) {
        throw std::invalid_argument("container without resource requests in container group state");
      }
    }
  }
  for (const auto& item : state.at("credentials")) {
    RegistryCredential credential;
    credential.server = item.at("server").get<std::string>();
    credential.username = item.value("username", "");
    credential.identity = item.value("identity", "");
    spec.credentials.push_back(std::move(credential));
  }
  spec.passwords_retained = false;
  return spec;
}

}  // namespace aci::emulator::arm
