#include "daemon/azure/client_certificate_credential.hpp"

#include "daemon/azure/token_endpoint.hpp"
#include "daemon/crypto/certificate.hpp"
#include "daemon/crypto/jwt.hpp"

namespace aci::azure {

namespace {

constexpr auto kAssertionLifetime = std::chrono::minutes(10);

AzureError certificate_error(std::string message) {
  return AzureError{AzureErrorKind::unauthorized, 0, "InvalidCertificate", std::move(message), {}, {}};
}

}  // namespace

std::string pem_block(const std::string& pem, std::string_view label) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  const auto start = pem.find(begin);
  if (start == std::string::npos) return {};
  const auto stop = pem.find(end, start);
  if (stop == std::string::npos) return {};
  return pem.substr(start, stop + end.size() - start) + "\n";
}

ClientCertificateCredential::ClientCertificateCredential(AzurePipeline& pipeline,
                                                         const std::string& authority_host,
                                                         const std::string& tenant_id, std::string client_id,
                                                         std::string certificate_file,
                                                         std::string private_key_file)
    : pipeline_(pipeline),
      endpoint_(entra_token_endpoint(authority_host, tenant_id)),
      client_id_(std::move(client_id)),
      certificate_file_(std::move(certificate_file)),
      private_key_file_(std::move(private_key_file)) {}

Expected<std::string, AzureError> ClientCertificateCredential::make_assertion() {
  auto certificate_text = read_credential_file(certificate_file_, "client certificate");
  if (!certificate_text) return unexpected(std::move(certificate_text.error()));
  std::string key_text = *certificate_text;
  if (!private_key_file_.empty()) {
    auto read = read_credential_file(private_key_file_, "private key");
    if (!read) return unexpected(std::move(read.error()));
    key_text = std::move(*read);
  }
  const std::string certificate = pem_block(*certificate_text, "CERTIFICATE");
  if (certificate.empty()) return unexpected(certificate_error("no CERTIFICATE block in " + certificate_file_));
  std::string key = pem_block(key_text, "PRIVATE KEY");
  if (key.empty()) key = pem_block(key_text, "RSA PRIVATE KEY");
  if (key.empty()) {
    const auto& where = private_key_file_.empty() ? certificate_file_ : private_key_file_;
    return unexpected(certificate_error("no unencrypted PRIVATE KEY block in " + where));
  }
  const auto sha1 = crypto::certificate_thumbprint_sha1(certificate);
  const auto sha256 = crypto::certificate_thumbprint_sha256(certificate);
  if (!sha1 || !sha256) return unexpected(certificate_error("cannot read the certificate in " + certificate_file_));

  const auto now = std::chrono::duration_cast<std::chrono::seconds>(pipeline_.clock().now().time_since_epoch()).count();
  const nlohmann::json header{{"typ", "JWT"}, {"x5t", *sha1}, {"x5t#S256", *sha256}};
  const nlohmann::json claims{{"aud", endpoint_},
                              {"iss", client_id_},
                              {"sub", client_id_},
                              {"jti", pipeline_.new_id()},
                              {"nbf", now},
                              {"iat", now},
                              {"exp", now + std::chrono::seconds(kAssertionLifetime).count()}};
  auto signed_jwt = crypto::jwt_sign(header, claims, key, crypto::JwtAlgorithm::rs256);
  if (!signed_jwt) return unexpected(certificate_error("cannot sign the client assertion: " + signed_jwt.error()));
  return std::move(*signed_jwt);
}

boost::asio::awaitable<Expected<AccessToken, AzureError>> ClientCertificateCredential::token(
    const std::string& scope) {
  auto assertion = make_assertion();
  if (!assertion) co_return unexpected(std::move(assertion.error()));
  std::vector<std::pair<std::string, std::string>> form;
  form.emplace_back("client_id", client_id_);
  form.emplace_back("scope", scope);
  form.emplace_back("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  form.emplace_back("client_assertion", std::move(*assertion));
  co_return co_await request_client_credentials(pipeline_, endpoint_, std::move(form));
}

}  // namespace aci::azure
