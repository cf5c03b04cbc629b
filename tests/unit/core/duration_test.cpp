#include "daemon/core/duration.hpp"

#include <gtest/gtest.h>

namespace aci {
namespace {

using std::chrono::milliseconds;

TEST(DurationTest, ParsesSingleAndCompoundUnits) {
  EXPECT_EQ(parse_duration("250ms"), milliseconds(250));
  EXPECT_EQ(parse_duration("10s"), milliseconds(10'000));
  EXPECT_EQ(parse_duration("5m"), milliseconds(300'000));
  EXPECT_EQ(parse_duration("720h"), milliseconds(720LL * 3'600'000));
  EXPECT_EQ(parse_duration("1h30m"), milliseconds(5'400'000));
  EXPECT_EQ(parse_duration("0"), milliseconds(0));
}

TEST(DurationTest, RejectsMissingUnitsNegativesAndJunk) {
  for (const auto* text : {"", "10", "-5s", "5x", "s", "1h-2m", "99999999999999999999h"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << text;
  }
}

TEST(DurationTest, FormatsBackToTheShortestForm) {
  EXPECT_EQ(format_duration(milliseconds(5'400'000)), "1h30m");
  EXPECT_EQ(format_duration(milliseconds(1'500)), "1s500ms");
  EXPECT_EQ(format_duration(milliseconds(0)), "0s");
}

}  // namespace
}  // namespace aci
