#pragma once
// ClientConnection: one client-side HTTP/1.1 connection, plain or TLS, plus the buffer
// that carries bytes from one response to the next. Each step takes the call's Watchdog
// and fails as a value; a firing watchdog closes the socket and the step reports timeout
// or cancelled. One call uses it at a time; ConnectionPool keeps it between calls.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <span>
#include <string>
#include <variant>

#include "daemon/core/expected.hpp"
#include "daemon/http/http_error.hpp"
#include "daemon/http/url.hpp"
#include "daemon/http/watchdog.hpp"

namespace aci::http {

using OutgoingRequest = boost::beast::http::request<boost::beast::http::string_body>;
// Bodies are read into caller-owned chunks, so one parser serves whole and streamed reads.
using ResponseParser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

class ClientConnection {
 public:
  // `tls` null: plain HTTP. `origin` ("https://host:port") keys the pool and prefixes errors.
  ClientConnection(boost::asio::any_io_executor executor, std::string origin,
                   std::shared_ptr<boost::asio::ssl::context> tls);

  const std::string& origin() const { return origin_; }
  bool is_open() const;

  // Resolves and connects to `via`, then for TLS handshakes, sending SNI (unless the
  // host is an IP literal) and verifying the certificate against `url`'s host.
  boost::asio::awaitable<Expected<Ok, Error>> establish(const Url& url, const HostPort& via,
                                                        Watchdog& watchdog);

  boost::asio::awaitable<Expected<Ok, Error>> write(const OutgoingRequest& request, Watchdog& watchdog);
  boost::asio::awaitable<Expected<Ok, Error>> read_header(ResponseParser& parser, Watchdog& watchdog);

  // Reads body bytes into `into`; returns how many (0 only once the body is complete).
  boost::asio::awaitable<Expected<std::size_t, Error>> read_body_some(ResponseParser& parser,
                                                                      std::span<char> into,
                                                                      Watchdog& watchdog);

  // True when neither buffered nor parsed bytes of a response exist: a failure now
  // means the peer closed before answering.
  bool nothing_received(const ResponseParser& parser) const {
    return buffer_.size() == 0 && !parser.got_some();
  }

  void close();
  // Closes and starts over unconnected, keeping the pool slot.
  void reset();

  // Pool bookkeeping while idle.
  std::chrono::steady_clock::time_point idle_since;
  boost::asio::steady_timer idle_timer;

 private:
  using PlainStream = boost::asio::ip::tcp::socket;
  using TlsStream = boost::beast::ssl_stream<boost::asio::ip::tcp::socket>;

  void renew_stream();
  boost::asio::ip::tcp::socket& socket();
  const boost::asio::ip::tcp::socket& socket() const;
  boost::asio::awaitable<Expected<boost::asio::ip::tcp::resolver::results_type, Error>> resolve(
      const HostPort& via, Watchdog& watchdog);
  boost::asio::awaitable<Expected<Ok, Error>> handshake(TlsStream& stream, const Url& url,
                                                        Watchdog& watchdog);
  // The error for a failed step: the watchdog's reason if it fired, else `kind`.
  Error failure(const Watchdog& watchdog, ErrorKind kind, std::string_view phase,
                std::string_view reason) const;

  boost::asio::any_io_executor executor_;
  std::string origin_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::variant<PlainStream, TlsStream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace aci::http
