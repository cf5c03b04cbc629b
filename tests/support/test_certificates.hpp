#pragma once
// Certificates made at test time for TLS tests: a CA, a server leaf it signed for the
// given names, and the CA in a PEM file for ClientTlsOptions::extra_ca_file (removed with the
// object). Throws std::runtime_error when generation fails: a broken setup, not a result.

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "daemon/crypto/certificate.hpp"
#include "tests/support/child_process.hpp"

namespace aci::testing {

class TestCertificates {
 public:
  TestCertificates(const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses);

  // A new leaf from the same CA, for a server that must present other names.
  crypto::KeyAndCertificate issue(const std::vector<std::string>& dns_names,
                                  const std::vector<std::string>& ip_addresses) const;

  // A server TLS context presenting `leaf` (by default this object's own leaf).
  std::shared_ptr<boost::asio::ssl::context> server_context() const;
  static std::shared_ptr<boost::asio::ssl::context> server_context(const crypto::KeyAndCertificate& leaf);

  const crypto::KeyAndCertificate& ca() const { return ca_; }
  const crypto::KeyAndCertificate& leaf() const { return leaf_; }
  const std::string& ca_file() const { return ca_file_; }

 private:
  TempDir dir_;
  crypto::KeyAndCertificate ca_;
  crypto::KeyAndCertificate leaf_;
  std::string ca_file_;
};

}  // namespace aci::testing
