#pragma once
// Where the daemon's two kinds live in the Kubernetes API (group acioperator.io,
// version v1alpha1, namespaced), and how a SpecStore key ("ContainerGroup/ns/name")
// maps to an object's path.

#include <optional>
#include <string>
#include <string_view>

namespace aci::kube {

inline constexpr std::string_view kGroupVersionPath = "/apis/acioperator.io/v1alpha1";
inline constexpr std::string_view kFinalizer = "acioperator.io/cleanup";

struct ObjectRef {
  std::string kind;  // "ContainerGroup" or "CredentialRotation"
  std::string namespace_;
  std::string name;
};

// "containergroups", "credentialrotations"; empty for any other kind.
std::string plural_of(std::string_view kind);
// The collection of `kind` in `namespace_`, or in every namespace when it is empty.
std::string collection_path(std::string_view kind, std::string_view namespace_);
// ".../namespaces/<ns>/<plural>/<name>"
std::string object_path(const ObjectRef& ref);
// The ref of a key "<kind>/<namespace>/<name>"; nullopt for any other shape.
std::optional<ObjectRef> parse_key(std::string_view key);

}  // namespace aci::kube
