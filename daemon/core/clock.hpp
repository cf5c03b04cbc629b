#pragma once
// Clock: the one source of time for the controller machinery. Wall time and
// monotonic time are separate (as in Envoy's TimeSource) and waiting goes through
// Timer, so tests swap RealClock for a FakeClock and run schedules in virtual time.
// Timers are used on their executor's thread only; a Clock may be shared freely.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "daemon/core/time_types.hpp"

namespace aci::core {

// One cancellable wait at a time. Boost 1.74 has no per-operation cancellation,
// so a waiter is woken early by calling cancel() on the timer it waits on.
class Timer {
 public:
  virtual ~Timer() = default;

  // Suspends until the clock's steady time reaches `deadline`. Returns true when
  // the deadline was reached, false when cancel() ended the wait first. A deadline
  // already passed completes without waiting for the clock.
  virtual boost::asio::awaitable<bool> wait_until(SteadyTime deadline) = 0;

  // Ends a pending wait_until (it returns false). Without a pending wait it does
  // nothing: a later wait_until is not affected.
  virtual void cancel() = 0;
};
using TimerPtr = std::unique_ptr<Timer>;

class Clock {
 public:
  virtual ~Clock() = default;

  virtual WallTime now() const = 0;
  virtual SteadyTime steady_now() const = 0;

  // A timer whose waits resume on `executor`.
  virtual TimerPtr make_timer(boost::asio::any_io_executor executor) const = 0;

  // Convenience: an uncancellable sleep. Returns true unless the timer was torn down.
  boost::asio::awaitable<bool> sleep_until(boost::asio::any_io_executor executor, SteadyTime deadline) const;
  boost::asio::awaitable<bool> sleep_for(boost::asio::any_io_executor executor, Duration duration) const;
};

// The operating system's clocks and Asio steady_timers.
class RealClock final : public Clock {
 public:
  // Clock
  WallTime now() const override { return std::chrono::system_clock::now(); }
  SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
  TimerPtr make_timer(boost::asio::any_io_executor executor) const override;
};

}  // namespace aci::core
