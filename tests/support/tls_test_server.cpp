#include "tests/support/tls_test_server.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <list>
#include <sstream>
#include <stdexcept>

namespace aci::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;
using Request = http::request<http::string_body>;

// Shared with every connection coroutine, so a coroutine outliving the server object
// (suspended until the io_context dies) never touches freed memory.
struct TlsTestServer::State {
  State(asio::any_io_executor executor_in, std::shared_ptr<asio::ssl::context> tls_in)
      : executor(std::move(executor_in)), acceptor(executor), tls(std::move(tls_in)) {}

  asio::any_io_executor executor;
  tcp::acceptor acceptor;
  std::shared_ptr<asio::ssl::context> tls;
  std::list<tcp::socket*> sockets;
  std::size_t accepted = 0;
  std::size_t open = 0;
  std::size_t max_open = 0;
  std::string last_sni;
  std::vector<std::string> chunks;
  std::chrono::milliseconds chunk_delay{0};
  std::uint16_t port = 0;
  bool stopped = false;
};

namespace {

using State = TlsTestServer::State;

enum class Next { keep_alive, close };

std::string status_line_and_headers(std::size_t content_length, const std::string& extra_headers = "") {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(content_length) + "\r\n" + extra_headers +
         "\r\n";
}

std::string echo_response(const Request& request) {
  const auto seen = [&](const char* name, http::field field) {
    const auto found = request.find(field);
    const std::string value = found == request.end() ? std::string("<none>") : std::string(found->value());
    return std::string("X-Seen-") + name + ": " + value + "\r\n";
  };
  const std::string headers = "X-Seen-Method: " + std::string(request.method_string()) + "\r\n" +
                              "X-Seen-Target: " + std::string(request.target()) + "\r\n" +
                              seen("Host", http::field::host) + seen("User-Agent", http::field::user_agent) +
                              seen("Content-Length", http::field::content_length);
  return status_line_and_headers(request.body().size(), headers) + request.body();
}

std::string chunk(const std::string& data) {
  std::ostringstream out;
  out << std::hex << data.size() << "\r\n" << data << "\r\n";
  return out.str();
}

std::size_t number_after(std::string_view target, std::string_view prefix) {
  return static_cast<std::size_t>(std::stoul(std::string(target.substr(prefix.size()))));
}

template <class Stream>
asio::awaitable<bool> write_text(Stream& stream, const std::string& text) {
  ErrorCode ec;
  co_await asio::async_write(stream, asio::buffer(text), asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

asio::awaitable<void> pause(const std::shared_ptr<State>& state, std::chrono::milliseconds delay) {
  asio::steady_timer timer(state->executor, delay);
  ErrorCode ignored;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

// Returns once the client closes or the server shuts the socket.
template <class Stream>
asio::awaitable<void> wait_for_close(Stream& stream) {
  std::array<char, 1024> sink{};
  for (;;) {
    ErrorCode ec;
    co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

template <class Stream>
asio::awaitable<void> send_lines(const std::shared_ptr<State>& state, Stream& stream, bool finish) {
  if (!co_await write_text(stream, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")) co_return;
  const auto chunks = state->chunks;
  for (const auto& data : chunks) {
    co_await pause(state, state->chunk_delay);
    if (!co_await write_text(stream, chunk(data))) co_return;
  }
  if (finish) co_await write_text(stream, "0\r\n\r\n");
}

template <class Stream>
asio::awaitable<Next> respond(const std::shared_ptr<State>& state, Stream& stream, tcp::socket& socket,
                              const Request& request) {
  const std::string_view target =
      request.target().substr(0, request.target().find('?'));  // routes ignore the query
  if (target == "/stall") {
    co_await wait_for_close(stream);
    co_return Next::close;
  }
  if (target == "/reset") {
    co_await write_text(stream, status_line_and_headers(1000) + "0123456789");
    ErrorCode ignored;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);  // close sends RST
    socket.close(ignored);
    co_return Next::close;
  }
  if (target == "/drop") co_return Next::close;
  if (target == "/close-after") {
    co_await write_text(stream, echo_response(request));
    co_return Next::close;
  }
  if (target.starts_with("/delay/"))
    co_await pause(state, std::chrono::milliseconds(number_after(target, "/delay/")));
  if (target.starts_with("/bytes/")) {
    const std::size_t size = number_after(target, "/bytes/");
    co_return co_await write_text(stream, status_line_and_headers(size) + std::string(size, 'x'))
        ? Next::keep_alive
        : Next::close;
  }
  if (target == "/lines" || target == "/lines-then-stall") {
    const bool finish = target == "/lines";
    co_await send_lines(state, stream, finish);
    if (finish) co_return Next::keep_alive;
    co_await wait_for_close(stream);
    co_return Next::close;
  }
  co_return co_await write_text(stream, echo_response(request)) ? Next::keep_alive : Next::close;
}

template <class Stream>
asio::awaitable<void> serve_requests(std::shared_ptr<State> state, Stream& stream, tcp::socket& socket) {
  beast::flat_buffer buffer;
  while (!state->stopped) {
    Request request;
    ErrorCode ec;
    co_await http::async_read(stream, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    if (co_await respond(state, stream, socket, request) == Next::close) co_return;
  }
}

asio::awaitable<void> serve_tls(std::shared_ptr<State> state, tcp::socket& socket) {
  beast::ssl_stream<tcp::socket&> stream(socket, *state->tls);
  ErrorCode ec;
  co_await stream.async_handshake(asio::ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
  state->last_sni = sni == nullptr ? "" : sni;
  co_await serve_requests(state, stream, socket);
}

asio::awaitable<void> serve(std::shared_ptr<State> state, tcp::socket socket) {
  ++state->accepted;
  state->max_open = std::max(state->max_open, ++state->open);
  const auto registration = state->sockets.insert(state->sockets.end(), &socket);
  try {
    if (state->tls) {
      co_await serve_tls(state, socket);
    } else {
      co_await serve_requests(state, socket, socket);
    }
  } catch (const std::exception&) {
    // A test server connection that breaks ends only itself.
  }
  ErrorCode ignored;
  socket.close(ignored);
  state->sockets.erase(registration);
  --state->open;
}

asio::awaitable<void> accept_loop(std::shared_ptr<State> state) {
  while (!state->stopped) {
    ErrorCode ec;
    tcp::socket socket = co_await state->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    asio::co_spawn(state->executor, serve(state, std::move(socket)), asio::detached);
  }
}

}  // namespace

TlsTestServer::TlsTestServer(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls)
    : state_(std::make_shared<State>(std::move(executor), std::move(tls))) {
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  ErrorCode ec;
  state_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state_->acceptor.bind(endpoint, ec);
  if (!ec) state_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) state_->port = state_->acceptor.local_endpoint(ec).port();
  if (ec) throw std::runtime_error("test server cannot listen: " + ec.message());
  asio::co_spawn(state_->executor, accept_loop(state_), asio::detached);
}

TlsTestServer::~TlsTestServer() {
  state_->stopped = true;
  ErrorCode ignored;
  state_->acceptor.close(ignored);
  for (tcp::socket* socket : state_->sockets) socket->close(ignored);
}

std::uint16_t TlsTestServer::port() const { return state_->port; }
std::size_t TlsTestServer::accepted() const { return state_->accepted; }
std::size_t TlsTestServer::max_concurrent() const { return state_->max_open; }
std::string TlsTestServer::last_sni() const { return state_->last_sni; }

void TlsTestServer::set_chunks(std::vector<std::string> chunks, std::chrono::milliseconds delay) {
  state_->chunks = std::move(chunks);
  state_->chunk_delay = delay;
}

}  // namespace aci::testing
