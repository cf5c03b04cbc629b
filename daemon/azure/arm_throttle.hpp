#pragma once
// ArmThrottle: client-side pacing of ARM requests per subscription, shaped like ARM's
// own token buckets (reads 250 burst / 25 per s, writes and deletes 200 / 10 per s).
// Besides our own bucket it reads ARM's x-ms-ratelimit-remaining-subscription-*
// headers: other clients share the subscription's budget, so once the remaining count
// falls below a fraction of the bucket, requests are spaced out so the budget lasts
// instead of running into 429s. A 429 holds back every request of that subscription
// and class until its Retry-After. Time comes from the injected Clock; one executor.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "daemon/core/clock.hpp"
#include "daemon/core/rate_limiter.hpp"
#include "daemon/http/client.hpp"

namespace aci::azure {

enum class ArmOperationClass { read, write, remove };

struct ThrottleBucket {
  std::uint32_t burst = 250;
  double per_second = 25.0;  // <= 0 disables our own bucket (headers still pace)
};

struct ArmThrottleOptions {
  ThrottleBucket reads{250, 25.0};
  ThrottleBucket writes{200, 10.0};  // deletes use the same shape in their own bucket
  // Below this fraction of the bucket's burst, the remaining-count headers pace requests.
  double pace_below_fraction = 0.2;
};

// The gap to leave between requests when ARM says `remaining` requests are left:
// zero at or above pace_below_fraction * burst; below it, one refill interval scaled by
// how far under the threshold we are, so at the threshold requests go at the refill
// rate and near zero they wait until the server's bucket has refilled to the threshold.
core::Duration pacing_interval(std::int64_t remaining, const ThrottleBucket& bucket, double pace_below_fraction);

// The smallest x-ms-ratelimit-remaining-subscription-{reads|writes|deletes} (and the
// -global- variant) on a response; deletes fall back to the writes header.
std::optional<std::int64_t> remaining_budget(const http::Response& response, ArmOperationClass operation);

class ArmThrottle {
 public:
  // `clock` must outlive the throttle.
  ArmThrottle(const core::Clock& clock, ArmThrottleOptions options);
  ~ArmThrottle();
  ArmThrottle(const ArmThrottle&) = delete;
  ArmThrottle& operator=(const ArmThrottle&) = delete;

  // Takes one request slot and returns how long the caller must wait before sending.
  core::Duration reserve(const std::string& subscription, ArmOperationClass operation);

  // Learns the remaining budget from a response (and a 429's Retry-After, if given).
  void observe(const std::string& subscription, ArmOperationClass operation, const http::Response& response,
               std::optional<std::chrono::milliseconds> retry_after);

  // The remaining budget last seen, for tests and diagnostics.
  std::optional<std::int64_t> remaining(const std::string& subscription, ArmOperationClass operation) const;

 private:
  struct Lane {
    std::unique_ptr<core::TokenBucketRateLimiter> bucket;
    std::optional<std::int64_t> remaining;
    core::SteadyTime next_slot{};
  };
  Lane& lane(const std::string& subscription, ArmOperationClass operation);
  const ThrottleBucket& shape(ArmOperationClass operation) const;

  const core::Clock& clock_;
  ArmThrottleOptions options_;
  std::map<std::pair<std::string, ArmOperationClass>, Lane> lanes_;
};

}  // namespace aci::azure
