#include "tests/support/test_certificates.hpp"

#include <stdexcept>

#include "daemon/http/tls_context.hpp"

namespace aci::testing {

namespace {

using namespace std::chrono_literals;

template <class T>
T value_or_throw(Expected<T, std::string> result, const char* what) {
  if (!result) throw std::runtime_error(std::string(what) + ": " + result.error());
  return std::move(*result);
}

}  // namespace

TestCertificates::TestCertificates(const std::vector<std::string>& dns_names,
                                   const std::vector<std::string>& ip_addresses)
    : ca_(value_or_throw(crypto::make_certificate_authority("aci-operator test CA", 24h), "test CA")),
      leaf_(issue(dns_names, ip_addresses)),
      ca_file_(dir_.write("ca.pem", ca_.certificate_pem)) {}

crypto::KeyAndCertificate TestCertificates::issue(const std::vector<std::string>& dns_names,
                                                  const std::vector<std::string>& ip_addresses) const {
  return value_or_throw(crypto::make_leaf_certificate(ca_, "test-server", dns_names, ip_addresses, 24h),
                        "test leaf certificate");
}

std::shared_ptr<boost::asio::ssl::context> TestCertificates::server_context() const {
  return server_context(leaf_);
}

std::shared_ptr<boost::asio::ssl::context> TestCertificates::server_context(
    const crypto::KeyAndCertificate& leaf) {
  return value_or_throw(http::make_server_tls_context(leaf.certificate_pem, leaf.key_pem),
                        "server TLS context");
}

}  // namespace aci::testing
