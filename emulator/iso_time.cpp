#include "emulator/iso_time.hpp"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace aci::emulator {

std::int64_t unix_seconds(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

TimePoint from_unix_seconds(std::int64_t seconds) { return TimePoint(std::chrono::seconds(seconds)); }

std::string format_iso8601(TimePoint time) {
  using namespace std::chrono;
  const auto days_since = floor<days>(time);
  const year_month_day ymd{days_since};
  const auto rest = floor<seconds>(time - days_since);
  const hh_mm_ss hms{rest};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return buffer;
}

std::optional<TimePoint> parse_iso8601(std::string_view text) {
  using namespace std::chrono;
  auto digits = [&](std::size_t pos, std::size_t count) -> std::optional<int> {
    if (pos + count > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto y = digits(0, 4), mo = digits(5, 2), d = digits(8, 2);
  if (!y || !mo || !d || text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int h = 0, mi = 0, s = 0;
  std::size_t pos = 10;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    auto hh = digits(11, 2), mm = digits(14, 2), ss = digits(17, 2);
    if (!hh || !mm || !ss || text[13] != ':' || text[16] != ':') return std::nullopt;
    h = *hh, mi = *mm, s = *ss;
    pos = 19;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    }
  }
  const year_month_day ymd{year(*y), month(static_cast<unsigned>(*mo)), day(static_cast<unsigned>(*d))};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  auto offset = seconds(0);
  if (pos < text.size()) {
    const char sign = text[pos];
    if (sign == 'Z' || sign == 'z') {
      ++pos;
    } else if (sign == '+' || sign == '-') {
      auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
      if (!oh || !om || text[pos + 3] != ':') return std::nullopt;
      offset = hours(*oh) + minutes(*om);
      if (sign == '-') offset = -offset;
      pos += 6;
    }
    if (pos != text.size()) return std::nullopt;
  }
  return TimePoint(sys_days(ymd).time_since_epoch() + hours(h) + minutes(mi) + seconds(s) - offset);
}

}  // namespace aci::emulator
