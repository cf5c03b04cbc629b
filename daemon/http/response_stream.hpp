#pragma once
// ResponseStream: a response whose status and headers have arrived and whose body is
// read line by line (LF or CRLF; a last line without a newline is still a line). It owns
// its connection and gives it back to the pool once the body has ended cleanly. Any
// error ends the stream. Use on the executor's thread only; do not destroy it while a
// next_line() is pending (cancel() and let the call return first).

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "daemon/core/expected.hpp"
#include "daemon/http/client_connection.hpp"
#include "daemon/http/http_error.hpp"
#include "daemon/http/watchdog.hpp"

namespace aci::http {

class ConnectionPool;

class ResponseStream {
 public:
  // Made by HttpClient::open_stream; `line_limit` bounds one line, not the whole body.
  ResponseStream(std::shared_ptr<ConnectionPool> pool, std::unique_ptr<ClientConnection> connection,
                 std::unique_ptr<ResponseParser> parser, std::size_t line_limit);
  ~ResponseStream();
  ResponseStream(const ResponseStream&) = delete;
  ResponseStream& operator=(const ResponseStream&) = delete;

  unsigned status() const;
  const boost::beast::http::fields& headers() const;

  // The next line without its line ending; nullopt at the clean end of the body. Failing
  // to get a line within `timeout` is ErrorKind::timeout, and ends the stream.
  boost::asio::awaitable<Expected<std::optional<std::string>, Error>> next_line(
      std::chrono::milliseconds timeout);

  // Makes a pending or later next_line() fail with ErrorKind::cancelled.
  void cancel();

 private:
  boost::asio::awaitable<Expected<std::optional<std::string>, Error>> read_line();
  std::optional<std::string> take_line();
  Error fail(Error error);
  void finish(bool reusable);

  std::shared_ptr<ConnectionPool> pool_;          // declared first: outlives the watchdog registered with it
  std::unique_ptr<ClientConnection> connection_;  // null once the body ended or failed
  std::unique_ptr<ResponseParser> parser_;
  std::size_t line_limit_;
  std::unique_ptr<Watchdog> watchdog_;
  std::string pending_;  // body bytes not yet returned as lines
  std::optional<Error> failure_;
};

}  // namespace aci::http
