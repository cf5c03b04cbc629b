#include "daemon/http/retry_after.hpp"

#include <gtest/gtest.h>

#include "daemon/core/iso8601.hpp"
#include "tests/unit/azure/fake_transport.hpp"

namespace aci::http {
namespace {

using namespace std::chrono_literals;

const core::WallTime kNow = *core::parse_iso8601("2015-10-21T07:27:00Z");

TEST(RetryAfterTest, ReadsDeltaSeconds) {
  EXPECT_EQ(parse_retry_after("120", kNow), std::chrono::milliseconds(120s));
  EXPECT_EQ(parse_retry_after(" 0 ", kNow), std::chrono::milliseconds(0));
}

TEST(RetryAfterTest, ReadsImfFixdateRelativeToNow) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", kNow), std::chrono::milliseconds(60s));
}

TEST(RetryAfterTest, ReadsObsoleteDateForms) {
  EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:28:30 GMT", kNow), std::chrono::milliseconds(90s));
  EXPECT_EQ(parse_retry_after("Wed Oct 21 07:29:00 2015", kNow), std::chrono::milliseconds(120s));
}

TEST(RetryAfterTest, DateInThePastMeansNoWait) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", kNow), std::chrono::milliseconds(0));
}

TEST(RetryAfterTest, MalformedOrAbsurdValuesReadAsAbsent) {
  EXPECT_FALSE(parse_retry_after("", kNow));
  EXPECT_FALSE(parse_retry_after("soon", kNow));
  EXPECT_FALSE(parse_retry_after("-5", kNow));
  EXPECT_FALSE(parse_retry_after("1.5", kNow));
  EXPECT_FALSE(parse_retry_after("Wed, 32 Oct 2015 07:28:00 GMT", kNow));
  EXPECT_FALSE(parse_retry_after("99999999", kNow));  // more than a day
}

TEST(RetryAfterTest, MillisecondHeadersTakePrecedence) {
  const auto response = test::respond(429, "", {{"Retry-After", "10"}, {"x-ms-retry-after-ms", "1500"}});
  EXPECT_EQ(retry_after_from_headers(response, kNow), std::chrono::milliseconds(1500));
  const auto both = test::respond(429, "", {{"retry-after-ms", "250"}, {"x-ms-retry-after-ms", "1500"}});
  EXPECT_EQ(retry_after_from_headers(both, kNow), std::chrono::milliseconds(250));
  const auto seconds_only = test::respond(503, "", {{"Retry-After", "3"}});
  EXPECT_EQ(retry_after_from_headers(seconds_only, kNow), std::chrono::milliseconds(3000));
  EXPECT_FALSE(retry_after_from_headers(test::respond(500), kNow));
}

TEST(Iso8601Test, RoundTripsAndReadsGraphForms) {
  const auto time = core::parse_iso8601("2025-07-01T00:00:00Z");
  ASSERT_TRUE(time);
  EXPECT_EQ(core::format_iso8601(*time), "2025-07-01T00:00:00Z");
  EXPECT_EQ(core::parse_iso8601("2025-07-01T02:00:00+02:00"), time);
  EXPECT_EQ(core::parse_iso8601("2025-07-01T00:00:00"), time);
  const auto fractional = core::parse_iso8601("2025-07-01T00:00:00.5Z");
  ASSERT_TRUE(fractional);
  EXPECT_EQ(*fractional - *time, std::chrono::milliseconds(500));
  EXPECT_FALSE(core::parse_iso8601("2025-13-01T00:00:00Z"));
  EXPECT_FALSE(core::parse_iso8601("yesterday"));
  EXPECT_EQ(core::format_iso8601(core::WallTime(std::chrono::seconds(951782400))), "2000-02-29T00:00:00Z");
}

}  // namespace
}  // namespace aci::http
