#include "daemon/azure/key_vault_wire.hpp"

namespace aci::azure {

using json = nlohmann::json;

namespace {

std::optional<core::WallTime> unix_time(const json& attributes, const char* key) {
  const auto found = attributes.find(key);
  if (found == attributes.end() || !found->is_number()) return std::nullopt;
  return core::WallTime(std::chrono::seconds(found->get<std::int64_t>()));
}

}  // namespace

Expected<SecretProperties, std::string> parse_secret_properties(const json& item) {
  if (!item.is_object()) return unexpected(std::string("secret is not a JSON object"));
  SecretProperties out;
  out.id = item.value("id", "");
  // ".../secrets/{name}/{version}": Key Vault's ids are the only place the version appears.
  const auto path_start = out.id.find("/secrets/");
  if (path_start == std::string::npos) return unexpected(std::string("secret id has no /secrets/ path"));
  std::string rest = out.id.substr(path_start + 9);
  rest = rest.substr(0, rest.find('?'));
  const auto slash = rest.find('/');
  out.name = rest.substr(0, slash);
  if (slash != std::string::npos) out.version = rest.substr(slash + 1);
  while (!out.version.empty() && out.version.back() == '/') out.version.pop_back();
  if (const auto type = item.find("contentType"); type != item.end() && type->is_string()) out.content_type = *type;
  if (const auto tags = item.find("tags"); tags != item.end() && tags->is_object()) {
    for (const auto& [key, value] : tags->items())
      if (value.is_string()) out.tags[key] = value.get<std::string>();
  }
  if (const auto attributes = item.find("attributes"); attributes != item.end() && attributes->is_object()) {
    out.attributes.enabled = attributes->value("enabled", true);
    out.attributes.not_before = unix_time(*attributes, "nbf");
    out.attributes.expires = unix_time(*attributes, "exp");
    out.attributes.created = unix_time(*attributes, "created");
    out.attributes.updated = unix_time(*attributes, "updated");
    out.attributes.recovery_level = attributes->value("recoveryLevel", "");
  }
  return out;
}

Expected<Secret, std::string> parse_secret_bundle(const std::string& body) {
  const auto parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return unexpected(std::string("secret bundle is not a JSON object"));
  auto properties = parse_secret_properties(parsed);
  if (!properties) return unexpected(std::move(properties.error()));
  const auto value = parsed.find("value");
  if (value == parsed.end() || !value->is_string()) return unexpected(std::string("secret bundle has no value"));
  return Secret{std::move(*properties), value->get<std::string>()};
}

Expected<SecretVersionPage, std::string> parse_secret_version_page(std::string_view body_text) {
  const auto body = json::parse(body_text, nullptr, false);
  if (!body.is_object()) return unexpected(std::string("versions page is not JSON"));
  SecretVersionPage page;
  if (const auto value = body.find("value"); value != body.end() && value->is_array()) {
    for (const auto& item : *value) {
      auto properties = parse_secret_properties(item);
      if (!properties) return unexpected(std::move(properties.error()));
      page.versions.push_back(std::move(*properties));
    }
  }
  if (const auto next = body.find("nextLink"); next != body.end() && next->is_string()) page.next_link = *next;
  return page;
}

}  // namespace aci::azure
