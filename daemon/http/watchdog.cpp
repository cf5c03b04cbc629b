#include "daemon/http/watchdog.hpp"

#include <boost/asio/steady_timer.hpp>

namespace aci::http {

namespace asio = boost::asio;

struct Watchdog::State {
  explicit State(const asio::any_io_executor& executor) : timer(executor) {}

  void fire(ErrorKind why) {
    if (reason) return;
    reason = why;
    if (action) action();
  }

  asio::steady_timer timer;
  std::optional<ErrorKind> reason;
  std::function<void()> action;
};

void WatchdogRegistry::close(ErrorKind reason) {
  if (!closed_with_) closed_with_ = reason;
  for (Watchdog* watchdog : live_) watchdog->fire(reason);
}

Watchdog::Watchdog(const asio::any_io_executor& executor, WatchdogRegistry& registry)
    : state_(std::make_shared<State>(executor)), registry_(registry) {
  registration_ = registry_.live_.insert(registry_.live_.end(), this);
  if (registry_.closed_with_) fire(*registry_.closed_with_);
}

Watchdog::~Watchdog() {
  registry_.live_.erase(registration_);
  state_->action = nullptr;
  state_->timer.cancel();
}

void Watchdog::expire_at(Clock::time_point deadline) {
  state_->timer.expires_at(deadline);
  if (deadline == Clock::time_point::max()) return;
  // The handler holds the state weakly: a destroyed watchdog's wait completes harmlessly.
  state_->timer.async_wait([weak = std::weak_ptr<State>(state_)](const boost::system::error_code& ec) {
    const auto state = weak.lock();
    if (ec || !state) return;
    // A wait that completed just before expire_at() moved the deadline is stale.
    if (state->timer.expiry() > Clock::now()) return;
    state->fire(ErrorKind::timeout);
  });
}

void Watchdog::fire(ErrorKind reason) { state_->fire(reason); }

std::optional<ErrorKind> Watchdog::reason() const { return state_->reason; }

Watchdog::Guard Watchdog::guard(std::function<void()> action) {
  if (state_->reason) action();
  state_->action = std::move(action);
  return Guard(state_);
}

Watchdog::Guard::~Guard() { state_->action = nullptr; }

}  // namespace aci::http
