#pragma once
// RateLimiter: how long a key must wait before it is retried, after client-go's
// workqueue rate limiters. when() records one more failure of the key and returns
// the delay; forget() clears the key's history after a success. Implementations
// read time only through the injected Clock. Not thread-safe: use on one executor.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/core/clock.hpp"

namespace aci::core {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // Records a failure of `key` and returns how long it must wait before it is retried.
  virtual Duration when(const std::string& key) = 0;
  // Forgets the key's failures: its next when() starts from the first step again.
  virtual void forget(const std::string& key) = 0;
  // Failures recorded for the key since it was last forgotten.
  virtual std::uint32_t num_requeues(const std::string& key) const = 0;
};
using RateLimiterPtr = std::unique_ptr<RateLimiter>;

// Per-key exponential backoff: base * 2^failures, capped. No jitter, as in client-go:
// keys fail at different moments, which already spreads their retries.
class ItemExponentialFailureRateLimiter final : public RateLimiter {
 public:
  ItemExponentialFailureRateLimiter(Duration base, Duration cap);

  // RateLimiter
  Duration when(const std::string& key) override;
  void forget(const std::string& key) override;
  std::uint32_t num_requeues(const std::string& key) const override;

 private:
  Duration base_;
  Duration cap_;
  std::unordered_map<std::string, std::uint32_t> failures_;
};

// A token bucket shared by all keys (golang.org/x/time/rate's reserve semantics):
// each when() takes a token, going into debt when the bucket is empty, and returns
// how long until that token would have been available. Keys have no history.
class TokenBucketRateLimiter final : public RateLimiter {
 public:
  // qps <= 0 disables the limit; burst is at least 1.
  TokenBucketRateLimiter(const Clock& clock, double qps, std::uint32_t burst);

  // RateLimiter
  Duration when(const std::string& key) override;
  void forget(const std::string&) override {}
  std::uint32_t num_requeues(const std::string&) const override { return 0; }

 private:
  const Clock& clock_;
  double qps_;
  double burst_;
  double tokens_;
  SteadyTime last_;
};

// The longest delay of its parts; every part records every failure.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<RateLimiterPtr> limiters);

  // RateLimiter
  Duration when(const std::string& key) override;
  void forget(const std::string& key) override;
  std::uint32_t num_requeues(const std::string& key) const override;

 private:
  std::vector<RateLimiterPtr> limiters_;
};

// controller-runtime's defaults: 5 ms doubling to 1000 s per key, 10 qps with a burst of 100 overall.
struct RateLimiterOptions {
  Duration base_delay = std::chrono::milliseconds(5);
  Duration max_delay = std::chrono::seconds(1000);
  double qps = 10.0;
  std::uint32_t burst = 100;
};

// max(per-key exponential, overall token bucket), as client-go's DefaultControllerRateLimiter.
RateLimiterPtr make_controller_rate_limiter(const Clock& clock, const RateLimiterOptions& options = {});

}  // namespace aci::core
