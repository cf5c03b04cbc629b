#pragma once
// ConnectionPool: keep-alive connections per origin (scheme://host:port), at most
// `max_per_origin` of them alive at once. acquire() hands out an idle connection, or a
// new unconnected one within the cap, or waits (FIFO) until one is released or the call's
// watchdog fires. Idle connections close after `idle_timeout`. It also holds the registry
// of live watchdogs, so shutdown() reaches every call. Use on the executor's thread only;
// held by shared_ptr because response streams and idle timers refer back to it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/core/expected.hpp"
#include "daemon/http/client_connection.hpp"
#include "daemon/http/http_error.hpp"
#include "daemon/http/url.hpp"
#include "daemon/http/watchdog.hpp"

namespace aci::http {

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  struct Options {
    std::size_t max_per_origin = 8;
    std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
  };

  ConnectionPool(boost::asio::any_io_executor executor, std::shared_ptr<boost::asio::ssl::context> tls,
                 Options options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle, open connection for `url`'s origin, or a new unconnected one (check is_open()).
  boost::asio::awaitable<Expected<std::unique_ptr<ClientConnection>, Error>> acquire(const Url& url,
                                                                                     Watchdog& watchdog);

  // Takes a connection back: kept idle when `reusable`, closed otherwise; a waiter may proceed.
  void release(std::unique_ptr<ClientConnection> connection, bool reusable);

  std::size_t idle_count() const;
  void close_idle();

  // Cancels every call, now and later (ErrorKind::cancelled), and closes idle connections.
  void shutdown();

  WatchdogRegistry& watchdogs() { return watchdogs_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  struct Waiter;
  struct Origin {
    std::size_t alive = 0;                                // idle plus handed out; bounded by max_per_origin
    std::vector<std::unique_ptr<ClientConnection>> idle;  // most recently used last
    std::list<Waiter*> waiters;
  };

  std::unique_ptr<ClientConnection> take_idle(Origin& origin);
  boost::asio::awaitable<void> wait_for_slot(Origin& origin, Watchdog& watchdog);
  void discard(Origin& origin, std::unique_ptr<ClientConnection> connection);
  void wake_one(Origin& origin);
  void keep_idle(Origin& origin, std::unique_ptr<ClientConnection> connection);
  void close_expired(const std::string& origin_key);
  bool expired(const ClientConnection& connection) const;

  boost::asio::any_io_executor executor_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  Options options_;
  std::map<std::string, Origin> origins_;
  WatchdogRegistry watchdogs_;
};

}  // namespace aci::http
