#pragma once
// FakeImagePullChecker: an ImagePullChecker over a table of private registries,
// each with the one username/password (or managed identity) that may pull from
// it. Images elsewhere always pull. Records every check for assertions.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "emulator/image_pull_checker.hpp"

namespace aci::emulator::testing {

class FakeImagePullChecker final : public ImagePullChecker {
 public:
  struct Registry {
    std::string username;
    std::string password;
    std::string identity;
  };

  void add_registry(const std::string& server, Registry registry) { registries_[server] = std::move(registry); }
  void set_password(const std::string& server, const std::string& password) {
    registries_[server].password = password;
  }

  std::optional<std::string> check(const std::string& image,
                                   const std::vector<RegistryCredential>& credentials) const override {
    checks_.push_back({image, credentials});
    auto slash = image.find('/');
    std::string server = slash == std::string::npos ? "" : image.substr(0, slash);
    auto registry = registries_.find(server);
    if (registry == registries_.end()) return std::nullopt;
    for (const auto& credential : credentials) {
      if (credential.server != server) continue;
      bool by_password = !credential.username.empty() && credential.username == registry->second.username &&
                         credential.password == registry->second.password;
      bool by_identity = !credential.identity.empty() && credential.identity == registry->second.identity;
      if (by_password || by_identity) return std::nullopt;
    }
    return "Failed to pull image \"" + image + "\": rpc error: code = Unknown desc = failed to authorize: 401 Unauthorized";
  }

  struct Check {
    std::string image;
    std::vector<RegistryCredential> credentials;
  };
  const std::vector<Check>& checks() const { return checks_; }

 private:
  std::map<std::string, Registry> registries_;
  mutable std::vector<Check> checks_;
};

}  // namespace aci::emulator::testing
