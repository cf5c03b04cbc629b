#include "daemon/core/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace aci::core {

ItemExponentialFailureRateLimiter::ItemExponentialFailureRateLimiter(Duration base, Duration cap)
    : base_(std::max(base, Duration::zero())), cap_(std::max(cap, base_)) {}

Duration ItemExponentialFailureRateLimiter::when(const std::string& key) {
  const std::uint32_t exponent = failures_[key]++;
  // In floating point: after ~60 failures 2^n would overflow an integer, and the
  // answer is the cap long before that.
  const double scaled = static_cast<double>(base_.count()) * std::ldexp(1.0, static_cast<int>(std::min(exponent, 1023u)));
  if (scaled >= static_cast<double>(cap_.count())) return cap_;
  return Duration(static_cast<Duration::rep>(scaled));
}

void ItemExponentialFailureRateLimiter::forget(const std::string& key) { failures_.erase(key); }

std::uint32_t ItemExponentialFailureRateLimiter::num_requeues(const std::string& key) const {
  const auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

TokenBucketRateLimiter::TokenBucketRateLimiter(const Clock& clock, double qps, std::uint32_t burst)
    : clock_(clock),
      qps_(qps),
      burst_(static_cast<double>(std::max<std::uint32_t>(burst, 1))),
      tokens_(burst_),
      last_(clock.steady_now()) {}

Duration TokenBucketRateLimiter::when(const std::string&) {
  if (qps_ <= 0) return Duration::zero();
  const SteadyTime now = clock_.steady_now();
  if (now > last_) {
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * qps_);
    last_ = now;
  }
  tokens_ -= 1.0;
  if (tokens_ >= 0) return Duration::zero();
  // Debt: this caller waits until the refill covers it; later callers queue behind.
  return std::chrono::round<Duration>(std::chrono::duration<double>(-tokens_ / qps_));
}

MaxOfRateLimiter::MaxOfRateLimiter(std::vector<RateLimiterPtr> limiters) : limiters_(std::move(limiters)) {}

Duration MaxOfRateLimiter::when(const std::string& key) {
  Duration longest = Duration::zero();
  for (auto& limiter : limiters_) longest = std::max(longest, limiter->when(key));
  return longest;
}

void MaxOfRateLimiter::forget(const std::string& key) {
  for (auto& limiter : limiters_) limiter->forget(key);
}

std::uint32_t MaxOfRateLimiter::num_requeues(const std::string& key) const {
  std::uint32_t most = 0;
  for (const auto& limiter : limiters_) most = std::max(most, limiter->num_requeues(key));
  return most;
}

RateLimiterPtr make_controller_rate_limiter(const Clock& clock, const RateLimiterOptions& options) {
  std::vector<RateLimiterPtr> parts;
  parts.push_back(std::make_unique<ItemExponentialFailureRateLimiter>(options.base_delay, options.max_delay));
  parts.push_back(std::make_unique<TokenBucketRateLimiter>(clock, options.qps, options.burst));
  return std::make_unique<MaxOfRateLimiter>(std::move(parts));
}

}  // namespace aci::core
