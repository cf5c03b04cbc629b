#include "daemon/model/container_group_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "daemon/core/utf8.hpp"
#include "daemon/model/azure_names.hpp"
#include "daemon/model/number_format.hpp"

namespace aci::model {

namespace {

constexpr std::string_view kReservedTagPrefix = "acioperator.io/";
constexpr std::string_view kReferenceExample = "{keyVault: <vault>, secret: <secret-name>}";

// Records the problem, if any, against `key`; returns whether the value was valid.
bool check(SpecFields& fields, std::string_view key, const names::Problem& problem) {
  if (!problem) return true;
  fields.error(key, *problem);
  return false;
}

bool is_multiple_of(double value, double step) {
  const double steps = value / step;
  return std::fabs(steps - std::round(steps)) < 1e-6;
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

std::string port_text(const Port& port) { return std::to_string(port.port) + "/" + std::string(to_string(port.protocol)); }

// A {keyVault, secret} reference. A scalar where a reference belongs is how a
// literal secret gets written by mistake, so it gets a message saying what to
// write instead, and never repeats the value.
std::optional<KeyVaultRef> read_reference(SpecFields& parent, std::string_view key, bool is_password) {
  if (!parent.has(key)) {
    parent.ignore(key);
    return std::nullopt;
  }
  YAML::Node raw = parent.node(key);
  if (raw.IsScalar()) {
    parent.error(key, is_password ? "literal passwords are not accepted; keep the password in Key Vault and "
                                    "refer to it: " + std::string(key) + ": " + std::string(kReferenceExample)
                                  : "must be a Key Vault reference " + std::string(kReferenceExample) +
                                        ", not a literal value");
    return std::nullopt;
  }
  if (!raw.IsMap()) {
    parent.error(key, "must be a Key Vault reference " + std::string(kReferenceExample));
    return std::nullopt;
  }
  auto& errors = parent.errors();
  const auto before = errors.size();
  SpecFields fields(raw, parent.field_path(key), parent.file(), errors);
  KeyVaultRef ref;
  if (fields.require("keyVault")) {
    fields.read("keyVault", ref.vault);
    check(fields, "keyVault", names::key_vault(ref.vault));
  }
  if (fields.require("secret")) {
    fields.read("secret", ref.secret);
    check(fields, "secret", names::key_vault_secret(ref.secret));
  }
  fields.finish();
  if (errors.size() != before) return std::nullopt;
  return ref;
}

// Reads a list of {port, protocol}; `on_port` sees each valid one with its
// mapping, so callers can check uniqueness where the port was written.
std::vector<Port> read_ports(SpecFields& parent, std::string_view key,
                             const std::function<bool(SpecFields&, const Port&)>& on_port) {
  std::vector<Port> ports;
  parent.for_each(key, [&](SpecFields& item, std::size_t) {
    const auto before = item.errors().size();
    Port port;
    std::int64_t number = 0;
    if (item.require("port")) item.read("port", number, 1, 65535);
    std::string protocol = "TCP";
    item.read_enum("protocol", protocol, {"TCP", "UDP"});
    if (item.errors().size() != before) return;
    port.port = static_cast<std::uint16_t>(number);
    port.protocol = protocol == "UDP" ? Protocol::UDP : Protocol::TCP;
    if (on_port(item, port)) ports.push_back(port);
  });
  return ports;
}

void read_azure(SpecFields& spec, const ObjectMeta& metadata, AzureTarget& azure) {
  if (!spec.require("azure")) return;
  auto fields = spec.map("azure");
  if (!fields.valid()) return;
  if (fields.require("subscriptionId")) {
    fields.read("subscriptionId", azure.subscription_id);
    check(fields, "subscriptionId", names::guid(azure.subscription_id));
  }
  if (fields.require("resourceGroup")) {
    fields.read("resourceGroup", azure.resource_group);
    check(fields, "resourceGroup", names::resource_group(azure.resource_group));
  }
  if (fields.require("location")) {
    std::string location;
    fields.read("location", location);
    if (check(fields, "location", names::location(location))) azure.location = names::normalize_location(location);
  }
  if (fields.has("name")) {
    fields.read("name", azure.name);
    check(fields, "name", names::container_group_name(azure.name));
  } else {
    fields.ignore("name");
    azure.name = metadata.name;
    if (!metadata.name.empty()) {
      if (auto problem = names::container_group_name(metadata.name)) {
        fields.error("name", "is not set, so metadata.name is used as the container group name, but it " +
                                 *problem + "; set spec.azure.name");
      }
    }
  }
  fields.finish();
}

void read_resources(SpecFields& item, Container& container) {
  auto resources = item.map("resources");
  if (!resources.valid()) return;
  double cpu = container.cpu;
  if (resources.read_number("cpu", cpu)) {
    if (!(cpu > 0 && cpu <= kMaxCpuPerGroup)) {
      resources.error("cpu", "must be greater than 0 and at most " + format_number(kMaxCpuPerGroup) + ", got " +
                                 format_number(cpu));
    } else if (!is_multiple_of(cpu, 0.01)) {
      resources.error("cpu", "must be a multiple of 0.01, got " + format_number(cpu));
    } else {
      container.cpu = cpu;
    }
  }
  double memory = container.memory_gb;
  if (resources.read_number("memoryInGB", memory)) {
    if (!(memory > 0 && memory <= kMaxMemoryGbPerGroup)) {
      resources.error("memoryInGB", "must be greater than 0 and at most " + format_number(kMaxMemoryGbPerGroup) +
                                        ", got " + format_number(memory));
    } else if (!is_multiple_of(memory, 0.1)) {
      resources.error("memoryInGB", "must be a multiple of 0.1, got " + format_number(memory));
    } else {
      container.memory_gb = std::round(memory * 10) / 10;
    }
  }
  resources.finish();
}

void read_env(SpecFields& item, Container& container) {
  std::map<std::string, std::string> seen;  // name -> path of its first definition
  item.for_each("env", [&](SpecFields& entry, std::size_t) {
    const auto before = entry.errors().size();
    EnvVar env;
    if (entry.require("name")) {
      entry.read("name", env.name);
      if (check(entry, "name", names::env_name(env.name))) {
        if (auto it = seen.find(env.name); it != seen.end()) {
          entry.error("name", "duplicate environment variable '" + env.name + "' (also " + it->second + ")");
        } else {
          seen.emplace(env.name, entry.path());
        }
      }
    }
    const bool has_value = entry.has("value");
    const bool has_secret = entry.has("secretRef");
    if (has_value) {
      std::string value;
      entry.read("value", value);
      env.value = value;
    } else {
      entry.ignore("value");
    }
    env.secret_ref = read_reference(entry, "secretRef", false);
    if (has_value && has_secret) {
      entry.error_here("sets both value and secretRef; set exactly one");
    } else if (!has_value && !has_secret) {
      entry.error_here("needs either value or secretRef " + std::string(kReferenceExample));
    }
    if (entry.errors().size() == before) container.env.push_back(std::move(env));
  });
}

void read_containers(SpecFields& spec, ContainerGroup& group, std::map<Port, std::string>& exposed) {
  if (!spec.require("containers")) return;
  std::map<std::string, std::string> names_seen;  // name -> path
  spec.for_each("containers", [&](SpecFields& item, std::size_t) {
    const auto before = item.errors().size();
    Container container;
    if (item.require("name")) {
      item.read("name", container.name);
      if (check(item, "name", names::container_name(container.name))) {
        if (auto it = names_seen.find(container.name); it != names_seen.end()) {
          item.error("name", "duplicate container name '" + container.name + "' (also " + it->second + ")");
        } else {
          names_seen.emplace(container.name, item.path());
        }
      }
    }
    if (item.require("image")) {
      item.read("image", container.image);
      check(item, "image", names::image(container.image));
    }
    item.read("command", container.command);
    read_resources(item, container);
    const auto label = item.path() + (container.name.empty() ? "" : " (" + container.name + ")");
    container.ports = read_ports(item, "ports", [&](SpecFields& port_fields, const Port& port) {
      if (auto it = exposed.find(port); it != exposed.end()) {
        port_fields.error("port", "port " + port_text(port) + " is already exposed by " + it->second +
                                      "; the containers of a group share one network namespace");
        return false;
      }
      exposed.emplace(port, label);
      return true;
    });
    read_env(item, container);
    if (item.errors().size() == before) group.containers.push_back(std::move(container));
  });
  if (const auto listed = spec.node("containers"); listed.IsSequence()) {
    const std::size_t count = listed.size();
    if (count == 0) {
      spec.error("containers", "must list at least one container");
    } else if (count > kMaxContainersPerGroup) {
      spec.error("containers", "has " + std::to_string(count) + " containers; a container group may have at most " +
                                   std::to_string(kMaxContainersPerGroup));
    } else if (group.os_type == OsType::Windows && count > 1) {
      spec.error("containers", "has " + std::to_string(count) +
                                   " containers; a Windows container group holds exactly one");
    }
  }
  double cpu = 0;
  double memory = 0;
  for (const auto& container : group.containers) {
    cpu += container.cpu;
    memory += container.memory_gb;
  }
  if (cpu > kMaxCpuPerGroup + 1e-9) {
    spec.error("containers", "the containers request " + format_number(std::round(cpu * 100) / 100) +
                                 " CPUs in total; a container group may have at most " +
                                 format_number(kMaxCpuPerGroup));
  }
  if (memory > kMaxMemoryGbPerGroup + 1e-9) {
    spec.error("containers", "the containers request " + format_number(std::round(memory * 10) / 10) +
                                 " GB of memory in total; a container group may have at most " +
                                 format_number(kMaxMemoryGbPerGroup));
  }
}

void read_ip_address(SpecFields& spec, ContainerGroup& group, const std::map<Port, std::string>& exposed) {
  if (!spec.has("ipAddress")) {
    spec.ignore("ipAddress");
    return;
  }
  auto fields = spec.map("ipAddress");
  if (!fields.valid()) return;
  const auto before = fields.errors().size();
  IpAddress ip;
  std::string type = "Public";
  fields.read_enum("type", type, {"Public", "Private"});
  if (type == "Private") {
    fields.error("type", "Private needs a virtual network (subnetIds), which aci-operator does not manage; use Public");
  }
  std::set<Port> seen;
  if (fields.require("ports")) {
    ip.ports = read_ports(fields, "ports", [&](SpecFields& port_fields, const Port& port) {
      if (!seen.insert(port).second) {
        port_fields.error("port", "duplicate port " + port_text(port));
        return false;
      }
      if (!exposed.contains(port)) {
        port_fields.error("port", "port " + port_text(port) + " is not exposed by any container");
        return false;
      }
      return true;
    });
    const auto listed = fields.node("ports");
    if (listed.IsSequence() && listed.size() == 0) {
      fields.error("ports", "must list at least one port");
    } else if (listed.IsSequence() && listed.size() > kMaxPortsPerIpAddress) {
      fields.error("ports", "has " + std::to_string(listed.size()) + " ports; ACI allows at most " +
                                std::to_string(kMaxPortsPerIpAddress) + " per IP address");
    }
  }
  if (fields.has("dnsNameLabel")) {
    fields.read("dnsNameLabel", ip.dns_name_label);
    check(fields, "dnsNameLabel", names::dns_name_label(ip.dns_name_label));
  } else {
    fields.ignore("dnsNameLabel");
  }
  fields.finish();
  if (fields.errors().size() == before) group.ip_address = std::move(ip);
}

void read_registry_credentials(SpecFields& spec, ContainerGroup& group) {
  std::map<std::string, std::string> servers;  // lower-case server -> path
  spec.for_each("imageRegistryCredentials", [&](SpecFields& item, std::size_t) {
    const auto before = item.errors().size();
    RegistryCredential credential;
    if (item.require("server")) {
      item.read("server", credential.server);
      if (check(item, "server", names::registry_server(credential.server))) {
        const auto key = lower(credential.server);
        if (auto it = servers.find(key); it != servers.end()) {
          item.error("server", "duplicate server '" + credential.server + "' (also " + it->second + ")");
        } else {
          servers.emplace(key, item.path());
        }
      }
    }
    const bool has_username = item.has("username");
    const bool has_password = item.has("password");
    const bool has_identity = item.has("identity");
    credential.username = read_reference(item, "username", false);
    credential.password = read_reference(item, "password", true);
    if (has_identity) {
      std::string identity;
      item.read("identity", identity);
      if (check(item, "identity", names::user_assigned_identity(identity))) credential.identity = identity;
    } else {
      item.ignore("identity");
    }
    if (has_identity && (has_username || has_password)) {
      item.error_here("sets both identity and username/password; use one form: identity, or username and password");
    } else if (!has_identity && !has_username && !has_password) {
      item.error_here("needs username and password (Key Vault references " + std::string(kReferenceExample) +
                      ") or identity (a user-assigned managed identity's resource ID)");
    } else if (has_username && !has_password) {
      item.error("password", "is required with username: password: " + std::string(kReferenceExample));
    } else if (has_password && !has_username) {
      item.error("username", "is required with password: username: " + std::string(kReferenceExample));
    }
    if (item.errors().size() == before) group.registry_credentials.push_back(std::move(credential));
  });
}

void read_tags(SpecFields& spec, ContainerGroup& group) {
  if (!spec.has("tags")) {
    spec.ignore("tags");
    return;
  }
  YAML::Node raw = spec.node("tags");
  SpecFields fields(raw, spec.field_path("tags"), spec.file(), spec.errors());
  if (!fields.valid()) return;
  std::size_t count = 0;
  for (const auto& entry : raw) {
    // finish() reports keys that are not text, or not valid UTF-8.
    if (!entry.first.IsScalar() || !core::is_valid_utf8(entry.first.Scalar())) continue;
    const auto name = entry.first.Scalar();
    ++count;
    std::string value;
    const auto before = fields.errors().size();
    fields.read(name, value);
    if (fields.errors().size() != before) continue;
    if (lower(name).starts_with(kReservedTagPrefix)) {
      fields.error(name, "tags starting with " + std::string(kReservedTagPrefix) + " are reserved for aci-operator");
      continue;
    }
    if (!check(fields, name, names::tag_name(name)) || !check(fields, name, names::tag_value(value))) continue;
    group.tags[name] = value;
  }
  if (count > kMaxUserTags) {
    spec.error("tags", "has " + std::to_string(count) + " tags; at most " + std::to_string(kMaxUserTags) +
                           " are allowed (ARM's 50 less the two aci-operator adds)");
  }
  fields.finish();
}

void read_policy(SpecFields& spec, GroupPolicy& policy) {
  auto fields = spec.map("policy");
  if (!fields.valid()) return;
  std::string deletion(to_string(policy.deletion));
  fields.read_enum("deletion", deletion, {"Delete", "Orphan"});
  policy.deletion = deletion == "Orphan" ? DeletionPolicy::Orphan : DeletionPolicy::Delete;
  std::string mode(to_string(policy.mode));
  fields.read_enum("mode", mode, {"Manage", "DetectOnly"});
  policy.mode = mode == "DetectOnly" ? PolicyMode::DetectOnly : PolicyMode::Manage;
  fields.read("adopt", policy.adopt);
  fields.read("recreateOnImmutableChange", policy.recreate_on_immutable_change);
  fields.finish();
}

}  // namespace

ContainerGroup read_container_group(SpecFields& spec, const ObjectMeta& metadata) {
  ContainerGroup group;
  group.metadata = metadata;
  read_azure(spec, metadata, group.azure);
  std::string os_type = "Linux";
  spec.read_enum("osType", os_type, {"Linux", "Windows"});
  group.os_type = os_type == "Windows" ? OsType::Windows : OsType::Linux;
  std::string restart_policy = "Always";
  spec.read_enum("restartPolicy", restart_policy, {"Always", "OnFailure", "Never"});
  group.restart_policy = restart_policy == "OnFailure" ? RestartPolicy::OnFailure
                         : restart_policy == "Never"   ? RestartPolicy::Never
                                                       : RestartPolicy::Always;
  std::map<Port, std::string> exposed;
  read_containers(spec, group, exposed);
  read_ip_address(spec, group, exposed);
  read_registry_credentials(spec, group);
  read_tags(spec, group);
  read_policy(spec, group.policy);
  spec.finish();
  return group;
}

}  // namespace aci::model
