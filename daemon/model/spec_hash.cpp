#include "daemon/model/spec_hash.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "daemon/core/utf8.hpp"
#include "daemon/model/arm_body.hpp"

namespace aci::model {

namespace {

// Bumped whenever the canonical form changes, so the change is deliberate (it
// makes every group look drifted once).
constexpr std::string_view kCanonicalPrefix = "aci-operator spec-hash v1\n";

void sort_by(nlohmann::json& list, const std::function<std::string(const nlohmann::json&)>& key) {
  if (!list.is_array()) return;
  std::stable_sort(list.begin(), list.end(),
                   [&](const nlohmann::json& a, const nlohmann::json& b) { return key(a) < key(b); });
}

std::string field(const nlohmann::json& item, const char* name) {
  const auto it = item.find(name);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string port_key(const nlohmann::json& port) {
  // Zero-padded so 80 sorts before 443.
  std::string number = std::to_string(port.value("port", 0));
  return std::string(5 - std::min<std::size_t>(5, number.size()), '0') + number + "/" + field(port, "protocol");
}

// Orders every list whose items are keyed by name, port or server, so
// reordering a spec never looks like a change.
void canonicalize(nlohmann::json& body) {
  auto& properties = body["properties"];
  for (auto& container : properties["containers"]) {
    auto& inner = container["properties"];
    if (inner.contains("environmentVariables")) {
      sort_by(inner["environmentVariables"], [](const auto& item) { return field(item, "name"); });
    }
    if (inner.contains("ports")) sort_by(inner["ports"], port_key);
  }
  sort_by(properties["containers"], [](const auto& item) { return field(item, "name"); });
  if (properties.contains("imageRegistryCredentials")) {
    sort_by(properties["imageRegistryCredentials"], [](const auto& item) { return field(item, "server"); });
  }
  if (properties.contains("ipAddress")) sort_by(properties["ipAddress"]["ports"], port_key);
}

std::string missing_message(const std::vector<std::string>& missing) {
  std::string text = "unresolved Key Vault secret";
  text += missing.size() > 1 ? "s: " : ": ";
  for (std::size_t i = 0; i < missing.size(); ++i) text += (i > 0 ? ", " : "") + missing[i];
  return text;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    text.push_back(kHex[digest[i] >> 4]);
    text.push_back(kHex[digest[i] & 0x0f]);
  }
  return text;
}

Expected<std::string, std::string> canonical_spec(const ContainerGroup& group, const ResolvedSecrets& secrets) {
  if (auto missing = missing_secrets(group, secrets); !missing.empty()) return unexpected(missing_message(missing));
  auto shape = arm_body_shape(group, [&](const KeyVaultRef& ref) {
    return nlohmann::json{{"keyVault", ref.vault}, {"secret", ref.secret}, {"version", secrets.at(ref).version}};
  });
  canonicalize(shape);
  // nlohmann::json objects are ordered maps, so dump() is independent of key order.
  return std::string(kCanonicalPrefix) + core::dump_json(shape);
}

Expected<std::string, std::string> spec_hash(const ContainerGroup& group, const ResolvedSecrets& secrets) {
  auto text = canonical_spec(group, secrets);
  if (!text) return unexpected(std::move(text.error()));
  return sha256_hex(*text);
}

std::map<std::string, std::string> secret_versions(const ContainerGroup& group, const ResolvedSecrets& secrets) {
  std::map<std::string, std::string> versions;
  for (const auto& ref : group.secret_refs()) {
    if (auto it = secrets.find(ref); it != secrets.end()) versions[ref.to_string()] = it->second.version;
  }
  return versions;
}

}  // namespace aci::model
