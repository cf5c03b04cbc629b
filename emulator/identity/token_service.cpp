#include "emulator/identity/token_service.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/crypto/jwt.hpp"
#include "emulator/iso_time.hpp"

namespace aci::emulator {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// PEM body lines are the base64 DER the "x5c" member wants.
std::string pem_body(const std::string& pem) {
  std::string out;
  std::size_t pos = 0;
  while (pos < pem.size()) {
    auto end = pem.find('\n', pos);
    if (end == std::string::npos) end = pem.size();
    std::string line = pem.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("-----", 0) != 0) out += line;
    if (line.rfind("-----END", 0) == 0) break;
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::string normalize_audience(std::string_view scope_or_resource) {
  std::string text = lower(scope_or_resource);
  const std::string suffix = "/.default";
  if (text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0)
    text.resize(text.size() - suffix.size());
  while (!text.empty() && text.back() == '/') text.pop_back();
  if (text == "https://management.core.windows.net") return "https://management.azure.com";
  return text;
}

std::string describe(TokenProblem problem) {
  switch (problem) {
    case TokenProblem::missing: return "the request has no bearer token";
    case TokenProblem::malformed: return "the bearer token is malformed";
    case TokenProblem::bad_signature: return "the bearer token signature is invalid";
    case TokenProblem::expired: return "the bearer token has expired";
    case TokenProblem::wrong_audience: return "the bearer token was issued for another audience";
  }
  return "the bearer token is invalid";
}

TokenService::TokenService(NowFunction now, RandomSource& random, crypto::KeyAndCertificate signing)
    : now_(std::move(now)), random_(random), signing_(std::move(signing)) {
  auto thumbprint = crypto::certificate_thumbprint_sha1(signing_.certificate_pem);
  key_id_ = thumbprint ? *thumbprint : std::string("emulator");
}

Expected<std::string, std::string> TokenService::issue(const Principal& principal, std::string_view audience,
                                                       std::chrono::seconds lifetime) {
  const auto now = unix_seconds(now_());
  nlohmann::json claims{{"aud", normalize_audience(audience)},
                        {"iss", "https://sts.windows.net/" + principal.tenant_id + "/"},
                        {"iat", now},
                        {"nbf", now},
                        {"exp", now + lifetime.count()},
                        {"tid", principal.tenant_id},
                        {"appid", principal.app_id},
                        {"azp", principal.app_id},
                        {"oid", principal.object_id},
                        {"sub", principal.object_id},
                        {"idtyp", "app"},
                        {"uti", random_.guid()},
                        {"ver", "1.0"}};
  if (!principal.roles.empty()) claims["roles"] = principal.roles;
  return crypto::jwt_sign({{"typ", "JWT"}, {"kid", key_id_}, {"x5t", key_id_}}, claims, signing_.key_pem);
}

Expected<std::string, std::string> TokenService::sign_claims(const nlohmann::json& claims) const {
  return crypto::jwt_sign({{"typ", "JWT"}, {"kid", key_id_}}, claims, signing_.key_pem);
}

Expected<nlohmann::json, TokenProblem> TokenService::verify_claims(std::string_view token) const {
  auto decoded = crypto::jwt_decode(token);
  if (!decoded) return unexpected(TokenProblem::malformed);
  if (!crypto::jwt_verify(*decoded, signing_.certificate_pem)) return unexpected(TokenProblem::bad_signature);
  const auto exp = decoded->claims.find("exp");
  if (exp == decoded->claims.end() || !exp->is_number()) return unexpected(TokenProblem::malformed);
  if (exp->get<std::int64_t>() <= unix_seconds(now_())) return unexpected(TokenProblem::expired);
  return std::move(decoded->claims);
}

Expected<TokenClaims, TokenProblem> TokenService::validate_token(std::string_view token,
                                                                 std::string_view audience) const {
  auto decoded = crypto::jwt_decode(token);
  if (!decoded) return unexpected(TokenProblem::malformed);
  if (!crypto::jwt_verify(*decoded, signing_.certificate_pem)) return unexpected(TokenProblem::bad_signature);
  const auto& claims = decoded->claims;
  TokenClaims out;
  try {
    out.tenant_id = claims.value("tid", "");
    out.app_id = claims.value("appid", "");
    out.object_id = claims.value("oid", "");
    out.audience = claims.value("aud", "");
    out.expires_at = claims.at("exp").get<std::int64_t>();
  } catch (const nlohmann::json::exception&) {
    return unexpected(TokenProblem::malformed);
  }
  if (out.expires_at <= unix_seconds(now_())) return unexpected(TokenProblem::expired);
  if (normalize_audience(out.audience) != normalize_audience(audience)) return unexpected(TokenProblem::wrong_audience);
  return out;
}

Expected<TokenClaims, TokenProblem> TokenService::validate(const http::ServerRequest& request,
                                                           std::string_view audience) const {
  const auto header = request[boost::beast::http::field::authorization];
  if (header.empty()) return unexpected(TokenProblem::missing);
  const std::string_view value(header.data(), header.size());
  if (value.size() < 7 || lower(value.substr(0, 7)) != "bearer ") return unexpected(TokenProblem::missing);
  auto token = value.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return validate_token(token, audience);
}

nlohmann::json TokenService::jwks() const {
  nlohmann::json key = {{"kty", "RSA"}, {"use", "sig"}, {"kid", key_id_}, {"x5t", key_id_}};
  if (auto jwk = crypto::rsa_public_jwk(signing_.certificate_pem)) {
    key["n"] = (*jwk)["n"];
    key["e"] = (*jwk)["e"];
  }
  key["x5c"] = nlohmann::json::array({pem_body(signing_.certificate_pem)});
  return {{"keys", nlohmann::json::array({key})}};
}

}  // namespace aci::emulator
