#pragma once
// ClientCertificateCredential: a service principal proving itself with a certificate.
// Each token request signs a fresh RS256 client assertion (x5t and x5t#S256 of the
// certificate, aud = the token endpoint, iss = sub = client id, a new jti, nbf/iat now,
// exp in 10 minutes). The PEM files are read at each request, so a renewed certificate
// takes effect without a restart. Borrows the identity pipeline.

#include <string>

#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/token_source.hpp"

namespace aci::azure {

// The first PEM block of `label` ("CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY") in
// `pem`, armour included; "" when there is none.
std::string pem_block(const std::string& pem, std::string_view label);

class ClientCertificateCredential final : public TokenSource {
 public:
  // `private_key_file` may be empty when `certificate_file` also holds the key.
  ClientCertificateCredential(AzurePipeline& pipeline, const std::string& authority_host,
                              const std::string& tenant_id, std::string client_id,
                              std::string certificate_file, std::string private_key_file);

  // TokenSource
  boost::asio::awaitable<Expected<AccessToken, AzureError>> token(const std::string& scope) override;

  // The signed assertion for the next request (exposed for tests of its claims).
  Expected<std::string, AzureError> make_assertion();

 private:
  AzurePipeline& pipeline_;
  std::string endpoint_;
  std::string client_id_;
  std::string certificate_file_;
  std::string private_key_file_;
};

}  // namespace aci::azure
