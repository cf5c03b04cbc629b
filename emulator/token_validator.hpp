#pragma once
// Checks the bearer token of a request against the audience a service expects.
// Implemented by the identity service (which issues the tokens); the services
// that consume tokens (ARM, Key Vault, Graph, ACR exchange) see only this.

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/core/expected.hpp"
#include "daemon/http/server.hpp"

namespace aci::emulator {

struct TokenClaims {
  std::string tenant_id;
  std::string app_id;     // client id of the caller (application or managed identity)
  std::string object_id;  // service principal object id of the caller
  std::string audience;   // e.g. "https://management.azure.com"
  std::int64_t expires_at = 0;  // Unix seconds
};

enum class TokenProblem { missing, malformed, bad_signature, expired, wrong_audience };

class TokenValidator {
 public:
  virtual ~TokenValidator() = default;
  // Reads "Authorization: Bearer <jwt>" from the request.
  virtual Expected<TokenClaims, TokenProblem> validate(const http::ServerRequest& request,
                                                       std::string_view audience) const = 0;
};

}  // namespace aci::emulator
