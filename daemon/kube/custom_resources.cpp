#include "daemon/kube/custom_resources.hpp"

namespace aci::kube {

std::string plural_of(std::string_view kind) {
  if (kind == "ContainerGroup") return "containergroups";
  if (kind == "CredentialRotation") return "credentialrotations";
  return {};
}

std::string collection_path(std::string_view kind, std::string_view namespace_) {
  std::string path(kGroupVersionPath);
  if (!namespace_.empty()) path += "/namespaces/" + std::string(namespace_);
  return path + "/" + plural_of(kind);
}

std::string object_path(const ObjectRef& ref) {
  return collection_path(ref.kind, ref.namespace_) + "/" + ref.name;
}

std::optional<ObjectRef> parse_key(std::string_view key) {
  const auto first = key.find('/');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = key.find('/', first + 1);
  if (second == std::string_view::npos || key.find('/', second + 1) != std::string_view::npos) return std::nullopt;
  ObjectRef ref{std::string(key.substr(0, first)), std::string(key.substr(first + 1, second - first - 1)),
                std::string(key.substr(second + 1))};
  if (plural_of(ref.kind).empty() || ref.namespace_.empty() || ref.name.empty()) return std::nullopt;
  return ref;
}

}  // namespace aci::kube
