#include "daemon/http/client_connection.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace aci::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;

namespace {

using ErrorCode = boost::system::error_code;

// A failed read or write: a peer that went away is `closed`, bytes that are not HTTP are
// `protocol`, and TLS errors other than a missing close_notify are `tls`.
ErrorKind classify_transfer_error(const ErrorCode& ec) {
  if (ec == ssl::error::stream_truncated) return ErrorKind::closed;
  if (ec.category() == asio::error::get_ssl_category()) return ErrorKind::tls;
  if (ec.category() == beast::http::make_error_code(beast::http::error::end_of_stream).category()) {
    const bool cut_short =
        ec == beast::http::error::end_of_stream || ec == beast::http::error::partial_message;
    return cut_short ? ErrorKind::closed : ErrorKind::protocol;
  }
  return ErrorKind::closed;
}

// Certificate problems say what was wrong with the certificate, not just "handshake failed".
std::string handshake_failure_reason(SSL* ssl, const ErrorCode& ec) {
  const long verify_result = SSL_get_verify_result(ssl);
  if (verify_result != X509_V_OK)
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify_result);
  return ec.message();
}

// The resolver's completion lands here, so a deadline can stop the wait even though
// getaddrinfo itself cannot be interrupted.
struct PendingResolve {
  explicit PendingResolve(const asio::any_io_executor& executor) : resolver(executor), done(executor) {
    done.expires_at(asio::steady_timer::time_point::max());
  }
  tcp::resolver resolver;
  asio::steady_timer done;
  ErrorCode ec;
  tcp::resolver::results_type results;
  bool finished = false;
};

}  // namespace

ClientConnection::ClientConnection(asio::any_io_executor executor, std::string origin,
                                   std::shared_ptr<ssl::context> tls)
    : idle_timer(executor),
      executor_(std::move(executor)),
      origin_(std::move(origin)),
      tls_(std::move(tls)),
      stream_(std::in_place_type<PlainStream>, executor_) {
  renew_stream();
}

tcp::socket& ClientConnection::socket() {
  return std::visit([](auto& stream) -> tcp::socket& { return beast::get_lowest_layer(stream); }, stream_);
}

const tcp::socket& ClientConnection::socket() const {
  return std::visit([](const auto& stream) -> const tcp::socket& { return beast::get_lowest_layer(stream); },
                    stream_);
}

bool ClientConnection::is_open() const { return socket().is_open(); }

void ClientConnection::close() {
  ErrorCode ignored;
  socket().close(ignored);
}

void ClientConnection::reset() {
  close();
  buffer_.clear();
  renew_stream();
}

// A TLS session cannot be restarted on a new socket, so a reset builds a new stream.
void ClientConnection::renew_stream() {
  if (tls_) {
    stream_.emplace<TlsStream>(executor_, *tls_);
  } else {
    stream_.emplace<PlainStream>(executor_);
  }
}

Error ClientConnection::failure(const Watchdog& watchdog, ErrorKind kind, std::string_view phase,
                                std::string_view reason) const {
  if (const auto why = watchdog.reason()) return aborted_error(*why, origin_, phase);
  return make_error(kind, origin_, phase, reason);
}

