#include "daemon/core/converge_once.hpp"

#include <algorithm>
#include <exception>
#include <optional>

#include "daemon/core/exception_text.hpp"

namespace aci::core {

ConvergeOnce::ConvergeOnce(Reconciler& inner, std::uint32_t max_attempts, std::function<void()> on_settled)
    : inner_(inner), max_attempts_(std::max<std::uint32_t>(max_attempts, 1)), on_settled_(std::move(on_settled)) {}

void ConvergeOnce::expect(const std::string& key) {
  if (outcomes_.try_emplace(key).second) ++unsettled_;
}

void ConvergeOnce::arm() {
  armed_ = true;
  check_settled();
}

boost::asio::awaitable<Result> ConvergeOnce::reconcile(const std::string& key) {
  std::optional<Result> attempt;
  std::exception_ptr thrown;
  try {
    attempt = co_await inner_.reconcile(key);
  } catch (...) {
    thrown = std::current_exception();
  }
  const auto found = outcomes_.find(key);
  if (found == outcomes_.end() || found->second.settled) {  // not part of this run
    if (thrown) std::rethrow_exception(thrown);
    co_return *attempt;
  }
  auto& outcome = found->second;
  ++outcome.attempts;
  if (thrown) {
    // A throw is a failed attempt too, or the run would never end. Below the limit it
    // goes on to the Controller, which counts it as a panic and retries the key.
    outcome.error = "reconcile threw: " + exception_text(thrown);
    if (outcome.attempts < max_attempts_) std::rethrow_exception(thrown);
    attempt = Result::terminal(outcome.error);
  }
  Result result = std::move(*attempt);
  switch (result.kind()) {
    case Result::Kind::done:
    case Result::Kind::requeue_after:
      outcome.ok = true;
      outcome.error.clear();
      outcome.settled = true;
      break;
    case Result::Kind::terminal:
      outcome.error = result.error();
      outcome.settled = true;
      break;
    case Result::Kind::retry:
      outcome.error = result.error();
      if (outcome.attempts >= max_attempts_) {
        outcome.settled = true;
        result = Result::terminal(result.error());
      }
      break;
    case Result::Kind::requeue:
      if (outcome.attempts >= max_attempts_) {
        outcome.error = "still not converged after " + std::to_string(outcome.attempts) + " attempts";
        outcome.settled = true;
        result = Result::terminal(outcome.error);
      }
      break;
  }
  if (outcome.settled) {
    --unsettled_;
    check_settled();
  }
  co_return result;
}

bool ConvergeOnce::all_ok() const {
  return std::all_of(outcomes_.begin(), outcomes_.end(), [](const auto& entry) { return entry.second.ok; });
}

void ConvergeOnce::check_settled() {
  if (!armed_ || fired_ || unsettled_ > 0) return;
  fired_ = true;
  if (on_settled_) on_settled_();
}

}  // namespace aci::core
