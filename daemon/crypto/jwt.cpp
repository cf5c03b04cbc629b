#include "daemon/crypto/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>

#include "daemon/crypto/base64.hpp"

namespace aci::crypto {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::unique_ptr<BIO, BioFree> memory_bio(const std::string& text) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

PkeyPtr load_private_key(const std::string& pem) {
  auto bio = memory_bio(pem);
  if (!bio) return nullptr;
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// Accepts "PUBLIC KEY" or "CERTIFICATE" PEM, so callers can hand over a registered certificate.
PkeyPtr load_public_key(const std::string& pem) {
  if (pem.find("CERTIFICATE-----") != std::string::npos) {
    auto bio = memory_bio(pem);
    if (!bio) return nullptr;
    std::unique_ptr<X509, X509Free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return nullptr;
    return PkeyPtr(X509_get_pubkey(cert.get()));
  }
  auto bio = memory_bio(pem);
  if (!bio) return nullptr;
  return PkeyPtr(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

bool is_rsa(EVP_PKEY* key) { return EVP_PKEY_base_id(key) == EVP_PKEY_RSA; }

bool set_padding(EVP_PKEY_CTX* pctx, JwtAlgorithm algorithm) {
  if (algorithm == JwtAlgorithm::rs256) return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0;
}

std::optional<nlohmann::json> parse_object(std::string_view segment) {
  auto bytes = base64url_decode(segment);
  if (!bytes) return std::nullopt;
  auto value = nlohmann::json::parse(*bytes, nullptr, false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

}  // namespace

Expected<std::string, std::string> jwt_sign(nlohmann::json header, const nlohmann::json& claims,
                                            const std::string& private_key_pem, JwtAlgorithm algorithm) {
  if (header.is_null()) header = nlohmann::json::object();
  if (!header.is_object() || !claims.is_object()) return unexpected(std::string("JWT header and claims must be objects"));
  header["alg"] = algorithm == JwtAlgorithm::rs256 ? "RS256" : "PS256";
  if (!header.contains("typ")) header["typ"] = "JWT";
  auto key = load_private_key(private_key_pem);
  if (!key) return unexpected(std::string("cannot read the RSA private key"));
  if (!is_rsa(key.get())) return unexpected(std::string("the signing key is not an RSA key"));
  // Claims can carry caller-supplied text (an audience); invalid UTF-8 in it is an
  // error to report, not an exception to escape.
  std::string input;
  try {
    input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  } catch (const nlohmann::json::exception&) {
    return unexpected(std::string("JWT header or claims are not valid UTF-8"));
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1 ||
      !set_padding(pctx, algorithm))
    return unexpected(std::string("cannot initialise RSA signing"));
  std::size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    return unexpected(std::string("RSA signing failed"));
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    return unexpected(std::string("RSA signing failed"));
  signature.resize(length);
  return input + "." + base64url_encode(signature);
}

Expected<DecodedJwt, std::string> jwt_decode(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return unexpected(std::string("a JWT has three dot-separated parts"));
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return unexpected(std::string("a JWT has three dot-separated parts"));
  auto header = parse_object(token.substr(0, first));
  if (!header) return unexpected(std::string("the JWT header is not base64url-encoded JSON"));
  auto claims = parse_object(token.substr(first + 1, second - first - 1));
  if (!claims) return unexpected(std::string("the JWT claims are not base64url-encoded JSON"));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!signature) return unexpected(std::string("the JWT signature is not base64url"));
  return DecodedJwt{std::move(*header), std::move(*claims), std::string(token.substr(0, second)),
                    std::move(*signature)};
}

Expected<Ok, std::string> jwt_verify(const DecodedJwt& jwt, const std::string& key_pem) {
  const auto found = jwt.header.find("alg");
  const std::string alg = found != jwt.header.end() && found->is_string() ? found->get<std::string>() : "";
  JwtAlgorithm algorithm;
  if (alg == "RS256") {
    algorithm = JwtAlgorithm::rs256;
  } else if (alg == "PS256") {
    algorithm = JwtAlgorithm::ps256;
  } else {
    return unexpected("unsupported JWT algorithm '" + alg + "'");
  }
  auto key = load_public_key(key_pem);
  if (!key) return unexpected(std::string("cannot read the RSA public key or certificate"));
  if (!is_rsa(key.get())) return unexpected(std::string("the verification key is not an RSA key"));
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get()) != 1 ||
      !set_padding(pctx, algorithm))
    return unexpected(std::string("cannot initialise RSA verification"));
  if (EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(jwt.signature.data()), jwt.signature.size(),
                       reinterpret_cast<const unsigned char*>(jwt.signing_input.data()),
                       jwt.signing_input.size()) != 1)
    return unexpected(std::string("the JWT signature does not verify"));
  return Ok{};
}

Expected<nlohmann::json, std::string> rsa_public_jwk(const std::string& key_pem) {
  auto key = load_public_key(key_pem);
  if (!key) key = load_private_key(key_pem);
  if (!key || !is_rsa(key.get())) return unexpected(std::string("cannot read an RSA key"));
  BIGNUM* n_raw = nullptr;
  BIGNUM* e_raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_N, &n_raw) != 1 ||
      EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_RSA_E, &e_raw) != 1) {
    BN_free(n_raw);
    return unexpected(std::string("cannot read the RSA modulus and exponent"));
  }
  std::unique_ptr<BIGNUM, BnFree> n(n_raw), e(e_raw);
  auto bytes = [](const BIGNUM* bn) {
    std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
    return out;
  };
  return nlohmann::json{{"kty", "RSA"}, {"n", base64url_encode(bytes(n.get()))}, {"e", base64url_encode(bytes(e.get()))}};
}

}  // namespace aci::crypto
