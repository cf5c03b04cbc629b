#pragma once
// Decides, as ACI does at deploy time, whether a container image can be pulled
// with a group's imageRegistryCredentials. Implemented over the emulated
// registries and directory (apps, roles, passwords); used by the ARM service.

#include <optional>
#include <string>
#include <vector>

namespace aci::emulator {

struct RegistryCredential {
  std::string server;    // login server, e.g. "myregistry.azurecr.io"
  std::string username;  // appId for a service principal
  std::string password;  // never stored by ARM after the check
  std::string identity;  // user-assigned managed identity ARM id, instead of username/password
};

class ImagePullChecker {
 public:
  virtual ~ImagePullChecker() = default;
  // nullopt when the image can be pulled now; otherwise the reason, worded as ACI's
  // failed-pull event message. Images on registries the emulator does not host
  // (e.g. mcr.microsoft.com) always pull.
  virtual std::optional<std::string> check(const std::string& image,
                                           const std::vector<RegistryCredential>& credentials) const = 0;
};

}  // namespace aci::emulator
