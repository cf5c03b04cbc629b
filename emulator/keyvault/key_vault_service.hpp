#pragma once
// KeyVaultService: the emulated Key Vault secrets data plane (REST 7.x and
// 2025-07-01) for every seeded vault: versions, attributes, tags, paging, soft
// delete, recover and purge, and the 401 bearer challenge. It owns all vault
// state; handle() never throws and answers bad input with Key Vault's 4xx error
// shape. Thread-safe: every public member takes one internal lock.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/http/server.hpp"
#include "emulator/emulator_clock.hpp"
#include "emulator/token_validator.hpp"

namespace aci::emulator {

class KeyVaultService {
 public:
  // authority_base_url goes into the challenge as authorization="{authority}/{tenantId}".
  // tokens must outlive the service.
  KeyVaultService(NowFunction now, const TokenValidator& tokens, std::string authority_base_url);
  ~KeyVaultService();
  KeyVaultService(const KeyVaultService&) = delete;
  KeyVaultService& operator=(const KeyVaultService&) = delete;

  // Creates or replaces the named vaults:
  // [{"name", "tenantId"?, "secrets": [{"name", "value", "contentType"?, "tags"?,
  //   "attributes"?: {"enabled", "nbf", "exp"}}]}]. Each secret gets one version
  // created now. Throws std::invalid_argument (naming the entry) on a bad seed,
  // leaving the state untouched.
  void seed(const nlohmann::json& vaults);

  // vault: the vault name as routed. path: what follows the vault prefix (or the
  // whole target for host-addressed vaults), query included, e.g.
  // "/secrets/foo/versions?api-version=7.5&maxresults=2". Ids and nextLinks are
  // built from vault_urls(vault, request).
  http::ServerResponse handle(const std::string& vault, const std::string& path, const http::ServerRequest& request);

  // Full state, secret values included: the emulator's state file. load() is
  // all-or-nothing and throws std::invalid_argument on a malformed document.
  nlohmann::json save() const;
  void load(const nlohmann::json& saved);
  // Forgets every vault; the owner re-seeds (as the admin reset does).
  void reset();
  // save() without secret values, for the admin state dump.
  nlohmann::json describe() const;

  bool has_vault(const std::string& vault) const;
  // Test and admin helpers. The latest version's value, whether or not it is
  // enabled; nullopt when the vault or secret does not exist (or is deleted).
  std::optional<std::string> latest_value(const std::string& vault, const std::string& name) const;
  // Version ids of a live secret, oldest first.
  std::vector<std::string> versions(const std::string& vault, const std::string& name) const;
  // Makes version ids and request ids reproducible.
  void seed_random_for_test(std::uint64_t seed);

  struct State;

 private:
  http::ServerResponse handle_locked(const std::string& vault, const std::string& path,
                                     const http::ServerRequest& request);
  void apply_seed(State& state, const nlohmann::json& vaults);
  std::string random_hex(std::size_t digits);

  NowFunction now_;
  const TokenValidator& tokens_;
  std::string authority_base_url_;
  mutable std::mutex mutex_;
  std::unique_ptr<State> state_;
  std::mt19937_64 random_;
};

}  // namespace aci::emulator
