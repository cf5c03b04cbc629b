#include "emulator/faults/fault_injector.hpp"

#include <gtest/gtest.h>

#include "emulator/iso_time.hpp"

namespace aci::emulator {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class FaultInjectorTest : public ::testing::Test {
 protected:
  FaultInjectorTest() : injector_([this] { return now_; }, random_) {}

  void configure(const json& document) {
    auto settings = parse_fault_settings(document);
    ASSERT_TRUE(settings) << settings.error();
    injector_.configure(*settings);
  }

  TimePoint now_ = *parse_iso8601("2025-01-01T00:00:00Z");
  RandomSource random_{11};
  FaultInjector injector_;
};

TEST_F(FaultInjectorTest, NoRulesMeansNoFaults) {
  auto decision = injector_.decide("arm", "PUT containerGroups");
  EXPECT_FALSE(decision.status);
  EXPECT_EQ(decision.latency, 0ms);
  EXPECT_FALSE(decision.drop_before || decision.drop_after);
}

TEST_F(FaultInjectorTest, RuleMatchesRouteNameServiceOrEverything) {
  configure({{"routes", {{{"route", "put containergroups"}, {"errorRate", 1}, {"status", 503}}}}});
  EXPECT_EQ(injector_.decide("arm", "PUT containerGroups").status, 503u);
  EXPECT_FALSE(injector_.decide("arm", "GET containerGroups").status);
  configure({{"routes", {{{"route", "keyvault"}, {"latencyMs", 250}}}}});
  EXPECT_EQ(injector_.decide("keyvault", "GET secrets").latency, 250ms);
  EXPECT_EQ(injector_.decide("arm", "GET containerGroups").latency, 0ms);
  configure({{"routes", {{{"route", "*"}, {"dropRate", 1}}}}});
  EXPECT_TRUE(injector_.decide("graph", "POST applications/addPassword").drop_before);
}

TEST_F(FaultInjectorTest, CountLimitsARuleToTheNextRequests) {
  configure({{"routes", {{{"route", "arm"}, {"errorRate", 1}, {"status", 500}, {"count", 2}}}}});
  EXPECT_TRUE(injector_.decide("arm", "GET x").status);
  EXPECT_TRUE(injector_.decide("arm", "GET x").status);
  EXPECT_FALSE(injector_.decide("arm", "GET x").status);
  EXPECT_TRUE(injector_.settings().routes.empty());
}

TEST_F(FaultInjectorTest, ErrorRateIsApproximatelyHonoured) {
  configure({{"routes", {{{"route", "*"}, {"errorRate", 0.25}}}}});
  int errors = 0;
  for (int i = 0; i < 4000; ++i) errors += injector_.decide("arm", "GET x").status ? 1 : 0;
  EXPECT_GT(errors, 800);
  EXPECT_LT(errors, 1200);
}

TEST_F(FaultInjectorTest, InjectedThrottleCarriesRetryAfter) {
  configure({{"routes", {{{"route", "*"}, {"errorRate", 1}, {"status", 429}}}}});
  auto decision = injector_.decide("arm", "GET x");
  EXPECT_EQ(decision.code, "TooManyRequests");
  ASSERT_TRUE(decision.retry_after);
  EXPECT_EQ(*decision.retry_after, 2s);
}

TEST_F(FaultInjectorTest, DropAfterHandlingIsReportedSeparately) {
  configure({{"routes", {{{"route", "*"}, {"dropRate", 1}, {"dropAfterHandling", true}}}}});
  auto decision = injector_.decide("graph", "POST applications/addPassword");
  EXPECT_TRUE(decision.drop_after);
  EXPECT_FALSE(decision.drop_before);
}

TEST_F(FaultInjectorTest, BucketEmptiesThenRefillsAtItsRate) {
  configure({{"throttling", {{"writes", {{"capacity", 3}, {"refillPerSecond", 1}}}}}});
  EXPECT_EQ(injector_.throttle("sub", OperationKind::write).remaining, 2);
  EXPECT_EQ(injector_.throttle("sub", OperationKind::write).remaining, 1);
  EXPECT_EQ(injector_.throttle("sub", OperationKind::write).remaining, 0);
  auto refused = injector_.throttle("sub", OperationKind::write);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s);
  EXPECT_TRUE(injector_.throttle("other-sub", OperationKind::write).allowed) << "buckets are per subscription";
  EXPECT_TRUE(injector_.throttle("sub", OperationKind::read).allowed) << "reads have their own bucket";
  now_ += 1s;
  EXPECT_TRUE(injector_.throttle("sub", OperationKind::write).allowed);
  EXPECT_FALSE(injector_.throttle("sub", OperationKind::write).allowed);
}

TEST_F(FaultInjectorTest, DefaultBucketsAreShapedLikeArm) {
  const auto& throttling = injector_.settings().throttling;
  EXPECT_EQ(throttling.reads.capacity, 250);
  EXPECT_EQ(throttling.reads.refill_per_second, 25);
  EXPECT_EQ(throttling.writes.capacity, 200);
  EXPECT_EQ(throttling.writes.refill_per_second, 10);
  EXPECT_EQ(injector_.throttle("s", OperationKind::read).remaining, 249);
}

TEST_F(FaultInjectorTest, DisabledThrottlingNeverRefuses) {
  configure({{"throttling", {{"enabled", false}, {"reads", {{"capacity", 0}}}}}});
  EXPECT_TRUE(injector_.throttle("s", OperationKind::read).allowed);
}

TEST(FaultSettingsTest, InvalidSettingsAreRefusedWithTheField) {
  EXPECT_FALSE(parse_fault_settings(json::array()));
  auto rate = parse_fault_settings({{"routes", {{{"errorRate", 2}}}}});
  ASSERT_FALSE(rate);
  EXPECT_NE(rate.error().find("routes[0]"), std::string::npos);
  EXPECT_FALSE(parse_fault_settings({{"routes", {{{"status", 200}}}}}));
  EXPECT_FALSE(parse_fault_settings({{"routes", {{{"latencyMs", "slow"}}}}}));
  EXPECT_FALSE(parse_fault_settings({{"throttling", {{"reads", {{"capacity", -1}}}}}}));
}

TEST(FaultSettingsTest, RoundTripsThroughJson) {
  auto settings = parse_fault_settings({{"routes", {{{"route", "arm"}, {"latencyMs", 5}, {"errorRate", 0.5}, {"status", 503}}}},
                                        {"throttling", {{"reads", {{"capacity", 5}, {"refillPerSecond", 1}}}}}});
  ASSERT_TRUE(settings);
  auto again = parse_fault_settings(to_json(*settings));
  ASSERT_TRUE(again);
  EXPECT_EQ(to_json(*again), to_json(*settings));
}

}  // namespace
}  // namespace aci::emulator
