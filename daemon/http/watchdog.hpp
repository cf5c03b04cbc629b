#pragma once
// Watchdog: bounds one client call in time and lets a shutdown reach it. While a guard
// is installed, firing runs the guard's action (close a socket, cancel a wait) so the
// pending I/O completes at once; the call then asks reason() and reports timeout or
// cancelled rather than the I/O error the abort caused. Single-threaded: use on the
// executor's thread only; the registry must outlive its watchdogs.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <optional>

#include "daemon/http/http_error.hpp"

namespace aci::http {

class Watchdog;

// The live watchdogs of one client, so that shutdown can fire them all.
class WatchdogRegistry {
 public:
  // Fires every live watchdog with `reason`, and every later one as it is created.
  void close(ErrorKind reason);
  bool closed() const { return closed_with_.has_value(); }

 private:
  friend class Watchdog;
  std::list<Watchdog*> live_;
  std::optional<ErrorKind> closed_with_;
};

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  Watchdog(const boost::asio::any_io_executor& executor, WatchdogRegistry& registry);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Fires with ErrorKind::timeout at `deadline`, replacing any earlier deadline;
  // Clock::time_point::max() never fires.
  void expire_at(Clock::time_point deadline);

  // Fires now; the first reason sticks, later ones are ignored.
  void fire(ErrorKind reason);

  std::optional<ErrorKind> reason() const;

  struct State;
  // Uninstalls its action when destroyed.
  class [[nodiscard]] Guard {
   public:
    explicit Guard(std::shared_ptr<State> state) : state_(std::move(state)) {}
    ~Guard();
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    std::shared_ptr<State> state_;
  };

  // Installs `action` until the guard dies; runs it at once if the watchdog already fired.
  Guard guard(std::function<void()> action);

 private:
  std::shared_ptr<State> state_;
  WatchdogRegistry& registry_;
  std::list<Watchdog*>::iterator registration_;
};

}  // namespace aci::http
