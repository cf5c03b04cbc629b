#pragma once
// HttpClient: HTTP/1.1 and HTTPS client for coroutines on one executor. Every call has
// one deadline covering resolve, connect, handshake, write and read; HTTPS always
// verifies the certificate chain (system CAs plus an optional extra bundle) and the host
// name. Connections are pooled per origin with a cap. Failures are values (Error); no
// exception escapes. Use on the executor's thread only; calls in flight when the client
// is destroyed or shut down end with ErrorKind::cancelled.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/core/expected.hpp"
#include "daemon/http/http_error.hpp"
#include "daemon/http/response.hpp"
#include "daemon/http/response_stream.hpp"
#include "daemon/http/tls_context.hpp"
#include "daemon/http/url.hpp"

namespace aci::http {

class ConnectionPool;

// Members all have default initializers so designated initializers may omit any of them.
// GCC 12.2 destroys the members of a braced temporary twice when it sits inside a
// co_await expression (`co_await client.send(Request{...})`): name the Request first.
struct Request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string url{};
  // Host, User-Agent (unless given here) and Content-Length are set by the client.
  boost::beast::http::fields headers{};
  std::string body{};
};

struct RequestOptions {
  // The whole call, from resolving the host to the last body byte.
  std::chrono::milliseconds timeout = std::chrono::seconds(30);
  // A larger body fails with ErrorKind::protocol; for streams the limit is per line.
  std::size_t body_limit = std::size_t{16} * 1024 * 1024;
};

struct ClientOptions {
  ClientTlsOptions tls{};  // CAs trusted besides the system's; a client certificate
  std::size_t max_connections_per_host = 8;
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
  std::string user_agent = "aci-operator";
  // "host:port" -> "otherhost:otherport": TCP goes to the override while Host, SNI and
  // certificate verification keep the URL's host, as curl --connect-to does.
  std::map<std::string, std::string> connect_to{};
};

class HttpClient {
 public:
  // Fails when the CA bundle cannot be loaded or a connect_to entry is malformed.
  static Expected<std::unique_ptr<HttpClient>, std::string> create(boost::asio::any_io_executor executor,
                                                                   ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and reads the whole response. A pooled connection that the server
  // closed before answering is retried once on a new connection.
  boost::asio::awaitable<Expected<Response, Error>> send(Request request, RequestOptions options = {});

  // Sends `request` and reads status and headers; the body is then read line by line
  // from the stream (chunked or not), as Kubernetes watches need.
  boost::asio::awaitable<Expected<std::unique_ptr<ResponseStream>, Error>> open_stream(
      Request request, RequestOptions options = {});

  std::size_t idle_connections() const;
  void close_idle();

  // Ends every call and stream in flight with ErrorKind::cancelled and fails later ones the same way.
  void shutdown();

 private:
  HttpClient(boost::asio::any_io_executor executor, ClientOptions options,
             std::map<std::string, HostPort> connect_to, std::shared_ptr<ConnectionPool> pool);

  boost::asio::any_io_executor executor_;
  ClientOptions options_;
  std::map<std::string, HostPort> connect_to_;  // keyed by HostPort::to_string()
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace aci::http
