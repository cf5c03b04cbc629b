#include "tests/support/fake_clock.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <map>
#include <utility>

namespace aci::test {

namespace {
class FakeTimer;
}

struct FakeClock::State {
  core::WallTime wall{std::chrono::seconds(1767225600)};  // 2026-01-01T00:00:00Z
  core::SteadyTime steady{std::chrono::hours(1)};
  std::uint64_t next_sequence = 0;
  // Ordered by deadline, then by the order the waits began, so equal deadlines fire FIFO.
  std::map<std::pair<core::SteadyTime, std::uint64_t>, FakeTimer*> sleepers;

  void move_to(core::SteadyTime target) {
    if (target <= steady) return;
    wall += std::chrono::duration_cast<core::WallTime::duration>(target - steady);
    steady = target;
  }
};

namespace {

using SleeperKey = std::pair<core::SteadyTime, std::uint64_t>;

// Each wait parks on a real steady_timer set to never expire; the clock wakes it by
// cancelling that timer, which posts the resumption to the io_context like any
// other completion. `fired_` tells a clock wake-up from a cancel().
class FakeTimer final : public core::Timer {
 public:
  FakeTimer(std::shared_ptr<FakeClock::State> state, const boost::asio::any_io_executor& executor)
      : state_(std::move(state)), wake_(executor) {}
  ~FakeTimer() override { unregister(); }

  // Timer
  boost::asio::awaitable<bool> wait_until(core::SteadyTime deadline) override {
    fired_ = false;
    if (deadline <= state_->steady) {
      // Still suspend through the io_context, as a real expired timer would, so a
      // loop of zero-length waits cannot starve other coroutines.
      fired_ = true;
      wake_.expires_at(boost::asio::steady_timer::time_point::min());
    } else {
      key_ = SleeperKey{deadline, state_->next_sequence++};
      state_->sleepers.emplace(*key_, this);
      wake_.expires_at(boost::asio::steady_timer::time_point::max());
    }
    boost::system::error_code ec;
    co_await wake_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    co_return fired_;
  }

  void cancel() override {
    if (!key_) return;
    unregister();
    wake_.cancel();
  }

  void fire() {
    unregister();
    fired_ = true;
    wake_.cancel();
  }

 private:
  void unregister() {
    if (key_) {
      state_->sleepers.erase(*key_);
      key_.reset();
    }
  }

  std::shared_ptr<FakeClock::State> state_;
  boost::asio::steady_timer wake_;
  std::optional<SleeperKey> key_;
  bool fired_ = false;
};

}  // namespace

FakeClock::FakeClock(boost::asio::io_context& io) : io_(io), state_(std::make_shared<State>()) {}

FakeClock::~FakeClock() = default;

core::WallTime FakeClock::now() const { return state_->wall; }

core::SteadyTime FakeClock::steady_now() const { return state_->steady; }

core::TimerPtr FakeClock::make_timer(boost::asio::any_io_executor executor) const {
  return std::make_unique<FakeTimer>(state_, std::move(executor));
}

void FakeClock::advance(std::chrono::steady_clock::duration step) { advance_to(state_->steady + step); }

void FakeClock::advance_to(core::SteadyTime target) {
  while (!state_->sleepers.empty()) {
    auto first = state_->sleepers.begin();
    if (first->first.first > target) break;
    state_->move_to(first->first.first);
    first->second->fire();
    poll();
  }
  state_->move_to(target);
}

void FakeClock::poll() {
  // poll() leaves a context that ran out of work stopped; later work must still run.
  io_.restart();
  io_.poll();
}

void FakeClock::set_wall_time(core::WallTime wall) { state_->wall = wall; }

std::size_t FakeClock::sleeper_count() const { return state_->sleepers.size(); }

std::optional<core::SteadyTime> FakeClock::next_deadline() const {
  if (state_->sleepers.empty()) return std::nullopt;
  return state_->sleepers.begin()->first.first;
}

}  // namespace aci::test
