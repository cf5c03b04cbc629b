#pragma once
// ConvergeOnce: a Reconciler decorator for `run --once`. It hands each key to the inner
// reconciler and records the outcome. A key settles when it converges (done,
// requeue_after), fails terminally, or has failed `max_attempts` times, after which its
// retry is turned into a terminal outcome so the queue lets it go. An inner reconcile
// that throws is a failed attempt: rethrown below the limit, terminal at it. When every
// expected key has settled, on_settled runs, once.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "daemon/core/reconciler.hpp"

namespace aci::core {

class ConvergeOnce final : public Reconciler {
 public:
  struct Outcome {
    bool settled = false;
    bool ok = false;
    std::uint32_t attempts = 0;
    std::string error;  // the last failure, if any
  };

  ConvergeOnce(Reconciler& inner, std::uint32_t max_attempts, std::function<void()> on_settled);

  // Registers a key that must settle. Call for every key before arm().
  void expect(const std::string& key);
  // Every key is registered: from now on, the last key to settle fires on_settled
  // (at once, if nothing was expected or all settled already).
  void arm();

  boost::asio::awaitable<Result> reconcile(const std::string& key) override;

  const std::map<std::string, Outcome>& outcomes() const noexcept { return outcomes_; }
  bool all_ok() const;

 private:
  void check_settled();

  Reconciler& inner_;
  std::uint32_t max_attempts_;
  std::function<void()> on_settled_;
  std::map<std::string, Outcome> outcomes_;
  std::size_t unsettled_ = 0;
  bool armed_ = false;
  bool fired_ = false;
};

}  // namespace aci::core
