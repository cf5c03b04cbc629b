#include "daemon/http/server.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <exception>

#include "daemon/core/test_fault.hpp"

namespace aci::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// One live connection. Its coroutine owns the stream; the server keeps a pointer
// so stop() can close the ones that sit idle between requests.
struct HttpServer::Connection {
  beast::tcp_stream* tcp = nullptr;
  bool busy = false;  // a request is being handled or its response written
};

HttpServer::HttpServer(asio::any_io_executor executor, ServerOptions options, Handler handler)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      handler_(std::move(handler)),
      acceptor_(executor_),
      alive_(std::make_shared<bool>(true)) {}

HttpServer::~HttpServer() {
  *alive_ = false;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (Connection* connection : connections_) connection->tcp->socket().close(ignored);
}

Expected<tcp::endpoint, std::string> HttpServer::listen() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return unexpected("invalid listen address '" + options_.address + "': " + ec.message());
  const tcp::endpoint endpoint(address, options_.port);
  const auto where = options_.address + ":" + std::to_string(options_.port);
  if (acceptor_.open(endpoint.protocol(), ec); ec) return unexpected("cannot open " + where + ": " + ec.message());
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), ec); ec)
    return unexpected("cannot set SO_REUSEADDR on " + where + ": " + ec.message());
  if (acceptor_.bind(endpoint, ec); ec) return unexpected("cannot bind " + where + ": " + ec.message());
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec)
    return unexpected("cannot listen on " + where + ": " + ec.message());
  auto bound = acceptor_.local_endpoint(ec);
  if (ec) return unexpected("cannot read the bound address of " + where + ": " + ec.message());
  accept_loop_ = core::spawn_supervised(executor_, "http_accept", [this] { return accept_loop(); });
  return bound;
}

void HttpServer::stop() {
  stopping_ = true;
  accept_loop_.cancel();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (Connection* connection : connections_) {
    if (!connection->busy) connection->tcp->socket().close(ignored);
  }
}

asio::awaitable<void> HttpServer::accept_loop() {
  auto alive = alive_;
  while (*alive && !stopping_) {
    core::test_fault_point("http_accept");
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (!*alive || stopping_) co_return;
    if (ec) {
      // Out of descriptors or a transient accept failure: the loop goes on.
      continue;
    }
    ++accepted_;
    // serve() catches what it can; anything left is logged and counted, never lost.
    core::spawn_once(executor_, "http_connection",
                     [this, connection = std::make_shared<tcp::socket>(std::move(socket))] {
                       return serve(std::move(*connection));
                     });
  }
}

asio::awaitable<void> HttpServer::serve(tcp::socket socket) {
  auto alive = alive_;
  boost::system::error_code ec;
  RequestContext context{socket.remote_endpoint(ec), options_.tls != nullptr};
  Connection connection;
  beast::tcp_stream tcp_stream(std::move(socket));
  connection.tcp = &tcp_stream;
  connections_.push_back(&connection);
  auto self = std::prev(connections_.end());
  try {
    if (options_.tls) {
      beast::ssl_stream<beast::tcp_stream&> tls_stream(tcp_stream, *options_.tls);
      tcp_stream.expires_after(options_.header_timeout);
      co_await tls_stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) {
        co_await serve_stream(tls_stream, connection, context);
        if (*alive) {
          tcp_stream.expires_after(std::chrono::seconds(2));
          co_await tls_stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
        }
      }
    } else {
      co_await serve_stream(tcp_stream, connection, context);
    }
  } catch (...) {
    // A broken connection ends only itself; its socket closes with this frame.
  }
  if (*alive) {
    tcp_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    connections_.erase(self);
  }
}

template <class Stream>
asio::awaitable<void> HttpServer::serve_stream(Stream& stream, Connection& connection,
                                               const RequestContext& context) {
  auto alive = alive_;
  beast::flat_buffer buffer;
  while (*alive && !stopping_) {
    boost::system::error_code ec;
    beast::http::request_parser<beast::http::string_body> parser;
    parser.body_limit(options_.body_limit);
    connection.tcp->expires_after(options_.header_timeout);
    co_await beast::http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (!*alive) co_return;
    if (ec == beast::http::error::body_limit) {
      auto response = make_response(413, "request body too large\n");
      response.keep_alive(false);
      connection.tcp->expires_after(options_.header_timeout);
      co_await beast::http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      co_return;
    }
    if (ec) co_return;  // closed, timed out or malformed: nothing to answer
    connection.busy = true;
    ServerRequest request = parser.release();
    ServerResponse response;
    try {
      response = co_await handler_(request, context);
    } catch (const DropConnection&) {
      co_return;
    } catch (const std::exception&) {
      response = make_response(500, "internal error\n");
    }
    if (!*alive) co_return;
    response.version(request.version());
    response.keep_alive(request.keep_alive() && !stopping_);
    response.prepare_payload();
    connection.tcp->expires_after(options_.header_timeout);
    co_await beast::http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    connection.busy = false;
    if (ec || !response.keep_alive()) co_return;
  }
}

ServerResponse make_response(unsigned status, std::string body, const std::string& content_type) {
  ServerResponse response{static_cast<beast::http::status>(status), 11};
  response.set(beast::http::field::content_type, content_type);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

}  // namespace aci::http