asio::awaitable<Expected<tcp::resolver::results_type, Error>> ClientConnection::resolve(const HostPort& via,
                                                                                        Watchdog& watchdog) {
  const std::string phase = "resolving " + via.host;
  if (watchdog.reason()) co_return unexpected(failure(watchdog, ErrorKind::resolve, phase, ""));
  auto pending = std::make_shared<PendingResolve>(executor_);
  pending->resolver.async_resolve(via.host, std::to_string(via.port),
                                  [pending](const ErrorCode& ec, tcp::resolver::results_type results) {
                                    pending->ec = ec;
                                    pending->results = std::move(results);
                                    pending->finished = true;
                                    pending->done.cancel();
                                  });
  {
    auto guard = watchdog.guard([pending] {
      pending->resolver.cancel();
      pending->done.cancel();
    });
    ErrorCode ignored;
    if (!pending->finished && !watchdog.reason())
      co_await pending->done.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (watchdog.reason() || pending->ec || !pending->finished)
    co_return unexpected(failure(watchdog, ErrorKind::resolve, phase, pending->ec.message()));
  co_return std::move(pending->results);
}

asio::awaitable<Expected<Ok, Error>> ClientConnection::establish(const Url& url, const HostPort& via,
                                                                 Watchdog& watchdog) {
  auto endpoints = co_await resolve(via, watchdog);
  if (!endpoints) co_return unexpected(std::move(endpoints.error()));
  const std::string phase =
      url.authority() == via.to_string() ? "connecting" : "connecting via " + via.to_string();
  if (watchdog.reason()) co_return unexpected(failure(watchdog, ErrorKind::connect, phase, ""));
  ErrorCode ec;
  {
    auto guard = watchdog.guard([this] { close(); });
    co_await asio::async_connect(socket(), *endpoints, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec || watchdog.reason())
    co_return unexpected(failure(watchdog, ErrorKind::connect, phase, ec.message()));
  socket().set_option(tcp::no_delay(true), ec);  // requests are small; do not wait for more
  if (auto* tls = std::get_if<TlsStream>(&stream_)) co_return co_await handshake(*tls, url, watchdog);
  co_return Ok{};
}

asio::awaitable<Expected<Ok, Error>> ClientConnection::handshake(TlsStream& stream, const Url& url,
                                                                 Watchdog& watchdog) {
  constexpr std::string_view phase = "TLS handshake";
  SSL* ssl = stream.native_handle();
  // OpenSSL checks the name during the handshake, so a mismatch fails like any other
  // verification error; IP literals are matched against IP SANs and get no SNI.
  const bool named =
      url.is_ip_literal()
          ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str()) == 1
          : SSL_set_tlsext_host_name(ssl, url.host.c_str()) == 1 && SSL_set1_host(ssl, url.host.c_str()) == 1;
  if (!named)
    co_return unexpected(make_error(ErrorKind::tls, origin_, phase, "cannot set the expected host name"));
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  ErrorCode ec;
  {
    auto guard = watchdog.guard([this] { close(); });
    co_await stream.async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec || watchdog.reason())
    co_return unexpected(failure(watchdog, ErrorKind::tls, phase, handshake_failure_reason(ssl, ec)));
  co_return Ok{};
}

asio::awaitable<Expected<Ok, Error>> ClientConnection::write(const OutgoingRequest& request,
                                                             Watchdog& watchdog) {
  constexpr std::string_view phase = "writing the request";
  if (watchdog.reason()) co_return unexpected(failure(watchdog, ErrorKind::closed, phase, ""));
  ErrorCode ec;
  {
    auto guard = watchdog.guard([this] { close(); });
    co_await std::visit(
        [&](auto& stream) {
          return beast::http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
        },
        stream_);
  }
  if (ec || watchdog.reason())
    co_return unexpected(failure(watchdog, classify_transfer_error(ec), phase, ec.message()));
  co_return Ok{};
}

asio::awaitable<Expected<Ok, Error>> ClientConnection::read_header(ResponseParser& parser,
                                                                   Watchdog& watchdog) {
  constexpr std::string_view phase = "reading the response header";
  if (watchdog.reason()) co_return unexpected(failure(watchdog, ErrorKind::closed, phase, ""));
  ErrorCode ec;
  {
    auto guard = watchdog.guard([this] { close(); });
    co_await std::visit(
        [&](auto& stream) {
          return beast::http::async_read_header(stream, buffer_, parser,
                                                asio::redirect_error(asio::use_awaitable, ec));
        },
        stream_);
  }
  if (ec || watchdog.reason())
    co_return unexpected(failure(watchdog, classify_transfer_error(ec), phase, ec.message()));
  co_return Ok{};
}

asio::awaitable<Expected<std::size_t, Error>> ClientConnection::read_body_some(ResponseParser& parser,
                                                                               std::span<char> into,
                                                                               Watchdog& watchdog) {
  constexpr std::string_view phase = "reading the response body";
  auto& body = parser.get().body();
  // A chunk header alone parses to zero body bytes; keep reading until bytes or the end.
  while (!parser.is_done()) {
    if (watchdog.reason()) co_return unexpected(failure(watchdog, ErrorKind::closed, phase, ""));
    body.data = into.data();
    body.size = into.size();
    ErrorCode ec;
    {
      auto guard = watchdog.guard([this] { close(); });
      co_await std::visit(
          [&](auto& stream) {
            return beast::http::async_read_some(stream, buffer_, parser,
                                                asio::redirect_error(asio::use_awaitable, ec));
          },
          stream_);
    }
    if (ec == beast::http::error::need_buffer) ec = {};  // `into` is full: not an error
    if (ec || watchdog.reason())
      co_return unexpected(failure(watchdog, classify_transfer_error(ec), phase, ec.message()));
    if (const std::size_t received = into.size() - body.size; received > 0) co_return received;
  }
  co_return std::size_t{0};
}

}  // namespace aci::http
