#include "daemon/azure/graph_wire.hpp"

#include "daemon/azure/json_field.hpp"
#include "daemon/core/iso8601.hpp"

namespace aci::azure {

using json = nlohmann::json;

namespace {

std::optional<core::WallTime> time_field(const json& object, const char* key) {
  const auto text = string_field(object, key);
  return text.empty() ? std::nullopt : core::parse_iso8601(text);
}

}  // namespace

Expected<PasswordCredential, std::string> parse_password_credential(const json& item) {
  if (!item.is_object()) return unexpected(std::string("passwordCredential is not a JSON object"));
  PasswordCredential out;
  out.key_id = string_field(item, "keyId");
  if (out.key_id.empty()) return unexpected(std::string("passwordCredential has no keyId"));
  out.display_name = string_field(item, "displayName");
  out.hint = string_field(item, "hint");
  out.start = time_field(item, "startDateTime");
  out.end = time_field(item, "endDateTime");
  out.secret_text = string_field(item, "secretText");
  return out;
}

Expected<std::vector<PasswordCredential>, std::string> parse_application_passwords(std::string_view body_text) {
  const auto body = json::parse(body_text, nullptr, false);
  if (!body.is_object()) return unexpected(std::string("application is not a JSON object"));
  std::vector<PasswordCredential> passwords;
  if (const auto items = body.find("passwordCredentials"); items != body.end() && items->is_array()) {
    for (const auto& item : *items) {
      auto parsed = parse_password_credential(item);
      if (!parsed) return unexpected(std::move(parsed.error()));
      passwords.push_back(std::move(*parsed));
    }
  }
  return passwords;
}

Expected<PasswordCredential, std::string> parse_added_password(std::string_view body_text) {
  auto parsed = parse_password_credential(json::parse(body_text, nullptr, false));
  if (!parsed) return parsed;
  if (parsed->secret_text.empty()) return unexpected(std::string("addPassword returned no secretText"));
  return parsed;
}

}  // namespace aci::azure
