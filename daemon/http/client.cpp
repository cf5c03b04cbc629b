#include "daemon/http/client.hpp"

#include <array>
#include <limits>

#include "daemon/http/client_connection.hpp"
#include "daemon/http/connection_pool.hpp"
#include "daemon/http/tls_context.hpp"
#include "daemon/http/watchdog.hpp"

namespace aci::http {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// A request checked and turned into what goes on the wire, before the first suspension.
struct Prepared {
  Url url;
  HostPort via;  // where TCP goes: the URL's host and port unless connect_to says otherwise
  OutgoingRequest message;
};

// Headers are far larger than this only when something is wrong; Azure's stay well below.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr std::size_t kReadChunkBytes = std::size_t{16} * 1024;

// A connection with its response status and headers read, the body still to come.
struct Exchange {
  std::unique_ptr<ClientConnection> connection;
  std::unique_ptr<ResponseParser> parser;
};

std::unique_ptr<ResponseParser> make_parser(beast::http::verb method) {
  auto parser = std::make_unique<ResponseParser>();
  // Callers enforce their own limits, per body or per line. Not boost::none: Beast 1.74
  // compares the length against the optional and treats none as exceeded.
  parser->body_limit(std::numeric_limits<std::uint64_t>::max());
  parser->header_limit(kHeaderLimit);
  if (method == beast::http::verb::head) parser->skip(true);
  return parser;
}

asio::awaitable<Expected<Ok, Error>> write_and_read_header(ClientConnection& connection,
                                                           const OutgoingRequest& message,
                                                           ResponseParser& parser, Watchdog& watchdog) {
  if (auto written = co_await connection.write(message, watchdog); !written) co_return written;
  co_return co_await connection.read_header(parser, watchdog);
}

// Gets a connection and sends the request. A reused connection that fails before any
// response byte was closed by the server while idle; the request goes once more, on a
// new connection in the same pool slot.
asio::awaitable<Expected<Exchange, Error>> start_exchange(ConnectionPool& pool, const Prepared& request,
                                                          Watchdog& watchdog) {
  auto acquired = co_await pool.acquire(request.url, watchdog);
  if (!acquired) co_return unexpected(std::move(acquired.error()));
  auto connection = std::move(*acquired);
  bool may_retry = connection->is_open();
  for (;;) {
    if (!connection->is_open()) {
      if (auto established = co_await connection->establish(request.url, request.via, watchdog);
          !established) {
        pool.release(std::move(connection), false);
        co_return unexpected(std::move(established.error()));
      }
    }
    auto parser = make_parser(request.message.method());
    auto sent = co_await write_and_read_header(*connection, request.message, *parser, watchdog);
    if (sent) co_return Exchange{std::move(connection), std::move(parser)};
    if (!may_retry || sent.error().kind != ErrorKind::closed || !connection->nothing_received(*parser)) {
      pool.release(std::move(connection), false);
      co_return unexpected(std::move(sent.error()));
    }
    may_retry = false;
    connection->reset();
  }
}

asio::awaitable<Expected<std::string, Error>> read_whole_body(Exchange& exchange, std::size_t limit,
                                                              Watchdog& watchdog) {
  auto& parser = *exchange.parser;
  const auto too_large = [&] {
    return make_error(ErrorKind::protocol, exchange.connection->origin(), "reading the response body",
                      "body exceeds the limit of " + std::to_string(limit) + " bytes");
  };
  if (const auto length = parser.content_length(); length && *length > limit)
    co_return unexpected(too_large());
  std::string body;
  std::array<char, kReadChunkBytes> chunk{};
  while (!parser.is_done()) {
    auto received = co_await exchange.connection->read_body_some(parser, chunk, watchdog);
    if (!received) co_return unexpected(std::move(received.error()));
    if (body.size() + *received > limit) co_return unexpected(too_large());
    body.append(chunk.data(), *received);
  }
  co_return body;
}

Expected<Prepared, Error> prepare(Request request, const std::map<std::string, HostPort>& connect_to,
                                  const std::string& user_agent) {
  auto url = Url::parse(request.url);
  if (!url) return unexpected(Error{ErrorKind::protocol, "invalid URL: " + url.error()});
  const auto override_target = connect_to.find(url->authority());
  HostPort via =
      override_target != connect_to.end() ? override_target->second : HostPort{url->host, url->port};
  OutgoingRequest message(request.method, url->target, 11, std::move(request.body),
                          std::move(request.headers));
  // The URL decides Host, even under connect_to; a caller's own User-Agent is kept.
  message.set(beast::http::field::host, url->host_header());
  if (message.find(beast::http::field::user_agent) == message.end())
    message.set(beast::http::field::user_agent, user_agent);
  message.prepare_payload();
  return Prepared{std::move(*url), std::move(via), std::move(message)};
}

asio::awaitable<Expected<Response, Error>> perform_send(std::shared_ptr<ConnectionPool> pool,
                                                        Expected<Prepared, Error> prepared,
                                                        RequestOptions options) {
  if (!prepared) co_return unexpected(std::move(prepared.error()));
  Watchdog watchdog(pool->executor(), pool->watchdogs());
  watchdog.expire_at(Watchdog::Clock::now() + options.timeout);
  auto exchange = co_await start_exchange(*pool, *prepared, watchdog);
  if (!exchange) co_return unexpected(std::move(exchange.error()));
  auto body = co_await read_whole_body(*exchange, options.body_limit, watchdog);
  auto& parser = *exchange->parser;
  pool->release(std::move(exchange->connection), body && parser.keep_alive());
  if (!body) co_return unexpected(std::move(body.error()));
  auto& message = parser.get();
  co_return Response{message.result_int(), std::move(message.base()), std::move(*body)};
}

asio::awaitable<Expected<std::unique_ptr<ResponseStream>, Error>> perform_open_stream(
    std::shared_ptr<ConnectionPool> pool, Expected<Prepared, Error> prepared, RequestOptions options) {
  if (!prepared) co_return unexpected(std::move(prepared.error()));
  Watchdog watchdog(pool->executor(), pool->watchdogs());
  watchdog.expire_at(Watchdog::Clock::now() + options.timeout);
  auto exchange = co_await start_exchange(*pool, *prepared, watchdog);
  if (!exchange) co_return unexpected(std::move(exchange.error()));
  co_return std::make_unique<ResponseStream>(pool, std::move(exchange->connection),
                                             std::move(exchange->parser), options.body_limit);
}

}  // namespace

