#pragma once
// Builds the emulated world from a seed document: tenants, applications with their
// credentials, owners, Graph permissions and roles, managed identities, registries,
// subscriptions and resource groups, vaults and secrets. A password whose value is
// "generate" gets fresh text that is stored only in the vault secrets it names
// (`storeIn`), so committed seed files hold no real-looking secrets. On error the
// message names the entry; the world may then be partly built, so callers reset.

#include <nlohmann/json.hpp>
#include <string>

#include "daemon/core/expected.hpp"
#include "emulator/arm/container_group_service.hpp"
#include "emulator/directory/directory.hpp"
#include "emulator/keyvault/key_vault_service.hpp"
#include "emulator/registry/registry_service.hpp"

namespace aci::emulator {

struct SeedTargets {
  Directory& directory;
  RegistryService& registries;
  ContainerGroupService& arm;
  KeyVaultService& vaults;
};

Expected<Ok, std::string> apply_seed(const nlohmann::json& seed, SeedTargets targets);

}  // namespace aci::emulator
