#pragma once
// Reconciler: the one method a controller calls, after controller-runtime's
// reconcile.Reconciler. Given a key, read the desired and the actual state now and
// make them agree; the work is level-based, so why the key was queued does not
// matter and calling it again for an unchanged object must change nothing.
// reconcile() runs on the controller's executor and is never called for the same
// key twice at once. Return an outcome; an exception is a bug, which the loop
// catches, counts as an error (and a panic) and retries with backoff.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <utility>

namespace aci::core {

class Result {
 public:
  enum class Kind {
    done,           // converged; the key's failure history is forgotten
    requeue,        // not an error, but look again soon: rate-limited requeue
    requeue_after,  // converged for now; look again after after() (e.g. a resync or a poll)
    retry,          // failed transiently: error() is logged and the key retried with backoff
    terminal,       // failed in a way a retry cannot fix (bad spec): counted and logged, not retried
  };

  static Result done() { return Result(Kind::done, {}, {}); }
  static Result requeue() { return Result(Kind::requeue, {}, {}); }
  // A non-positive delay would spin the key without pause, so it is treated as requeue().
  static Result requeue_after(std::chrono::steady_clock::duration after) {
    if (after <= std::chrono::steady_clock::duration::zero()) return requeue();
    return Result(Kind::requeue_after, after, {});
  }
  static Result retry(std::string error) { return Result(Kind::retry, {}, std::move(error)); }
  static Result terminal(std::string error) { return Result(Kind::terminal, {}, std::move(error)); }

  Kind kind() const noexcept { return kind_; }
  std::chrono::steady_clock::duration after() const noexcept { return after_; }
  // Why a retry or terminal outcome failed; goes to the log, so never a secret.
  const std::string& error() const noexcept { return error_; }

 private:
  Result(Kind kind, std::chrono::steady_clock::duration after, std::string error)
      : kind_(kind), after_(after), error_(std::move(error)) {}

  Kind kind_;
  std::chrono::steady_clock::duration after_{};
  std::string error_;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;

  // Bound every await inside (I/O deadlines): the loop's per-reconcile deadline can
  // report an overrun but cannot cancel a coroutine (Boost 1.74 has no cancellation
  // slots), so a reconcile that never returns keeps its worker and its key.
  virtual boost::asio::awaitable<Result> reconcile(const std::string& key) = 0;
};

}  // namespace aci::core
