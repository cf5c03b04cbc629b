#include "daemon/core/converge_once.hpp"

#include <algorithm>

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
  auto result = co_await inner_.reconcile(key);
  const auto found = outcomes_.find(key);
  if (found == outcomes_.end() || found->second.settled) co_return result;  // not part of this run
  auto& outcome = found->second;
  ++outcome.attempts;
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
