#include "daemon/azure/arm_throttle.hpp"

#include <gtest/gtest.h>

#include "tests/unit/azure/fake_transport.hpp"
#include "tests/unit/core/virtual_time_test.hpp"

namespace aci::azure {
namespace {

using namespace std::chrono_literals;

class ArmThrottleTest : public test::VirtualTimeTest {};

TEST(ArmThrottlePacingTest, NoPacingAtOrAboveTheThreshold) {
  const ThrottleBucket reads{250, 25.0};
  EXPECT_EQ(pacing_interval(250, reads, 0.2), core::Duration::zero());
  EXPECT_EQ(pacing_interval(50, reads, 0.2), core::Duration::zero());  // exactly 20% of 250
}

TEST(ArmThrottlePacingTest, SpacingGrowsAsTheRemainingBudgetFalls) {
  const ThrottleBucket reads{250, 25.0};
  // Threshold 50, refill 40 ms: at 25 left twice the refill interval, at 1 left 50 times it.
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(pacing_interval(25, reads, 0.2)), 80ms);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(pacing_interval(1, reads, 0.2)), 2000ms);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(pacing_interval(0, reads, 0.2)), 2000ms);
  const ThrottleBucket writes{200, 10.0};
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(pacing_interval(20, writes, 0.2)), 200ms);
}

TEST(ArmThrottlePacingTest, ReadsTheLowestRemainingHeaderOfTheOperationClass) {
  const auto response = test::respond(200, "", {{"x-ms-ratelimit-remaining-subscription-reads", "11999"},
                                                {"x-ms-ratelimit-remaining-subscription-global-reads", "40"},
                                                {"x-ms-ratelimit-remaining-subscription-writes", "7"}});
  EXPECT_EQ(remaining_budget(response, ArmOperationClass::read), 40);
  EXPECT_EQ(remaining_budget(response, ArmOperationClass::write), 7);
  EXPECT_EQ(remaining_budget(response, ArmOperationClass::remove), 7);  // falls back to writes
  EXPECT_FALSE(remaining_budget(test::respond(200), ArmOperationClass::read));
  EXPECT_FALSE(remaining_budget(test::respond(200, "", {{"x-ms-ratelimit-remaining-subscription-reads", "x"}}),
                                ArmOperationClass::read));
}

TEST_F(ArmThrottleTest, OwnBucketAllowsTheBurstThenTheRefillRate) {
  ArmThrottle throttle(clock_, ArmThrottleOptions{{5, 10.0}, {5, 10.0}, 0.2});
  for (int i = 0; i < 5; ++i) EXPECT_EQ(throttle.reserve("sub", ArmOperationClass::read), core::Duration::zero());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(throttle.reserve("sub", ArmOperationClass::read)),
            100ms);
  // Another subscription, and writes, have buckets of their own.
  EXPECT_EQ(throttle.reserve("other", ArmOperationClass::read), core::Duration::zero());
  EXPECT_EQ(throttle.reserve("sub", ArmOperationClass::write), core::Duration::zero());
}

TEST_F(ArmThrottleTest, PacesRequestsWhenArmReportsALowBudget) {
  ArmThrottle throttle(clock_, ArmThrottleOptions{{250, 25.0}, {200, 10.0}, 0.2});
  throttle.observe("sub", ArmOperationClass::read,
                   test::respond(200, "", {{"x-ms-ratelimit-remaining-subscription-reads", "10"}}), std::nullopt);
  EXPECT_EQ(throttle.remaining("sub", ArmOperationClass::read), 10);
  // 10 left of a threshold of 50: one request every 200 ms, and it tightens as we spend.
  EXPECT_EQ(throttle.reserve("sub", ArmOperationClass::read), core::Duration::zero());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(throttle.reserve("sub", ArmOperationClass::read)),
            200ms);
  const auto third = std::chrono::duration_cast<std::chrono::milliseconds>(throttle.reserve("sub", ArmOperationClass::read));
  EXPECT_GT(third, 400ms);
  // A healthy budget ends the pacing (after the slot already promised).
  throttle.observe("sub", ArmOperationClass::read,
                   test::respond(200, "", {{"x-ms-ratelimit-remaining-subscription-reads", "240"}}), std::nullopt);
  advance(5s);
  EXPECT_EQ(throttle.reserve("sub", ArmOperationClass::read), core::Duration::zero());
  EXPECT_EQ(throttle.reserve("sub", ArmOperationClass::read), core::Duration::zero());
}

TEST_F(ArmThrottleTest, A429HoldsTheWholeLaneUntilItsRetryAfter) {
  ArmThrottle throttle(clock_, ArmThrottleOptions{});
  throttle.observe("sub", ArmOperationClass::write, test::respond(429), std::chrono::milliseconds(3000));
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(throttle.reserve("sub", ArmOperationClass::write)),
            3000ms);
  EXPECT_EQ(throttle.reserve("sub", ArmOperationClass::read), core::Duration::zero());
}

}  // namespace
}  // namespace aci::azure
