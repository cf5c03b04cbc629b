#include "daemon/http/connection_pool.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace aci::http {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// A call waiting for a free slot; release() dequeues it and cancels its timer to wake it.
struct ConnectionPool::Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : wake(executor, Clock::time_point::max()) {}
  asio::steady_timer wake;
  bool queued = true;
};

ConnectionPool::ConnectionPool(asio::any_io_executor executor, std::shared_ptr<asio::ssl::context> tls,
                               Options options)
    : executor_(std::move(executor)), tls_(std::move(tls)), options_(options) {}

ConnectionPool::~ConnectionPool() = default;

asio::awaitable<Expected<std::unique_ptr<ClientConnection>, Error>> ConnectionPool::acquire(
    const Url& url, Watchdog& watchdog) {
  const std::string key = url.origin();
  Origin& origin = origins_[key];  // std::map: the reference survives other insertions
  for (;;) {
    if (const auto why = watchdog.reason())
      co_return unexpected(aborted_error(*why, key, "waiting for a connection"));
    if (auto idle = take_idle(origin)) co_return idle;
    if (origin.alive < options_.max_per_origin) {
      ++origin.alive;
      co_return std::make_unique<ClientConnection>(executor_, key, url.is_tls() ? tls_ : nullptr);
    }
    co_await wait_for_slot(origin, watchdog);
  }
}

std::unique_ptr<ClientConnection> ConnectionPool::take_idle(Origin& origin) {
  while (!origin.idle.empty()) {
    auto connection = std::move(origin.idle.back());
    origin.idle.pop_back();
    connection->idle_timer.cancel();
    if (connection->is_open() && !expired(*connection)) return connection;
    --origin.alive;
  }
  return nullptr;
}

asio::awaitable<void> ConnectionPool::wait_for_slot(Origin& origin, Watchdog& watchdog) {
  Waiter waiter(executor_);
  const auto position = origin.waiters.insert(origin.waiters.end(), &waiter);
  {
    auto guard = watchdog.guard([&waiter] { waiter.wake.cancel(); });
    boost::system::error_code ignored;
    if (!watchdog.reason())
      co_await waiter.wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (waiter.queued) {
    origin.waiters.erase(position);
  } else if (watchdog.reason()) {
    wake_one(origin);  // woken but giving up: the slot must not be lost
  }
}

void ConnectionPool::wake_one(Origin& origin) {
  if (origin.waiters.empty()) return;
  Waiter* waiter = origin.waiters.front();
  origin.waiters.pop_front();
  waiter->queued = false;
  waiter->wake.cancel();
}

void ConnectionPool::release(std::unique_ptr<ClientConnection> connection, bool reusable) {
  Origin& origin = origins_[connection->origin()];
  if (reusable && connection->is_open() && !watchdogs_.closed() && options_.idle_timeout.count() > 0) {
    keep_idle(origin, std::move(connection));
  } else {
    discard(origin, std::move(connection));
  }
  wake_one(origin);
}

void ConnectionPool::discard(Origin& origin, std::unique_ptr<ClientConnection> connection) {
  connection->close();
  --origin.alive;
}

void ConnectionPool::keep_idle(Origin& origin, std::unique_ptr<ClientConnection> connection) {
  connection->idle_since = Clock::now();
  connection->idle_timer.expires_after(options_.idle_timeout);
  // Weak: a pool that is gone has closed its connections already.
  connection->idle_timer.async_wait(
      [weak = weak_from_this(), key = connection->origin()](const boost::system::error_code& ec) {
        if (ec) return;
        if (const auto pool = weak.lock()) pool->close_expired(key);
      });
  origin.idle.push_back(std::move(connection));
}

bool ConnectionPool::expired(const ClientConnection& connection) const {
  return Clock::now() - connection.idle_since >= options_.idle_timeout;
}

void ConnectionPool::close_expired(const std::string& origin_key) {
  Origin& origin = origins_[origin_key];
  auto& idle = origin.idle;
  for (auto it = idle.begin(); it != idle.end();) {
    if (expired(**it)) {
      discard(origin, std::move(*it));
      it = idle.erase(it);
      wake_one(origin);
    } else {
      ++it;
    }
  }
}

std::size_t ConnectionPool::idle_count() const {
  std::size_t count = 0;
  for (const auto& [key, origin] : origins_) count += origin.idle.size();
  return count;
}

void ConnectionPool::close_idle() {
  for (auto& [key, origin] : origins_) {
    while (!origin.idle.empty()) {
      discard(origin, std::move(origin.idle.back()));
      origin.idle.pop_back();
      wake_one(origin);
    }
  }
}

void ConnectionPool::shutdown() {
  watchdogs_.close(ErrorKind::cancelled);
  close_idle();
}

}  // namespace aci::http
