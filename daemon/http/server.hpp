#pragma once
// HttpServer: a small HTTP/1.1 server (optionally TLS) on an Asio executor. One
// coroutine per connection; every request goes to one Handler, which returns the
// response. stop() stops accepting and closes idle connections; requests already
// being handled finish and their connections then close. All member functions
// must be called on the executor's thread; the server must outlive its coroutines
// (wait for connection_count() to reach zero, or stop the io_context, first). The accept
// loop runs under the LoopSupervisor (loop "http_accept"), which restarts it if it throws.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include "daemon/core/expected.hpp"
#include "daemon/core/loop_supervisor.hpp"

namespace aci::http {

using ServerRequest = boost::beast::http::request<boost::beast::http::string_body>;
using ServerResponse = boost::beast::http::response<boost::beast::http::string_body>;

// What a handler sees besides the request itself.
struct RequestContext {
  boost::asio::ip::tcp::endpoint remote;
  bool tls = false;
};

// Returns the response to send; the server fills in version and keep-alive.
// A handler that throws DropConnection makes the server close the connection
// without answering (fault injection); any other exception produces a 500.
struct DropConnection {};

using Handler =
    std::function<boost::asio::awaitable<ServerResponse>(ServerRequest&, const RequestContext&)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the kernel picks one; listen() reports it
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  std::size_t body_limit = std::size_t{1024} * 1024;
  std::chrono::milliseconds header_timeout = std::chrono::seconds(30);  // also the idle keep-alive limit
};

class HttpServer {
 public:
  HttpServer(boost::asio::any_io_executor executor, ServerOptions options, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts accepting. The error names the address and the reason.
  Expected<boost::asio::ip::tcp::endpoint, std::string> listen();

  // Stops accepting, closes idle connections; in-flight requests complete.
  void stop();

  std::size_t connection_count() const noexcept { return connections_.size(); }
  std::uint64_t accepted_count() const noexcept { return accepted_; }

 private:
  struct Connection;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  template <class Stream>
  boost::asio::awaitable<void> serve_stream(Stream& stream, Connection& connection,
                                            const RequestContext& context);

  boost::asio::any_io_executor executor_;
  ServerOptions options_;
  Handler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::list<Connection*> connections_;
  std::uint64_t accepted_ = 0;
  bool stopping_ = false;
  std::shared_ptr<bool> alive_;
  core::LoopHandle accept_loop_;
};

// Helpers for handlers.
ServerResponse make_response(unsigned status, std::string body,
                             const std::string& content_type = "text/plain; charset=utf-8");

}  // namespace aci::http
