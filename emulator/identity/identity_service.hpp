#pragma once
// Entra ID and IMDS over HTTP: the v2 (and v1) token endpoint for client secrets,
// certificate assertions and federated tokens; the OpenID discovery document, key
// set and instance discovery that Microsoft's auth libraries fetch first; and the
// IMDS managed-identity token path. Refusals carry Entra's JSON error shape and
// AADSTS codes. Stateless apart from the directory and token service it borrows.

#include <string>
#include <string_view>

#include "daemon/http/server.hpp"
#include "emulator/directory/directory.hpp"
#include "emulator/identity/token_service.hpp"
#include "emulator/random_source.hpp"
#include "emulator/request_target.hpp"

namespace aci::emulator {

struct IdentitySettings {
  std::chrono::seconds token_lifetime{3599};
  std::chrono::seconds managed_identity_token_lifetime{86399};
};

class IdentityService {
 public:
  IdentityService(NowFunction now, RandomSource& random, Directory& directory, TokenService& tokens,
                  IdentitySettings settings = {});

  // True for paths this service answers: /{tenant}/oauth2/..., /{tenant}/v2.0/.well-known/...,
  // /{tenant}/.well-known/..., /{tenant}/discovery/..., /common/discovery/instance, /metadata/identity/...
  static bool owns(const RequestTarget& target);

  // `base_url` (e.g. "https://127.0.0.1:8443") is what discovery documents point back to.
  http::ServerResponse handle(const http::ServerRequest& request, const RequestTarget& target,
                              const std::string& base_url);

  // Route names for request counting, e.g. "POST token", "GET imds-token".
  static std::string route_name(const http::ServerRequest& request, const RequestTarget& target);

 private:
  http::ServerResponse token(const http::ServerRequest& request, const std::string& tenant, bool v1,
                             const std::string& base_url);
  http::ServerResponse openid_configuration(const std::string& tenant, bool v2, const std::string& base_url);
  http::ServerResponse instance_discovery(const RequestTarget& target, const std::string& base_url);
  http::ServerResponse imds_token(const http::ServerRequest& request, const RequestTarget& target);
  http::ServerResponse entra_error(const SignInError& error, const std::string& base_url);

  NowFunction now_;
  RandomSource& random_;
  Directory& directory_;
  TokenService& tokens_;
  IdentitySettings settings_;
};

}  // namespace aci::emulator
