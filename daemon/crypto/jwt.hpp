#pragma once
// JSON Web Tokens signed with RSA (RS256, and PS256 for verification of newer
// client assertions): sign, decode without trust, verify against a PEM public key
// or certificate. Used by the emulator to issue and check tokens and by the daemon
// to build client assertions. Failures are values; key material never appears in them.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "daemon/core/expected.hpp"

namespace aci::crypto {

enum class JwtAlgorithm { rs256, ps256 };

struct DecodedJwt {
  nlohmann::json header;
  nlohmann::json claims;
  std::string signing_input;  // "<header b64url>.<claims b64url>", exactly as received
  std::string signature;      // raw bytes
};

// Sets header "alg" (a null header counts as {}) (and "typ": "JWT" unless present) and signs with an RSA private key (PEM, PKCS#8 or PKCS#1).
Expected<std::string, std::string> jwt_sign(nlohmann::json header, const nlohmann::json& claims,
                                            const std::string& private_key_pem,
                                            JwtAlgorithm algorithm = JwtAlgorithm::rs256);

// Splits and parses a compact JWT; header and claims must be JSON objects. Trusts nothing.
Expected<DecodedJwt, std::string> jwt_decode(std::string_view token);

// Checks the signature with the algorithm the header names (RS256 or PS256 only; "none"
// and HMAC are refused). `key_pem` is a PEM public key or an X.509 certificate.
Expected<Ok, std::string> jwt_verify(const DecodedJwt& jwt, const std::string& key_pem);

// The RSA public key of a PEM certificate or public key as a JWK {kty, n, e}.
Expected<nlohmann::json, std::string> rsa_public_jwk(const std::string& key_pem);

}  // namespace aci::crypto
