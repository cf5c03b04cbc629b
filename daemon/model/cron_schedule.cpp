#include "daemon/model/cron_schedule.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <vector>

namespace aci::model {

namespace {

struct FieldSpec {
  std::string_view name;
  unsigned min;
  unsigned max;
  const std::array<std::string_view, 12>* names;  // names[i] stands for min + i
};

constexpr std::array<std::string_view, 12> kMonthNames{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 12> kWeekdayNames{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

constexpr std::array<FieldSpec, 5> kFields{{{"minute", 0, 59, nullptr},
                                            {"hour", 0, 23, nullptr},
                                            {"day-of-month", 1, 31, nullptr},
                                            {"month", 1, 12, &kMonthNames},
                                            {"day-of-week", 0, 7, &kWeekdayNames}}};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto at = text.find(separator, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

std::string upper(std::string_view text) {
  std::string result(text);
  for (auto& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

Expected<unsigned, std::string> parse_value(std::string_view text, const FieldSpec& spec) {
  if (spec.names != nullptr) {
    const auto name = upper(text);
    for (std::size_t i = 0; i < spec.names->size(); ++i) {
      if (!(*spec.names)[i].empty() && (*spec.names)[i] == name) return spec.min + static_cast<unsigned>(i);
    }
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return unexpected(std::string(spec.name) + ": '" + std::string(text) + "' is not a number" +
                      (spec.names != nullptr ? " or a name" : ""));
  }
  if (value < spec.min || value > spec.max) {
    return unexpected(std::string(spec.name) + ": " + std::to_string(value) + " is out of range " +
                      std::to_string(spec.min) + "-" + std::to_string(spec.max));
  }
  return value;
}

// The set of values a field allows, as a bit mask over spec.min..spec.max.
Expected<std::uint64_t, std::string> parse_field(std::string_view text, const FieldSpec& spec) {
  std::uint64_t bits = 0;
  for (const auto part : split(text, ',')) {
    if (part.empty()) return unexpected(std::string(spec.name) + ": empty list item in '" + std::string(text) + "'");
    const auto slash = part.find('/');
    const auto base = part.substr(0, slash);
    unsigned step = 1;
    if (slash != std::string_view::npos) {
      const auto step_text = part.substr(slash + 1);
      const auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (step_text.empty() || ec != std::errc() || end != step_text.data() + step_text.size() || step == 0) {
        return unexpected(std::string(spec.name) + ": step '" + std::string(step_text) +
                          "' must be a whole number of at least 1");
      }
    }
    unsigned first = spec.min;
    unsigned last = spec.max;
    if (base != "*") {
      const auto dash = base.find('-');
      auto low = parse_value(base.substr(0, dash), spec);
      if (!low) return unexpected(low.error());
      first = *low;
      if (dash != std::string_view::npos) {
        auto high = parse_value(base.substr(dash + 1), spec);
        if (!high) return unexpected(high.error());
        last = *high;
        if (last < first) {
          return unexpected(std::string(spec.name) + ": range " + std::string(base) + " runs backwards");
        }
      } else if (slash == std::string_view::npos) {
        last = first;
      }
    }
    for (unsigned value = first; value <= last; value += step) bits |= std::uint64_t{1} << value;
  }
  return bits;
}

unsigned days_in_month(unsigned month) {
  constexpr std::array<unsigned, 13> kDays{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month];
}

}  // namespace

Expected<CronSchedule, std::string> CronSchedule::parse(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    const auto start = at;
    while (at < text.size() && !std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    if (at > start) fields.push_back(text.substr(start, at - start));
  }
  if (fields.size() != kFields.size()) {
    return unexpected("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                      std::to_string(fields.size()));
  }
  std::array<std::uint64_t, 5> bits{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto parsed = parse_field(fields[i], kFields[i]);
    if (!parsed) return unexpected(parsed.error());
    bits[i] = *parsed;
  }
  CronSchedule schedule;
  schedule.text_ = std::string(text);
  for (unsigned v = 0; v < 60; ++v) schedule.minutes_[v] = ((bits[0] >> v) & 1U) != 0;
  for (unsigned v = 0; v < 24; ++v) schedule.hours_[v] = ((bits[1] >> v) & 1U) != 0;
  for (unsigned v = 1; v < 32; ++v) schedule.days_[v] = ((bits[2] >> v) & 1U) != 0;
  for (unsigned v = 1; v < 13; ++v) schedule.months_[v] = ((bits[3] >> v) & 1U) != 0;
  for (unsigned v = 0; v < 8; ++v) {
    if (((bits[4] >> v) & 1U) != 0) schedule.weekdays_[v % 7] = true;
  }
  // Vixie cron: a day field written with a leading '*' (even "*/2") is unrestricted.
  schedule.days_restricted_ = !fields[2].starts_with('*');
  schedule.weekdays_restricted_ = !fields[4].starts_with('*');

  if (schedule.days_restricted_ && !schedule.weekdays_restricted_) {
    bool fires = false;
    for (unsigned month = 1; month <= 12 && !fires; ++month) {
      if (!schedule.months_[month]) continue;
      for (unsigned day = 1; day <= days_in_month(month) && !fires; ++day) fires = schedule.days_[day];
    }
    if (!fires) return unexpected(std::string("never fires: no chosen month has the chosen day of the month"));
  }
  return schedule;
}

bool CronSchedule::day_matches(unsigned day_of_month, unsigned weekday) const {
  const bool day_ok = days_[day_of_month];
  const bool weekday_ok = weekdays_[weekday];
  if (days_restricted_ && weekdays_restricted_) return day_ok || weekday_ok;
  return day_ok && weekday_ok;
}

std::optional<CronSchedule::TimePoint> CronSchedule::next_after(TimePoint after) const {
  using namespace std::chrono;
  auto t = floor<minutes>(after) + minutes(1);
  const auto limit = year_month_day(floor<days>(t)).year() + years(10);
  while (true) {
    const sys_days day = floor<days>(t);
    const year_month_day date(day);
    if (date.year() > limit) return std::nullopt;
    if (!months_[static_cast<unsigned>(date.month())]) {
      t = sys_days(year_month_day(date.year() / date.month() / 1) + months(1));
      continue;
    }
    if (!day_matches(static_cast<unsigned>(date.day()), weekday(day).c_encoding())) {
      t = day + days(1);
      continue;
    }
    const auto hour = floor<hours>(t - day);
    if (!hours_[static_cast<std::size_t>(hour.count())]) {
      t = day + hour + hours(1);
      continue;
    }
    const auto minute = floor<minutes>(t - day - hour);
    if (!minutes_[static_cast<std::size_t>(minute.count())]) {
      t += minutes(1);
      continue;
    }
    return TimePoint(t);
  }
}

}  // namespace aci::model
