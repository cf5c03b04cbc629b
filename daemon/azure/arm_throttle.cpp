#include "daemon/azure/arm_throttle.hpp"

#include <algorithm>
#include <charconv>

namespace aci::azure {

namespace {

std::optional<std::int64_t> header_number(const http::Response& response, const std::string& name) {
  const auto text = response.header(name);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const char* header_suffix(ArmOperationClass operation) {
  switch (operation) {
    case ArmOperationClass::read: return "reads";
    case ArmOperationClass::write: return "writes";
    case ArmOperationClass::remove: return "deletes";
  }
  return "reads";
}

}  // namespace

core::Duration pacing_interval(std::int64_t remaining, const ThrottleBucket& bucket, double pace_below_fraction) {
  const double threshold = pace_below_fraction * static_cast<double>(bucket.burst);
  if (bucket.per_second <= 0.0 || static_cast<double>(remaining) >= threshold) return core::Duration::zero();
  const double refill_seconds = 1.0 / bucket.per_second;
  const double scale = threshold / static_cast<double>(std::max<std::int64_t>(remaining, 1));
  return std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(refill_seconds * scale));
}

std::optional<std::int64_t> remaining_budget(const http::Response& response, ArmOperationClass operation) {
  std::optional<std::int64_t> lowest;
  const auto consider = [&](const std::string& name) {
    if (const auto value = header_number(response, name)) lowest = lowest ? std::min(*lowest, *value) : *value;
  };
  const std::string suffix = header_suffix(operation);
  consider("x-ms-ratelimit-remaining-subscription-" + suffix);
  consider("x-ms-ratelimit-remaining-subscription-global-" + suffix);
  if (!lowest && operation == ArmOperationClass::remove) return remaining_budget(response, ArmOperationClass::write);
  return lowest;
}

ArmThrottle::ArmThrottle(const core::Clock& clock, ArmThrottleOptions options)
    : clock_(clock), options_(options) {}

ArmThrottle::~ArmThrottle() = default;

const ThrottleBucket& ArmThrottle::shape(ArmOperationClass operation) const {
  return operation == ArmOperationClass::read ? options_.reads : options_.writes;
}

ArmThrottle::Lane& ArmThrottle::lane(const std::string& subscription, ArmOperationClass operation) {
  auto& lane = lanes_[{subscription, operation}];
  if (!lane.bucket) {
    const auto& bucket = shape(operation);
    lane.bucket = std::make_unique<core::TokenBucketRateLimiter>(clock_, bucket.per_second, bucket.burst);
  }
  return lane;
}

core::Duration ArmThrottle::reserve(const std::string& subscription, ArmOperationClass operation) {
  auto& current = lane(subscription, operation);
  const auto now = clock_.steady_now();
  const auto bucket_delay = current.bucket->when(subscription);
  auto start = std::max(now + bucket_delay, current.next_slot);
  const auto gap =
      current.remaining ? pacing_interval(*current.remaining, shape(operation), options_.pace_below_fraction)
                        : core::Duration::zero();
  current.next_slot = std::max(current.next_slot, start + gap);
  if (current.remaining && *current.remaining > 0) --*current.remaining;  // until the response tells us better
  return start - now;
}

void ArmThrottle::observe(const std::string& subscription, ArmOperationClass operation,
                          const http::Response& response, std::optional<std::chrono::milliseconds> retry_after) {
  auto& current = lane(subscription, operation);
  if (const auto left = remaining_budget(response, operation)) current.remaining = *left;
  if (response.status == 429) {
    const auto wait = retry_after.value_or(std::chrono::seconds(1));
    current.next_slot = std::max(current.next_slot, clock_.steady_now() + wait);
  }
}

std::optional<std::int64_t> ArmThrottle::remaining(const std::string& subscription,
                                                   ArmOperationClass operation) const {
  const auto found = lanes_.find({subscription, operation});
  return found == lanes_.end() ? std::nullopt : found->second.remaining;
}

}  // namespace aci::azure