Expected<std::unique_ptr<HttpClient>, std::string> HttpClient::create(asio::any_io_executor executor,
                                                                      ClientOptions options) {
  auto tls = make_client_tls_context(options.tls);
  if (!tls) return unexpected(std::move(tls.error()));
  std::map<std::string, HostPort> connect_to;
  for (const auto& [from, to] : options.connect_to) {
    auto source = HostPort::parse(from);
    if (!source) return unexpected("connect_to key '" + from + "': " + source.error());
    auto target = HostPort::parse(to);
    if (!target) return unexpected("connect_to target '" + to + "': " + target.error());
    connect_to.emplace(source->to_string(), std::move(*target));
  }
  ConnectionPool::Options pool_options{options.max_connections_per_host, options.idle_timeout};
  if (pool_options.max_per_origin == 0)
    return unexpected(std::string("max_connections_per_host must be at least 1"));
  auto pool = std::make_shared<ConnectionPool>(executor, std::move(*tls), pool_options);
  return std::unique_ptr<HttpClient>(
      new HttpClient(std::move(executor), std::move(options), std::move(connect_to), std::move(pool)));
}

HttpClient::HttpClient(asio::any_io_executor executor, ClientOptions options,
                       std::map<std::string, HostPort> connect_to, std::shared_ptr<ConnectionPool> pool)
    : executor_(std::move(executor)),
      options_(std::move(options)),
      connect_to_(std::move(connect_to)),
      pool_(std::move(pool)) {}

HttpClient::~HttpClient() { pool_->shutdown(); }

asio::awaitable<Expected<Response, Error>> HttpClient::send(Request request, RequestOptions options) {
  // Not a coroutine itself: the returned coroutine holds the pool, never `this`.
  return perform_send(pool_, prepare(std::move(request), connect_to_, options_.user_agent), options);
}

asio::awaitable<Expected<std::unique_ptr<ResponseStream>, Error>> HttpClient::open_stream(
    Request request, RequestOptions options) {
  return perform_open_stream(pool_, prepare(std::move(request), connect_to_, options_.user_agent), options);
}

std::size_t HttpClient::idle_connections() const { return pool_->idle_count(); }

void HttpClient::close_idle() { pool_->close_idle(); }

void HttpClient::shutdown() { pool_->shutdown(); }

}  // namespace aci::http
