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

// A client context; `extra_ca_file` may be empty (system CAs only).
Expected<std::shared_ptr<boost::asio::ssl::context>, std::string> make_client_tls_context(
    const std::string& extra_ca_file);

}  // namespace aci::http
