#include "daemon/http/response_stream.hpp"

#include <array>

#include "daemon/http/connection_pool.hpp"

namespace aci::http {

namespace asio = boost::asio;

ResponseStream::ResponseStream(std::shared_ptr<ConnectionPool> pool,
                               std::unique_ptr<ClientConnection> connection,
                               std::unique_ptr<ResponseParser> parser, std::size_t line_limit)
    : pool_(std::move(pool)),
      connection_(std::move(connection)),
      parser_(std::move(parser)),
      line_limit_(line_limit),
      watchdog_(std::make_unique<Watchdog>(pool_->executor(), pool_->watchdogs())) {}

ResponseStream::~ResponseStream() {
  finish(false);
  watchdog_.reset();
}

unsigned ResponseStream::status() const { return parser_->get().result_int(); }

const boost::beast::http::fields& ResponseStream::headers() const { return parser_->get(); }

void ResponseStream::cancel() { watchdog_->fire(ErrorKind::cancelled); }

asio::awaitable<Expected<std::optional<std::string>, Error>> ResponseStream::next_line(
    std::chrono::milliseconds timeout) {
  if (failure_) co_return unexpected(*failure_);
  watchdog_->expire_at(Watchdog::Clock::now() + timeout);
  auto line = co_await read_line();
  // Disarm, or a deadline left running would fire between calls.
  watchdog_->expire_at(Watchdog::Clock::time_point::max());
  co_return line;
}

asio::awaitable<Expected<std::optional<std::string>, Error>> ResponseStream::read_line() {
  std::array<char, 8192> chunk{};
  for (;;) {
    if (auto line = take_line()) co_return line;
    if (!connection_) co_return std::nullopt;
    if (parser_->is_done()) {
      finish(parser_->keep_alive());
      if (pending_.empty()) co_return std::nullopt;
      co_return std::exchange(pending_, {});
    }
    auto received = co_await connection_->read_body_some(*parser_, chunk, *watchdog_);
    if (!received) co_return unexpected(fail(std::move(received.error())));
    pending_.append(chunk.data(), *received);
    if (pending_.size() > line_limit_ && pending_.find('\n') == std::string::npos) {
      co_return unexpected(
          fail(make_error(ErrorKind::protocol, connection_->origin(), "reading the response body",
                          "a line exceeds " + std::to_string(line_limit_) + " bytes")));
    }
  }
}

std::optional<std::string> ResponseStream::take_line() {
  const auto newline = pending_.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  std::string line = pending_.substr(0, newline);
  pending_.erase(0, newline + 1);
  if (line.ends_with('\r')) line.pop_back();
  return line;
}

Error ResponseStream::fail(Error error) {
  failure_ = error;
  finish(false);
  return error;
}

void ResponseStream::finish(bool reusable) {
  if (connection_) pool_->release(std::move(connection_), reusable);
}

}  // namespace aci::http
