#pragma once
// A 5-field cron schedule ("minute hour day-of-month month day-of-week"), always
// in UTC. Fields take *, numbers, ranges (a-b), lists (a,b), steps (*/n, a-b/n, a/n)
// and, for months and weekdays, three-letter English names (JAN, MON); 0 and 7 are
// Sunday. As in Vixie cron, when both day fields are restricted a day matching
// either fires. parse() rejects schedules that can never fire.

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/expected.hpp"

namespace aci::model {

class CronSchedule {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // The error says which field is wrong and why.
  static Expected<CronSchedule, std::string> parse(std::string_view text);

  // The first whole minute strictly after `after` at which the schedule fires.
  // nullopt only if none exists within ten years (parse() prevents that).
  std::optional<TimePoint> next_after(TimePoint after) const;

  const std::string& text() const { return text_; }

 private:
  CronSchedule() = default;
  bool day_matches(unsigned day_of_month, unsigned weekday) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;      // 1..31
  std::bitset<13> months_;    // 1..12
  std::bitset<7> weekdays_;   // 0 = Sunday
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace aci::model
