#include "daemon/azure/key_vault_wire.hpp"

#include <cmath>
#include <limits>

#include "daemon/azure/json_field.hpp"
#include "daemon/core/iso8601.hpp"

namespace aci::azure {

using json = nlohmann::json;

namespace {

// Key Vault's times are Unix seconds; anything but a number reads as absent. A number
// that is no instant a WallTime holds (1e300, say) is a malformed answer, not a date
// wrapped around.
Expected<std::optional<core::WallTime>, std::string> unix_time(const json& attributes, const char* key) {
  const auto found = attributes.find(key);
  if (found == attributes.end() || !found->is_number()) return std::optional<core::WallTime>();
  std::optional<core::WallTime> time;
  if (found->is_number_integer() && !found->is_number_unsigned()) {
    time = core::from_unix_seconds(found->get<std::int64_t>());
  } else if (found->is_number_unsigned()) {
    const auto value = found->get<std::uint64_t>();
    if (value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      time = core::from_unix_seconds(static_cast<std::int64_t>(value));
  } else if (found->is_number_float()) {
    const double value = found->get<double>();
    // Beyond +-2^62 no WallTime fits anyway; the bound keeps the conversion defined.
    if (std::isfinite(value) && std::fabs(value) < 4.6e18) time = core::from_unix_seconds(static_cast<std::int64_t>(value));
  }
  if (!time) return unexpected("secret attribute " + std::string(key) + " is not a time");
  return time;
}

}  // namespace

Expected<SecretProperties, std::string> parse_secret_properties(const json& item) {
  if (!item.is_object()) return unexpected(std::string("secret is not a JSON object"));
  SecretProperties out;
  out.id = string_field(item, "id");
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
    if (const auto enabled = attributes->find("enabled"); enabled != attributes->end() && !enabled->is_null()) {
      if (!enabled->is_boolean()) return unexpected(std::string("secret attribute enabled is not a boolean"));
      out.attributes.enabled = enabled->get<bool>();
    }
    for (const auto& [key, field] : {std::pair{"nbf", &SecretAttributes::not_before},
                                     std::pair{"exp", &SecretAttributes::expires},
                                     std::pair{"created", &SecretAttributes::created},
                                     std::pair{"updated", &SecretAttributes::updated}}) {
      auto time = unix_time(*attributes, key);
      if (!time) return unexpected(std::move(time.error()));
      out.attributes.*field = *time;
    }
    out.attributes.recovery_level = string_field(*attributes, "recoveryLevel");
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
