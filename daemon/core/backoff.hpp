#pragma once
// Backoff: exponential delays with jitter for retrying a failed operation, e.g. an
// Azure request. The n-th delay is min(cap, base * multiplier^n), shortened by up
// to `jitter` of itself using an injected random source, so tests pin the random
// value and get exact delays. Holds no clock: the caller sleeps. Not thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>

namespace aci::core {

// Returns a value uniformly distributed in [0, 1). Injected so tests can pin it.
using UniformRandom = std::function<double()>;

// A UniformRandom over a 64-bit Mersenne Twister with the given seed; the daemon
// seeds it from std::random_device, tests with a constant.
UniformRandom make_uniform_random(std::uint64_t seed);

struct BackoffOptions {
  std::chrono::milliseconds base{std::chrono::milliseconds(500)};
  std::chrono::milliseconds cap{std::chrono::seconds(60)};
  double multiplier = 2.0;
  // Fraction of each delay that is random: the delay lies in [d * (1 - jitter), d].
  // 1.0 is "full jitter" (Envoy, AWS); 0.0 disables jitter. Jitter only ever
  // shortens a delay, so `cap` stays a true upper bound.
  double jitter = 0.5;
};

class Backoff {
 public:
  Backoff(BackoffOptions options, UniformRandom random);

  // The delay before the next attempt; each call moves one step up the curve.
  std::chrono::milliseconds next();
  // Back to the first step, after a success.
  void reset() noexcept { attempts_ = 0; }
  std::uint32_t attempts() const noexcept { return attempts_; }

  // The un-jittered delay after `attempt` failures (0-based): min(cap, base * multiplier^attempt).
  std::chrono::milliseconds ceiling(std::uint32_t attempt) const;

 private:
  BackoffOptions options_;
  UniformRandom random_;
  std::uint32_t attempts_ = 0;
};

}  // namespace aci::core
