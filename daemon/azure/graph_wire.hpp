#pragma once
// What Microsoft Graph sends back for an application's passwords, read without any
// I/O: passwordCredential objects, the application with its passwordCredentials, and
// the addPassword answer (the one place the secret text appears). HttpGraphClient
// sends; these functions only read, so they are unit-tested and fuzzed on their own.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/expected.hpp"
#include "daemon/core/time_types.hpp"

namespace aci::azure {

struct PasswordCredential {
  std::string key_id;
  std::string display_name;
  std::string hint;  // first characters of the secret, as Graph shows them
  std::optional<core::WallTime> start;
  std::optional<core::WallTime> end;
  std::string secret_text;  // only from add_password; empty otherwise
};

// A passwordCredential object as Graph returns it.
Expected<PasswordCredential, std::string> parse_password_credential(const nlohmann::json& item);

// GET /applications/{id}?$select=...,passwordCredentials: every password credential.
Expected<std::vector<PasswordCredential>, std::string> parse_application_passwords(std::string_view body);

// The addPassword answer, which must carry the secretText.
Expected<PasswordCredential, std::string> parse_added_password(std::string_view body);

}  // namespace aci::azure
