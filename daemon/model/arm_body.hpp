#pragma once
// Builds the ARM containerGroups PUT body (api-version 2023-05-01) for a validated
// ContainerGroup whose Key Vault references have been resolved, tagged with the
// owner and the spec hash. The body holds secret values (secureValue, registry
// passwords): send it, never log it.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/core/expected.hpp"
#include "daemon/model/container_group.hpp"

namespace aci::model {

inline constexpr std::string_view kArmApiVersion = "2023-05-01";
inline constexpr std::string_view kOwnerTag = "acioperator.io/owner";
inline constexpr std::string_view kSpecHashTag = "acioperator.io/spec-hash";
// The spec's deletion policy, so a group whose spec vanished while the daemon was
// down is still handled the way its spec said.
inline constexpr std::string_view kDeletionPolicyTag = "acioperator.io/deletion-policy";
// Every tag we stamp starts with this; spec.tags may not.
inline constexpr std::string_view kOurTagPrefix = "acioperator.io/";

// The tag holding the version of `ref` a group runs ("acioperator.io/secret-version.<vault>.<secret>"),
// so a credential roll-out interrupted by a restart knows which groups already moved.
std::string secret_version_tag(const KeyVaultRef& ref);
// The version of `ref` that `group` (an ARM resource) was deployed with; "" when untagged.
std::string deployed_secret_version(const nlohmann::json& group, const KeyVaultRef& ref);

// Tags = spec.tags + owner + spec hash + deletion policy + each secret's version. Fails, naming the references (never a
// value), when `secrets` lacks one the group needs.
Expected<nlohmann::json, std::string> build_arm_body(const ContainerGroup& group, const ResolvedSecrets& secrets,
                                                     const std::string& owner);

// The body without tags, each secret replaced by what `secret` returns for its
// reference: the shape both the body and the spec hash are made from.
nlohmann::json arm_body_shape(const ContainerGroup& group,
                              const std::function<nlohmann::json(const KeyVaultRef&)>& secret);

// References the group needs that `secrets` lacks, as "vault/secret".
std::vector<std::string> missing_secrets(const ContainerGroup& group, const ResolvedSecrets& secrets);

}  // namespace aci::model
