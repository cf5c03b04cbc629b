#pragma once
// Emulated Azure Container Registries: the Docker Registry v2 surface ACR serves
// (/v2/ with Basic or Bearer auth and its 401 challenge, /oauth2/exchange,
// /oauth2/token, manifests, tags, catalog) over seeded images, answering from the
// same directory state Entra uses: an appId, one of its currently valid passwords
// and a pull role on the registry. Also ACI's deploy-time pull check. Not
// thread-safe: it lives on the emulator's executor.

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/expected.hpp"
#include "daemon/http/server.hpp"
#include "emulator/directory/directory.hpp"
#include "emulator/identity/token_service.hpp"
#include "emulator/image_pull_checker.hpp"
#include "emulator/request_target.hpp"

namespace aci::emulator {

struct Registry {
  std::string name;
  std::string login_server;  // "{name}.azurecr.io" unless seeded otherwise
  std::string resource_id;   // ARM id: the scope role assignments name
  bool anonymous_pull = false;
  std::map<std::string, std::map<std::string, std::string>> repositories;  // repo -> tag -> manifest digest
};

class RegistryService final : public ImagePullChecker {
 public:
  RegistryService(NowFunction now, Directory& directory, TokenService& tokens);

  // `name` is the registry name as routed; `path` is the target after the registry
  // prefix (or the whole target for host-addressed registries), query included.
  http::ServerResponse handle(const std::string& name, const std::string& path,
                              const http::ServerRequest& request);
  static std::string route_name(const http::ServerRequest& request, const RequestTarget& target);

  // [{"name", "loginServer"?, "subscription"?, "resourceGroup"?, "anonymousPull"?,
  //   "images": ["repo:tag", ...] or [{"repository", "tags": [...]}]}]
  Expected<Ok, std::string> seed(const nlohmann::json& registries);
  const Registry* find(const std::string& name_or_login_server) const;

  // ImagePullChecker
  std::optional<std::string> check(const std::string& image,
                                   const std::vector<RegistryCredential>& credentials) const override;

  nlohmann::json save() const;
  Expected<Ok, std::string> load(const nlohmann::json& state);
  void reset() { registries_.clear(); }

 private:
  struct Caller {
    std::string object_id;
    std::string app_id;
  };
  std::optional<Caller> authenticate(const Registry& registry, const http::ServerRequest& request,
                                     const std::string& repository) const;
  bool may_pull(const Registry& registry, const std::string& principal_id) const;
  http::ServerResponse exchange(const Registry& registry, const http::ServerRequest& request);
  http::ServerResponse token(const Registry& registry, const http::ServerRequest& request, const RequestTarget& target);

  NowFunction now_;
  Directory& directory_;
  TokenService& tokens_;
  std::vector<Registry> registries_;
};

}  // namespace aci::emulator
