#pragma once
// A reference to a Key Vault secret ({keyVault, secret}) as written in specs, and
// the resolved form the ARM body builder consumes. Resolution is the caller's
// job; the model only ever stores references, never secret values.

#include <compare>
#include <map>
#include <string>

namespace aci::model {

struct KeyVaultRef {
  std::string vault;
  std::string secret;

  // clang-tidy before 18 takes the synthesized comparison's 0 for a null pointer (llvm-project#53961).
  auto operator<=>(const KeyVaultRef&) const = default;  // NOLINT(modernize-use-nullptr)
  // "vault/secret", for logs and messages (never a value).
  std::string to_string() const { return vault + "/" + secret; }
};

// The value of one secret version. `version` is Key Vault's version id; it is
// what the spec hash covers, so a new version changes the hash.
struct ResolvedSecret {
  std::string value;
  std::string version;
};

using ResolvedSecrets = std::map<KeyVaultRef, ResolvedSecret>;

}  // namespace aci::model
