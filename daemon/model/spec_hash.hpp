#pragma once
// The spec hash: SHA-256 over a canonical form of the desired ARM body in which
// every secret is replaced by its Key Vault reference and version, never its
// value. A new secret version changes the hash; key order, list order of
// name-keyed items and the tags (which ARM can patch alone) do not.

#include <map>
#include <string>
#include <string_view>

#include "daemon/core/expected.hpp"
#include "daemon/model/container_group.hpp"

namespace aci::model {

// The exact text that is hashed. Fails, naming the references, when a secret is unresolved.
Expected<std::string, std::string> canonical_spec(const ContainerGroup& group, const ResolvedSecrets& secrets);
// Lower-case hex SHA-256 of canonical_spec().
Expected<std::string, std::string> spec_hash(const ContainerGroup& group, const ResolvedSecrets& secrets);
// "vault/secret" -> version of every secret the group uses (for status.secretVersions).
std::map<std::string, std::string> secret_versions(const ContainerGroup& group, const ResolvedSecrets& secrets);

std::string sha256_hex(std::string_view data);

}  // namespace aci::model
