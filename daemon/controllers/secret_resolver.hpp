#pragma once
// SecretResolver: the latest version of each Key Vault secret the specs reference,
// cached so that 200 groups sharing one registry password cost one read, not 200.
// A cached entry is used until it is older than `max_age` or refresh() reads it again;
// the resync refreshes every referenced secret once per period, which is how a new
// secret version reaches the groups that use it within one resync period. Values go
// only into ARM bodies (KeyVaultClient has registered them with the log redactor).
// Use on the executor's thread.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "daemon/azure/key_vault_client.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/expected.hpp"
#include "daemon/model/key_vault_ref.hpp"

namespace aci::controllers {

class SecretResolver {
 public:
  SecretResolver(azure::KeyVaultClient& key_vault, const core::Clock& clock, core::Duration max_age);

  // The secrets `refs` name, from the cache where fresh. Fails with a message naming
  // each reference that could not be read and why (never a value).
  // `pinned` names references to read at one version instead of the latest (a secret
  // under rotation, see SecretPins); a version never changes, so those stay cached.
  boost::asio::awaitable<Expected<model::ResolvedSecrets, std::string>> resolve(
      const std::vector<model::KeyVaultRef>& refs, const std::map<model::KeyVaultRef, std::string>& pinned = {});

  // Reads `refs` again whatever their age; failures keep the cached entry and are
  // reported in the result as in resolve().
  boost::asio::awaitable<Expected<model::ResolvedSecrets, std::string>> refresh(
      const std::vector<model::KeyVaultRef>& refs);

  // Those of `refs` that are cached, whatever their age, without I/O (a secret never
  // read successfully is absent).
  model::ResolvedSecrets cached(const std::vector<model::KeyVaultRef>& refs) const;

  std::size_t reads() const noexcept { return reads_; }

 private:
  struct Entry {
    model::ResolvedSecret secret;
    core::SteadyTime fetched;
  };

  boost::asio::awaitable<Expected<model::ResolvedSecrets, std::string>> read(
      const std::vector<model::KeyVaultRef>& refs, bool force, const std::map<model::KeyVaultRef, std::string>& pinned);

  azure::KeyVaultClient& key_vault_;
  const core::Clock& clock_;
  core::Duration max_age_;
  std::map<model::KeyVaultRef, Entry> cache_;
  std::map<std::pair<model::KeyVaultRef, std::string>, std::string> versions_;  // (ref, version) -> value
  std::size_t reads_ = 0;
};

}  // namespace aci::controllers
