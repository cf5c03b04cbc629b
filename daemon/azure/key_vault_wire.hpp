#pragma once
// What Key Vault sends back for secrets, and reading it without any I/O: a
// SecretBundle (with its value), a SecretItem (without) and a page of a versions
// listing. HttpKeyVaultClient sends and follows; these functions only read, so they
// are unit-tested and fuzzed on their own. Errors say what was wrong, never a value.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/expected.hpp"
#include "daemon/core/time_types.hpp"

namespace aci::azure {

struct SecretAttributes {
  bool enabled = true;
  std::optional<core::WallTime> not_before;
  std::optional<core::WallTime> expires;
  std::optional<core::WallTime> created;
  std::optional<core::WallTime> updated;
  std::string recovery_level;
};

// One version of a secret without its value (what a versions listing returns).
struct SecretProperties {
  std::string id;  // "https://myvault.vault.azure.net/secrets/name/version"
  std::string name;
  std::string version;
  std::string content_type;
  std::map<std::string, std::string> tags;
  SecretAttributes attributes;
};

struct Secret {
  SecretProperties properties;
  std::string value;
};

// Parses a SecretBundle or SecretItem; `name` and `version` come from its "id".
Expected<Secret, std::string> parse_secret_bundle(const std::string& body);
Expected<SecretProperties, std::string> parse_secret_properties(const nlohmann::json& item);

// One page of a versions listing: its items and nextLink ("" on the last page; a page
// may be empty and still carry one).
struct SecretVersionPage {
  std::vector<SecretProperties> versions;
  std::string next_link;
};
Expected<SecretVersionPage, std::string> parse_secret_version_page(std::string_view body);

}  // namespace aci::azure
