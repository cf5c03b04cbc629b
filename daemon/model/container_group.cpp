#include "daemon/model/container_group.hpp"

#include <cctype>
#include <set>

namespace aci::model {

std::string_view to_string(OsType value) { return value == OsType::Linux ? "Linux" : "Windows"; }

std::string_view to_string(RestartPolicy value) {
  switch (value) {
    case RestartPolicy::Always:
      return "Always";
    case RestartPolicy::OnFailure:
      return "OnFailure";
    case RestartPolicy::Never:
      return "Never";
  }
  return "Always";
}

std::string_view to_string(Protocol value) { return value == Protocol::TCP ? "TCP" : "UDP"; }

std::string_view to_string(IpAddressType value) { return value == IpAddressType::Public ? "Public" : "Private"; }

std::string_view to_string(DeletionPolicy value) { return value == DeletionPolicy::Delete ? "Delete" : "Orphan"; }

std::string_view to_string(PolicyMode value) { return value == PolicyMode::Manage ? "Manage" : "DetectOnly"; }

std::string AzureTarget::resource_id() const {
  return "/subscriptions/" + subscription_id + "/resourceGroups/" + resource_group +
         "/providers/Microsoft.ContainerInstance/containerGroups/" + name;
}

std::vector<KeyVaultRef> ContainerGroup::secret_refs() const {
  std::set<KeyVaultRef> refs;
  for (const auto& container : containers) {
    for (const auto& env : container.env) {
      if (env.secret_ref) refs.insert(*env.secret_ref);
    }
  }
  for (const auto& credential : registry_credentials) {
    if (credential.username) refs.insert(*credential.username);
    if (credential.password) refs.insert(*credential.password);
  }
  return {refs.begin(), refs.end()};
}

std::vector<std::string> ContainerGroup::pull_identities() const {
  // ARM ids are case-insensitive; one identity written twice is one identity.
  const auto lower = [](std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  std::vector<std::string> identities;
  std::set<std::string> seen;
  for (const auto& credential : registry_credentials) {
    if (credential.identity && seen.insert(lower(*credential.identity)).second) {
      identities.push_back(*credential.identity);
    }
  }
  return identities;
}

}  // namespace aci::model
