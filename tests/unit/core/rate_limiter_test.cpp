#include "daemon/core/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "tests/support/fake_clock.hpp"

namespace aci::core {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiterTest, ItemExponentialDoublesPerFailureUpToTheCap) {
  ItemExponentialFailureRateLimiter limiter(5ms, 50ms);
  EXPECT_EQ(limiter.when("a"), 5ms);
  EXPECT_EQ(limiter.when("a"), 10ms);
  EXPECT_EQ(limiter.when("a"), 20ms);
  EXPECT_EQ(limiter.when("a"), 40ms);
  EXPECT_EQ(limiter.when("a"), 50ms);
  EXPECT_EQ(limiter.when("a"), 50ms);
  EXPECT_EQ(limiter.num_requeues("a"), 6u);
}

TEST(RateLimiterTest, ItemExponentialKeepsKeysApartAndForgets) {
  ItemExponentialFailureRateLimiter limiter(1s, 1h);
  limiter.when("a");
  limiter.when("a");
  EXPECT_EQ(limiter.when("b"), 1s);
  EXPECT_EQ(limiter.when("a"), 4s);
  limiter.forget("a");
  EXPECT_EQ(limiter.num_requeues("a"), 0u);
  EXPECT_EQ(limiter.when("a"), 1s);
  EXPECT_EQ(limiter.num_requeues("b"), 1u);
}

TEST(RateLimiterTest, ItemExponentialSurvivesAnEndlessFailureStreak) {
  ItemExponentialFailureRateLimiter limiter(5ms, 1000s);
  Duration last{};
  for (int i = 0; i < 2000; ++i) last = limiter.when("a");
  EXPECT_EQ(last, 1000s);
}

TEST(RateLimiterTest, TokenBucketAllowsABurstThenSpacesAtQps) {
  boost::asio::io_context io;
  test::FakeClock clock(io);
  TokenBucketRateLimiter limiter(clock, 10.0, 3);
  EXPECT_EQ(limiter.when("a"), 0ms);
  EXPECT_EQ(limiter.when("b"), 0ms);
  EXPECT_EQ(limiter.when("c"), 0ms);
  EXPECT_EQ(limiter.when("d"), 100ms);
  EXPECT_EQ(limiter.when("e"), 200ms) << "each caller queues behind the debt of the last";
  EXPECT_EQ(limiter.num_requeues("a"), 0u);
}

TEST(RateLimiterTest, TokenBucketRefillsWithVirtualTimeUpToTheBurst) {
  boost::asio::io_context io;
  test::FakeClock clock(io);
  TokenBucketRateLimiter limiter(clock, 10.0, 2);
  limiter.when("a");
  limiter.when("a");
  EXPECT_EQ(limiter.when("a"), 100ms);  // one token in debt
  clock.advance(100ms);                 // repays it
  EXPECT_EQ(limiter.when("a"), 100ms);
  clock.advance(1h);  // refills, but no further than the burst
  EXPECT_EQ(limiter.when("a"), 0ms);
  EXPECT_EQ(limiter.when("a"), 0ms);
  EXPECT_EQ(limiter.when("a"), 100ms);
}

TEST(RateLimiterTest, TokenBucketWithoutRateNeverDelays) {
  boost::asio::io_context io;
  test::FakeClock clock(io);
  TokenBucketRateLimiter limiter(clock, 0.0, 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter.when("a"), 0ms);
}

TEST(RateLimiterTest, MaxOfReturnsTheLongestAndForgetsEverywhere) {
  boost::asio::io_context io;
  test::FakeClock clock(io);
  RateLimiterOptions options;
  options.base_delay = 1ms;
  options.max_delay = 1s;
  options.qps = 1.0;
  options.burst = 2;
  RateLimiterPtr limiter = make_controller_rate_limiter(clock, options);
  EXPECT_EQ(limiter->when("a"), 1ms);  // bucket has tokens: per-key delay wins
  EXPECT_EQ(limiter->when("a"), 2ms);
  EXPECT_EQ(limiter->when("b"), 1s);   // bucket empty: its 1 s wins
  EXPECT_EQ(limiter->num_requeues("a"), 2u);
  limiter->forget("a");
  EXPECT_EQ(limiter->num_requeues("a"), 0u);
}

TEST(RateLimiterTest, DefaultsAreControllerRuntimes) {
  RateLimiterOptions options;
  EXPECT_EQ(options.base_delay, 5ms);
  EXPECT_EQ(options.max_delay, 1000s);
  EXPECT_EQ(options.qps, 10.0);
  EXPECT_EQ(options.burst, 100u);

  boost::asio::io_context io;
  test::FakeClock clock(io);
  RateLimiterPtr limiter = make_controller_rate_limiter(clock);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(limiter->when("key-" + std::to_string(i)), 5ms);
  EXPECT_EQ(limiter->when("one-too-many"), 100ms);
}

}  // namespace
}  // namespace aci::core
