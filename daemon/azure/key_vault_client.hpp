#pragma once
// KeyVaultClient: Key Vault secrets, as the reconcilers need them: read a secret (latest
// or one version) with its version, tags and attributes; write a new version; list a
// secret's versions. Secret values are registered with the log redactor before they
// are returned. A missing secret or version is AzureErrorKind::not_found.
// Implementations: HttpKeyVaultClient and test fakes. Arguments are taken by reference:
// co_await each call in the expression that makes it.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/azure/azure_error.hpp"
#include "daemon/azure/key_vault_wire.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/expected.hpp"

namespace aci::azure {

struct SetSecretOptions {
  std::string content_type;
  std::map<std::string, std::string> tags;
  std::optional<core::WallTime> not_before;
  std::optional<core::WallTime> expires;
  std::optional<bool> enabled;
};

class KeyVaultClient {
 public:
  virtual ~KeyVaultClient() = default;

  // `version` empty: the latest version.
  virtual boost::asio::awaitable<Expected<Secret, AzureError>> get_secret(const std::string& vault,
                                                                          const std::string& name,
                                                                          const std::string& version = {}) = 0;

  // Stores `value` as a new version and returns it (properties as Key Vault reports them).
  virtual boost::asio::awaitable<Expected<Secret, AzureError>> set_secret(const std::string& vault,
                                                                          const std::string& name,
                                                                          const std::string& value,
                                                                          const SetSecretOptions& options = {}) = 0;

  // Every version, following nextLink to the end, oldest first (by created, then version).
  virtual boost::asio::awaitable<Expected<std::vector<SecretProperties>, AzureError>> list_secret_versions(
      const std::string& vault, const std::string& name) = 0;
};

}  // namespace aci::azure
