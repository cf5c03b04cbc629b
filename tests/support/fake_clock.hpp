#pragma once
// FakeClock: virtual time for tests, after Envoy's SimulatedTimeSystem. Time moves
// only when the test calls advance(); sleepers whose deadlines fall inside the step
// are woken one at a time in deadline order, and the io_context is polled after
// each, so a woken coroutine sees its own deadline as "now" and a sleep it starts
// inside the step fires within the same advance(). Call advance() from the test body,
// never from a coroutine running on the io_context. Single-threaded.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "daemon/core/clock.hpp"

namespace aci::test {

class FakeClock final : public core::Clock {
 public:
  // Wall time starts at 2026-01-01T00:00:00Z; steady time at an arbitrary non-zero point.
  explicit FakeClock(boost::asio::io_context& io);
  ~FakeClock() override;
  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;

  // Clock
  core::WallTime now() const override;
  core::SteadyTime steady_now() const override;
  core::TimerPtr make_timer(boost::asio::any_io_executor executor) const override;

  // Moves steady and wall time forward together, firing due sleepers in order.
  void advance(std::chrono::steady_clock::duration step);
  void advance_to(core::SteadyTime target);
  // Runs every handler that is ready now, without moving time.
  void poll();

  // Wall time alone jumps (NTP step, DST-free but still): steady time is unaffected.
  void set_wall_time(core::WallTime wall);

  std::size_t sleeper_count() const;
  std::optional<core::SteadyTime> next_deadline() const;

  struct State;

 private:
  boost::asio::io_context& io_;
  // Shared with the timers, so a timer may outlive the clock (e.g. a coroutine frame
  // destroyed late with its io_context) without touching freed memory.
  std::shared_ptr<State> state_;
};

}  // namespace aci::test
