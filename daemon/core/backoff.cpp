#include "daemon/core/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace aci::core {

UniformRandom make_uniform_random(std::uint64_t seed) {
  // shared_ptr: std::function must be copyable, and copies should share one stream
  // rather than replay the same numbers.
  auto engine = std::make_shared<std::mt19937_64>(seed);
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

Backoff::Backoff(BackoffOptions options, UniformRandom random)
    : options_(options), random_(std::move(random)) {
  options_.jitter = std::clamp(options_.jitter, 0.0, 1.0);
  options_.multiplier = std::max(options_.multiplier, 1.0);
  options_.cap = std::max(options_.cap, options_.base);
}

std::chrono::milliseconds Backoff::ceiling(std::uint32_t attempt) const {
  // In floating point, so a long failure streak saturates at the cap instead of overflowing.
  const double scaled = static_cast<double>(options_.base.count()) *
                        std::pow(options_.multiplier, static_cast<double>(attempt));
  const double capped = std::min(scaled, static_cast<double>(options_.cap.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(capped));
}

std::chrono::milliseconds Backoff::next() {
  const auto limit = ceiling(attempts_);
  if (attempts_ < UINT32_MAX) ++attempts_;
  // Clamp the random value too: a faulty source must not stretch a delay past the cap.
  const double r = std::clamp(random_(), 0.0, 1.0);
  const double delay = static_cast<double>(limit.count()) * (1.0 - options_.jitter * r);
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(delay)));
}

}  // namespace aci::core
