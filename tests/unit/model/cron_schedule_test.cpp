#include "daemon/model/cron_schedule.hpp"

#include <gtest/gtest.h>

namespace aci::model {
namespace {

using std::chrono::system_clock;

system_clock::time_point at(int y, unsigned m, unsigned d, int hour = 0, int minute = 0, int second = 0) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)) +
         std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
}

system_clock::time_point next(const std::string& text, system_clock::time_point after) {
  auto schedule = CronSchedule::parse(text);
  EXPECT_TRUE(schedule) << text << ": " << (schedule ? "" : schedule.error());
  if (!schedule) return {};
  auto fire = schedule->next_after(after);
  EXPECT_TRUE(fire) << text;
  return fire.value_or(system_clock::time_point{});
}

std::string error_of(const std::string& text) {
  auto schedule = CronSchedule::parse(text);
  return schedule ? "" : schedule.error();
}

TEST(CronScheduleTest, EveryMinuteFiresAtTheNextWholeMinute) {
  EXPECT_EQ(next("* * * * *", at(2025, 3, 1, 10, 15, 30)), at(2025, 3, 1, 10, 16));
}

TEST(CronScheduleTest, NextFiringIsStrictlyAfterTheGivenTime) {
  EXPECT_EQ(next("30 * * * *", at(2025, 3, 1, 10, 30)), at(2025, 3, 1, 11, 30));
  EXPECT_EQ(next("30 * * * *", at(2025, 3, 1, 10, 29, 59)), at(2025, 3, 1, 10, 30));
}

TEST(CronScheduleTest, StepsRangesAndLists) {
  EXPECT_EQ(next("*/15 * * * *", at(2025, 3, 1, 10, 16)), at(2025, 3, 1, 10, 30));
  EXPECT_EQ(next("0 9-17/4 * * *", at(2025, 3, 1, 13, 0)), at(2025, 3, 1, 17, 0));
  EXPECT_EQ(next("0 9-17/4 * * *", at(2025, 3, 1, 17, 0)), at(2025, 3, 2, 9, 0));
  EXPECT_EQ(next("5,10,50 * * * *", at(2025, 3, 1, 10, 10)), at(2025, 3, 1, 10, 50));
  EXPECT_EQ(next("10/20 * * * *", at(2025, 3, 1, 10, 31)), at(2025, 3, 1, 10, 50));
}

TEST(CronScheduleTest, RollsOverHourDayMonthAndYear) {
  EXPECT_EQ(next("0 0 * * *", at(2025, 12, 31, 23, 59)), at(2026, 1, 1));
  EXPECT_EQ(next("0 0 1 1 *", at(2025, 6, 1)), at(2026, 1, 1));
}

TEST(CronScheduleTest, MonthNamesAndNumbersMean) {
  EXPECT_EQ(next("0 0 1 jan,JUL *", at(2025, 3, 1)), at(2025, 7, 1));
  EXPECT_EQ(next("0 0 1 7 *", at(2025, 3, 1)), at(2025, 7, 1));
  EXPECT_EQ(next("0 0 1 FEB-APR *", at(2025, 4, 2)), at(2026, 2, 1));
}

TEST(CronScheduleTest, DayOfWeekAcceptsNamesAndSevenForSunday) {
  // 2025-03-01 is a Saturday.
  EXPECT_EQ(next("0 3 * * MON", at(2025, 3, 1)), at(2025, 3, 3, 3));
  EXPECT_EQ(next("0 3 * * 1", at(2025, 3, 1)), at(2025, 3, 3, 3));
  EXPECT_EQ(next("0 0 * * 7", at(2025, 3, 1)), at(2025, 3, 2));
  EXPECT_EQ(next("0 0 * * 0", at(2025, 3, 1)), at(2025, 3, 2));
  EXPECT_EQ(next("0 0 * * mon-fri", at(2025, 3, 1)), at(2025, 3, 3));
}

TEST(CronScheduleTest, RestrictedDayOfMonthAndDayOfWeekFireOnEither) {
  // Vixie cron: "the 13th, or any Friday". 2025-03-01 is a Saturday; Friday the 7th comes first.
  EXPECT_EQ(next("0 0 13 * FRI", at(2025, 3, 1)), at(2025, 3, 7));
  EXPECT_EQ(next("0 0 13 * FRI", at(2025, 3, 12)), at(2025, 3, 13));
}

TEST(CronScheduleTest, StarredDayFieldRestrictsWithTheOther) {
  // "*/2" starts with '*', so both fields must match: odd days (1, 3, 5, ...) that are Mondays.
  EXPECT_EQ(next("0 0 */2 * MON", at(2025, 3, 1)), at(2025, 3, 3));
  EXPECT_EQ(next("0 0 */2 * MON", at(2025, 3, 3)), at(2025, 3, 17));
}

TEST(CronScheduleTest, FebruaryTwentyNinthFiresOnlyInLeapYears) {
  EXPECT_EQ(next("0 12 29 2 *", at(2025, 3, 1)), at(2028, 2, 29, 12));
  EXPECT_EQ(next("0 12 29 2 *", at(2096, 3, 1)), at(2104, 2, 29, 12));
}

TEST(CronScheduleTest, DayThirtyOneSkipsShortMonths) {
  EXPECT_EQ(next("0 0 31 * *", at(2025, 4, 1)), at(2025, 5, 31));
  EXPECT_EQ(next("0 0 31 * *", at(2025, 5, 31)), at(2025, 7, 31));
}

TEST(CronScheduleTest, RejectsMalformedSchedules) {
  EXPECT_EQ(error_of("* * * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 4");
  EXPECT_EQ(error_of("* * * * * *"), "expected 5 fields (minute hour day-of-month month day-of-week), got 6");
  EXPECT_EQ(error_of("60 * * * *"), "minute: 60 is out of range 0-59");
  EXPECT_EQ(error_of("* * 0 * *"), "day-of-month: 0 is out of range 1-31");
  EXPECT_EQ(error_of("* * * 13 *"), "month: 13 is out of range 1-12");
  EXPECT_EQ(error_of("* * * * 8"), "day-of-week: 8 is out of range 0-7");
  EXPECT_EQ(error_of("* 5-3 * * *"), "hour: range 5-3 runs backwards");
  EXPECT_EQ(error_of("*/0 * * * *"), "minute: step '0' must be a whole number of at least 1");
  EXPECT_EQ(error_of("* * * * FUN"), "day-of-week: 'FUN' is not a number or a name");
  EXPECT_EQ(error_of("a * * * *"), "minute: 'a' is not a number");
  EXPECT_EQ(error_of("1,,2 * * * *"), "minute: empty list item in '1,,2'");
  EXPECT_EQ(error_of("* * * JAN-XYZ *"), "month: 'XYZ' is not a number or a name");
}

TEST(CronScheduleTest, RejectsSchedulesThatNeverFire) {
  EXPECT_EQ(error_of("0 0 30 2 *"), "never fires: no chosen month has the chosen day of the month");
  EXPECT_EQ(error_of("0 0 31 4,6,9,11 *"), "never fires: no chosen month has the chosen day of the month");
  EXPECT_EQ(error_of("0 0 30 2 MON"), "");  // either the 30th or a Monday: Mondays fire
}

TEST(CronScheduleTest, KeepsItsText) {
  auto schedule = CronSchedule::parse("0 3 * * 1");
  ASSERT_TRUE(schedule);
  EXPECT_EQ(schedule->text(), "0 3 * * 1");
}

}  // namespace
}  // namespace aci::model
