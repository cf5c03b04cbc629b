#pragma once
// TLS contexts for our server and client, TLS 1.2 or newer. The client context always
// verifies the peer against the system CAs plus an optional extra PEM bundle (the
// emulator's CA); host-name checks are per connection, in HttpClient. Errors name the
// file or PEM at fault, never key material.

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "daemon/core/expected.hpp"

namespace aci::http {

// A server context presenting `certificate_chain_pem` (leaf first, then intermediates).
Expected<std::shared_ptr<boost::asio::ssl::context>, std::string> make_server_tls_context(
    const std::string& certificate_chain_pem, const std::string& key_pem);

// What a client trusts besides the system CAs, and who it is (mutual TLS). Every
// member may be empty.
struct ClientTlsOptions {
  std::string extra_ca_file{};           // PEM bundle file
  std::string extra_ca_pem{};            // PEM bundle text (a kubeconfig's certificate-authority-data)
  std::string client_certificate_pem{};  // presented to servers that ask; needs client_key_pem
  std::string client_key_pem{};
};

Expected<std::shared_ptr<boost::asio::ssl::context>, std::string> make_client_tls_context(
    const ClientTlsOptions& options);

}  // namespace aci::http
