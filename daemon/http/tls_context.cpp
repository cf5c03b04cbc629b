#include "daemon/http/tls_context.hpp"

#include <openssl/ssl.h>

#include <filesystem>
#include <system_error>

namespace aci::http {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {

// Old protocol versions stay off even where the system OpenSSL configuration allows them.
Expected<std::shared_ptr<ssl::context>, std::string> make_context(ssl::context::method method) {
  auto context = std::make_shared<ssl::context>(method);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                       ec);
  if (ec) return unexpected("cannot set TLS options: " + ec.message());
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1)
    return unexpected(std::string("cannot require TLS 1.2"));
  return context;
}

// load_verify_file's own message ("no such file") does not say which file; this does.
Expected<Ok, std::string> check_readable_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    return unexpected("CA bundle file '" + path + "' does not exist");
  if (!std::filesystem::is_regular_file(status))
    return unexpected("CA bundle '" + path + "' is not a regular file");
  return Ok{};
}

}  // namespace

Expected<std::shared_ptr<ssl::context>, std::string> make_server_tls_context(
    const std::string& certificate_chain_pem, const std::string& key_pem) {
  auto context = make_context(ssl::context::tls_server);
  if (!context) return context;
  boost::system::error_code ec;
  (*context)->use_certificate_chain(asio::buffer(certificate_chain_pem), ec);
  if (ec) return unexpected("invalid server certificate chain PEM: " + ec.message());
  (*context)->use_private_key(asio::buffer(key_pem), ssl::context::pem, ec);
  if (ec) return unexpected("invalid server private key PEM: " + ec.message());
  if (SSL_CTX_check_private_key((*context)->native_handle()) != 1)
    return unexpected(std::string("the server private key does not match its certificate"));
  return context;
}

Expected<std::shared_ptr<ssl::context>, std::string> make_client_tls_context(const ClientTlsOptions& options) {
  auto context = make_context(ssl::context::tls_client);
  if (!context) return context;
  boost::system::error_code ec;
  (*context)->set_default_verify_paths(ec);
  if (ec) return unexpected("cannot load the system CA certificates: " + ec.message());
  const auto& extra_ca_file = options.extra_ca_file;
  if (!extra_ca_file.empty()) {
    if (auto readable = check_readable_file(extra_ca_file); !readable) return unexpected(readable.error());
    (*context)->load_verify_file(extra_ca_file, ec);
    if (ec) return unexpected("cannot load CA bundle '" + extra_ca_file + "': " + ec.message());
  }
  if (!options.extra_ca_pem.empty()) {
    (*context)->add_certificate_authority(asio::buffer(options.extra_ca_pem), ec);
    if (ec) return unexpected("invalid CA certificate PEM: " + ec.message());
  }
  if (options.client_certificate_pem.empty() != options.client_key_pem.empty())
    return unexpected(std::string("a client certificate needs its key, and a key its certificate"));
  if (!options.client_certificate_pem.empty()) {
    (*context)->use_certificate_chain(asio::buffer(options.client_certificate_pem), ec);
    if (ec) return unexpected("invalid client certificate PEM: " + ec.message());
    (*context)->use_private_key(asio::buffer(options.client_key_pem), ssl::context::pem, ec);
    if (ec) return unexpected("invalid client key PEM: " + ec.message());
    if (SSL_CTX_check_private_key((*context)->native_handle()) != 1)
      return unexpected(std::string("the client key does not match its certificate"));
  }
  (*context)->set_verify_mode(ssl::verify_peer, ec);
  if (ec) return unexpected("cannot enable peer verification: " + ec.message());
  return context;
}

}  // namespace aci::http
