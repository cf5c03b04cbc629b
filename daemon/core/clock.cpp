#include "daemon/core/clock.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace aci::core {

namespace {

class RealTimer final : public Timer {
 public:
  explicit RealTimer(const boost::asio::any_io_executor& executor) : timer_(executor) {}

  // Timer
  boost::asio::awaitable<bool> wait_until(SteadyTime deadline) override {
    timer_.expires_at(deadline);
    boost::system::error_code ec;
    co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    // Only cancel() (or the timer's destruction) completes the wait with an error.
    co_return !ec;
  }
  void cancel() override { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
};

}  // namespace

boost::asio::awaitable<bool> Clock::sleep_until(boost::asio::any_io_executor executor,
                                                SteadyTime deadline) const {
  auto timer = make_timer(std::move(executor));
  co_return co_await timer->wait_until(deadline);
}

boost::asio::awaitable<bool> Clock::sleep_for(boost::asio::any_io_executor executor, Duration duration) const {
  co_return co_await sleep_until(std::move(executor), steady_now() + duration);
}

TimerPtr RealClock::make_timer(boost::asio::any_io_executor executor) const {
  return std::make_unique<RealTimer>(std::move(executor));
}

}  // namespace aci::core
