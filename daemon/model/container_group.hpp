#pragma once
// The ContainerGroup kind (acioperator.io/v1alpha1) as validated data: the desired
// ACI container group, where its registry credentials come from, and the policy
// the reconciler follows. Values here have passed validation (see resource_parser.hpp);
// secrets appear only as Key Vault references.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/model/key_vault_ref.hpp"
#include "daemon/model/object_meta.hpp"

namespace aci::model {

enum class OsType { Linux, Windows };
enum class RestartPolicy { Always, OnFailure, Never };
enum class Protocol { TCP, UDP };
enum class IpAddressType { Public, Private };
enum class DeletionPolicy { Delete, Orphan };
enum class PolicyMode { Manage, DetectOnly };

std::string_view to_string(OsType value);
std::string_view to_string(RestartPolicy value);
std::string_view to_string(Protocol value);
std::string_view to_string(IpAddressType value);
std::string_view to_string(DeletionPolicy value);
std::string_view to_string(PolicyMode value);

struct Port {
  std::uint16_t port = 0;
  Protocol protocol = Protocol::TCP;

  // clang-tidy before 18 takes the synthesized comparison's 0 for a null pointer (llvm-project#53961).
  auto operator<=>(const Port&) const = default;  // NOLINT(modernize-use-nullptr)
};

// Exactly one of `value` and `secret_ref` is set; a secret is sent as secureValue.
struct EnvVar {
  std::string name;
  std::optional<std::string> value;
  std::optional<KeyVaultRef> secret_ref;
};

struct Container {
  std::string name;
  std::string image;
  std::vector<std::string> command;
  double cpu = 1.0;         // cores, a multiple of 0.01
  double memory_gb = 1.5;   // a multiple of 0.1
  std::vector<Port> ports;
  std::vector<EnvVar> env;
};

struct IpAddress {
  IpAddressType type = IpAddressType::Public;
  std::vector<Port> ports;
  std::string dns_name_label;  // empty when not set
};

// Either both `username` and `password` (Key Vault references) or `identity`
// (the ARM id of a user-assigned managed identity) is set.
struct RegistryCredential {
  std::string server;
  std::optional<KeyVaultRef> username;
  std::optional<KeyVaultRef> password;
  std::optional<std::string> identity;
};

struct GroupPolicy {
  DeletionPolicy deletion = DeletionPolicy::Delete;
  PolicyMode mode = PolicyMode::Manage;
  bool adopt = false;
  bool recreate_on_immutable_change = true;
};

struct AzureTarget {
  std::string subscription_id;
  std::string resource_group;
  std::string location;  // normalised: lower case, no spaces ("westeurope")
  std::string name;      // spec.azure.name, or metadata.name when not given

  // "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerInstance/containerGroups/{name}"
  std::string resource_id() const;
};

struct ContainerGroup {
  ObjectMeta metadata;
  AzureTarget azure;
  OsType os_type = OsType::Linux;
  RestartPolicy restart_policy = RestartPolicy::Always;
  std::vector<Container> containers;
  std::optional<IpAddress> ip_address;
  std::vector<RegistryCredential> registry_credentials;
  std::map<std::string, std::string> tags;
  GroupPolicy policy;

  // Every Key Vault secret the group needs, each once, sorted.
  std::vector<KeyVaultRef> secret_refs() const;
  // User-assigned identities the group pulls with, each once, in spec order.
  std::vector<std::string> pull_identities() const;
};

}  // namespace aci::model
