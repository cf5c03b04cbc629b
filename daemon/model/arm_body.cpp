#include "daemon/model/arm_body.hpp"

#include "daemon/model/ownership.hpp"
#include "daemon/model/spec_hash.hpp"

namespace aci::model {

namespace {

nlohmann::json ports_json(const std::vector<Port>& ports) {
  auto list = nlohmann::json::array();
  for (const auto& port : ports) list.push_back({{"port", port.port}, {"protocol", to_string(port.protocol)}});
  return list;
}

}  // namespace

nlohmann::json arm_body_shape(const ContainerGroup& group,
                              const std::function<nlohmann::json(const KeyVaultRef&)>& secret) {
  auto containers = nlohmann::json::array();
  for (const auto& container : group.containers) {
    nlohmann::json properties = {
        {"image", container.image},
        {"resources", {{"requests", {{"cpu", container.cpu}, {"memoryInGB", container.memory_gb}}}}}};
    if (!container.command.empty()) properties["command"] = container.command;
    if (!container.ports.empty()) properties["ports"] = ports_json(container.ports);
    if (!container.env.empty()) {
      auto env = nlohmann::json::array();
      for (const auto& variable : container.env) {
        if (variable.secret_ref) {
          env.push_back({{"name", variable.name}, {"secureValue", secret(*variable.secret_ref)}});
        } else {
          env.push_back({{"name", variable.name}, {"value", variable.value.value_or("")}});
        }
      }
      properties["environmentVariables"] = std::move(env);
    }
    containers.push_back({{"name", container.name}, {"properties", std::move(properties)}});
  }

  nlohmann::json properties = {{"osType", to_string(group.os_type)},
                               {"restartPolicy", to_string(group.restart_policy)},
                               {"sku", "Standard"},
                               {"containers", std::move(containers)}};
  if (!group.registry_credentials.empty()) {
    auto credentials = nlohmann::json::array();
    for (const auto& credential : group.registry_credentials) {
      nlohmann::json item = {{"server", credential.server}};
      if (credential.identity) {
        item["identity"] = *credential.identity;
      } else {
        if (credential.username) item["username"] = secret(*credential.username);
        if (credential.password) item["password"] = secret(*credential.password);
      }
      credentials.push_back(std::move(item));
    }
    properties["imageRegistryCredentials"] = std::move(credentials);
  }
  if (group.ip_address) {
    nlohmann::json ip = {{"type", to_string(group.ip_address->type)},
                         {"ports", ports_json(group.ip_address->ports)}};
    if (!group.ip_address->dns_name_label.empty()) ip["dnsNameLabel"] = group.ip_address->dns_name_label;
    properties["ipAddress"] = std::move(ip);
  }

  nlohmann::json body = {{"location", group.azure.location}, {"properties", std::move(properties)}};
  if (const auto identities = group.pull_identities(); !identities.empty()) {
    nlohmann::json assigned = nlohmann::json::object();
    for (const auto& id : identities) assigned[id] = nlohmann::json::object();
    body["identity"] = {{"type", "UserAssigned"}, {"userAssignedIdentities", std::move(assigned)}};
  }
  return body;
}

std::vector<std::string> missing_secrets(const ContainerGroup& group, const ResolvedSecrets& secrets) {
  std::vector<std::string> missing;
  for (const auto& ref : group.secret_refs()) {
    if (!secrets.contains(ref)) missing.push_back(ref.to_string());
  }
  return missing;
}

Expected<nlohmann::json, std::string> build_arm_body(const ContainerGroup& group, const ResolvedSecrets& secrets,
                                                     const std::string& owner) {
  auto hash = spec_hash(group, secrets);
  if (!hash) return unexpected(std::move(hash.error()));
  auto body = arm_body_shape(group, [&](const KeyVaultRef& ref) { return nlohmann::json(secrets.at(ref).value); });
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [name, value] : group.tags) tags[name] = value;
  tags[std::string(kOwnerTag)] = owner_claim(owner, group.metadata);
  tags[std::string(kSpecHashTag)] = *hash;
  tags[std::string(kDeletionPolicyTag)] = std::string(to_string(group.policy.deletion));
  for (const auto& ref : group.secret_refs()) tags[secret_version_tag(ref)] = secrets.at(ref).version;
  body["tags"] = std::move(tags);
  return body;
}

std::string secret_version_tag(const KeyVaultRef& ref) {
  return std::string(kOurTagPrefix) + "secret-version." + ref.vault + "." + ref.secret;
}

std::string deployed_secret_version(const nlohmann::json& group, const KeyVaultRef& ref) {
  const auto tags = group.find("tags");
  if (tags == group.end() || !tags->is_object()) return "";
  const auto tag = tags->find(secret_version_tag(ref));
  return tag != tags->end() && tag->is_string() ? tag->get<std::string>() : "";
}

}  // namespace aci::model
