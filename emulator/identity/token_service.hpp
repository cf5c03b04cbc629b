#pragma once
// Issues the emulator's access tokens (RS256 JWTs whose "aud" is the resource of
// the requested scope) and checks them for the other services, as Entra's tokens
// are checked by ARM, Key Vault, Graph and ACR. The signing key is given at
// construction, so a restarted emulator can keep accepting tokens it issued.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "daemon/crypto/certificate.hpp"
#include "emulator/directory/directory.hpp"
#include "emulator/emulator_clock.hpp"
#include "emulator/random_source.hpp"
#include "emulator/token_validator.hpp"

namespace aci::emulator {

// "https://management.azure.com/.default", "https://management.core.windows.net/" and
// "https://management.azure.com" all name one resource: "https://management.azure.com".
std::string normalize_audience(std::string_view scope_or_resource);

class TokenService final : public TokenValidator {
 public:
  // `signing` must hold an RSA key and its certificate (the certificate's SHA-1 thumbprint is the "kid").
  TokenService(NowFunction now, RandomSource& random, crypto::KeyAndCertificate signing);

  // Signed token for `principal` with aud = normalize_audience(audience).
  Expected<std::string, std::string> issue(const Principal& principal, std::string_view audience,
                                           std::chrono::seconds lifetime);

  // Signs arbitrary claims with the same key (ACR's refresh and access tokens), and checks
  // such a token's signature and "exp", returning its claims.
  Expected<std::string, std::string> sign_claims(const nlohmann::json& claims) const;
  Expected<nlohmann::json, TokenProblem> verify_claims(std::string_view token) const;

  Expected<TokenClaims, TokenProblem> validate_token(std::string_view token, std::string_view audience) const;

  // TokenValidator
  Expected<TokenClaims, TokenProblem> validate(const http::ServerRequest& request,
                                               std::string_view audience) const override;

  // The JSON Web Key Set served at the discovery "jwks_uri".
  nlohmann::json jwks() const;

 private:
  NowFunction now_;
  RandomSource& random_;
  crypto::KeyAndCertificate signing_;
  std::string key_id_;
};

std::string describe(TokenProblem problem);

}  // namespace aci::emulator
