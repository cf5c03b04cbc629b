#include "daemon/core/iso8601.hpp"

#include <gtest/gtest.h>

namespace aci::core {
namespace {

using namespace std::chrono_literals;

TEST(Iso8601Test, ReadsFractionsAndOffsets) {
  const auto utc = parse_iso8601("2025-07-01T00:00:00Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(format_iso8601(*utc), "2025-07-01T00:00:00Z");
  EXPECT_EQ(parse_iso8601("2025-07-01T02:00:00+02:00"), utc);
  EXPECT_EQ(parse_iso8601("2025-06-30T23:00:00-01:00"), utc);
  EXPECT_EQ(parse_iso8601("2025-07-01T00:00:00.5Z"), *utc + 500ms);
  EXPECT_FALSE(parse_iso8601("2025-13-01T00:00:00Z"));
}

// Found by azure_response_fuzz: a WallTime counts nanoseconds in 64 bits and ends in 2262;
// later dates overflowed the conversion instead of reading as absent.
TEST(Iso8601Test, InstantsAfter2262AreAbsentNotWrapped) {
  EXPECT_TRUE(parse_iso8601("2262-01-01T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2299-12-31T05:00:00Z"));
  EXPECT_FALSE(parse_iso8601("9999-12-31T23:59:59.9999999Z"));
  EXPECT_FALSE(from_civil(9999, 12, 31, 23, 59, 59));
  EXPECT_FALSE(from_unix_seconds(9223372036854775807));
  EXPECT_EQ(from_unix_seconds(60), core::WallTime(60s));
}

TEST(Iso8601Test, AddSecondsRefusesWhatDoesNotFit) {
  const auto now = *parse_iso8601("2025-01-01T00:00:00Z");
  EXPECT_EQ(add_seconds(now, 3600), now + 3600s);
  EXPECT_EQ(add_seconds(now, -3600), now - 3600s);
  EXPECT_FALSE(add_seconds(now, 9223372036854775807));
  EXPECT_FALSE(add_seconds(now, -9223372036854775807));
}

}  // namespace
}  // namespace aci::core
