#include "daemon/core/backoff.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace aci::core {
namespace {

using namespace std::chrono_literals;

UniformRandom pinned(double value) {
  return [value] { return value; };
}

BackoffOptions options(double jitter) {
  BackoffOptions o;
  o.base = 100ms;
  o.cap = 1s;
  o.multiplier = 2.0;
  o.jitter = jitter;
  return o;
}

TEST(BackoffTest, GrowsExponentiallyToTheCapWithoutJitter) {
  Backoff backoff(options(0.0), pinned(0.7));
  std::vector<std::chrono::milliseconds> got;
  got.reserve(6);
  for (int i = 0; i < 6; ++i) got.push_back(backoff.next());
  EXPECT_EQ(got, (std::vector<std::chrono::milliseconds>{100ms, 200ms, 400ms, 800ms, 1000ms, 1000ms}));
  EXPECT_EQ(backoff.attempts(), 6u);
}

TEST(BackoffTest, JitterShortensDelayByAtMostItsFraction) {
  // jitter 0.5: the delay lies in [ceiling / 2, ceiling], chosen by the random value.
  EXPECT_EQ(Backoff(options(0.5), pinned(0.0)).next(), 100ms);
  EXPECT_EQ(Backoff(options(0.5), pinned(0.5)).next(), 75ms);
  EXPECT_EQ(Backoff(options(0.5), pinned(0.999999)).next(), 50ms);

  Backoff at_cap(options(0.5), pinned(0.5));
  for (int i = 0; i < 10; ++i) at_cap.next();
  EXPECT_EQ(at_cap.next(), 750ms);
}

TEST(BackoffTest, FullJitterSpansZeroToTheCeiling) {
  EXPECT_EQ(Backoff(options(1.0), pinned(0.999999)).next(), 0ms);
  EXPECT_EQ(Backoff(options(1.0), pinned(0.25)).next(), 75ms);
  EXPECT_EQ(Backoff(options(1.0), pinned(0.0)).next(), 100ms);
}

TEST(BackoffTest, OutOfRangeRandomValuesCannotExceedTheCap) {
  Backoff backoff(options(0.5), pinned(-3.0));
  for (int i = 0; i < 20; ++i) EXPECT_LE(backoff.next(), 1s);
  EXPECT_GE(Backoff(options(0.5), pinned(7.0)).next(), 50ms);
}

TEST(BackoffTest, ResetStartsFromTheBaseAgain) {
  Backoff backoff(options(0.0), pinned(0.0));
  backoff.next();
  backoff.next();
  backoff.next();
  backoff.reset();
  EXPECT_EQ(backoff.attempts(), 0u);
  EXPECT_EQ(backoff.next(), 100ms);
}

TEST(BackoffTest, LongFailureStreakSaturatesAtTheCap) {
  Backoff backoff(options(0.0), pinned(0.0));
  EXPECT_EQ(backoff.ceiling(5000), 1s);
  EXPECT_EQ(backoff.ceiling(0), 100ms);
  EXPECT_EQ(backoff.ceiling(3), 800ms);
}

TEST(BackoffTest, SeededRandomIsReproducibleAndInRange) {
  UniformRandom first = make_uniform_random(42);
  UniformRandom second = make_uniform_random(42);
  for (int i = 0; i < 1000; ++i) {
    const double value = first();
    EXPECT_EQ(value, second());
    EXPECT_GE(value, 0.0);
    EXPECT_LT(value, 1.0);
  }
}

TEST(BackoffTest, SeededJitterStaysWithinItsBand) {
  Backoff backoff(options(0.5), make_uniform_random(7));
  Backoff ceiling(options(0.5), pinned(0.0));
  for (std::uint32_t attempt = 0; attempt < 12; ++attempt) {
    const auto delay = backoff.next();
    const auto top = ceiling.ceiling(attempt);
    EXPECT_LE(delay, top);
    EXPECT_GE(delay, top / 2);
  }
}

}  // namespace
}  // namespace aci::core
