#include "daemon/core/iso8601.hpp"

#include <charconv>
#include <cstdio>

namespace aci::core {

namespace {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<int> digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// Unix seconds of a UTC civil time; nullopt when a field is out of range. Years stop at
// 9999, so the sum cannot overflow (whether a WallTime can hold it is checked apart).
std::optional<std::int64_t> civil_seconds(std::int64_t year, int month, int day, int hour, int minute, int second) {
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60)
    return std::nullopt;
  const auto days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * 86400 + std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second;
}

// Whole seconds a WallTime holds either side of the epoch, less one so that a fraction
// of a second may still be added.
constexpr std::int64_t kMaxWallSeconds =
    std::chrono::duration_cast<std::chrono::seconds>(core::WallTime::duration::max()).count() - 1;

}  // namespace

std::optional<core::WallTime> from_unix_seconds(std::int64_t seconds) {
  if (seconds > kMaxWallSeconds || seconds < -kMaxWallSeconds) return std::nullopt;
  return core::WallTime(std::chrono::seconds(seconds));
}

std::optional<core::WallTime> add_seconds(core::WallTime from, std::int64_t seconds) {
  const auto base = std::chrono::duration_cast<std::chrono::seconds>(from.time_since_epoch()).count();
  if ((seconds > 0 && base > kMaxWallSeconds - seconds) || (seconds < 0 && base < -kMaxWallSeconds - seconds))
    return std::nullopt;
  return from + std::chrono::seconds(seconds);
}

std::optional<core::WallTime> from_civil(std::int64_t year, int month, int day, int hour, int minute, int second) {
  const auto seconds = civil_seconds(year, month, day, hour, minute, second);
  return seconds ? from_unix_seconds(*seconds) : std::nullopt;
}

std::optional<core::WallTime> parse_iso8601(std::string_view text) {
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, 5, 2);
  const auto day = digits(text, 8, 2);
  const auto hour = digits(text, 11, 2);
  const auto minute = digits(text, 14, 2);
  const auto second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  auto seconds = civil_seconds(*year, *month, *day, *hour, *minute, *second);
  if (!seconds) return std::nullopt;
  std::int64_t nanos = 0;
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int places = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (places < 9) {
        nanos = nanos * 10 + (text[pos] - '0');
        ++places;
      }
      ++pos;
    }
    if (places == 0) return std::nullopt;
    for (; places < 9; ++places) nanos *= 10;
  }
  // A WallTime ends in 2262: later instants (Graph's "2299-12-31" for passwords that never
  // expire, say) read as absent rather than overflowing.
  const auto at = [&](std::int64_t utc_seconds) -> std::optional<core::WallTime> {
    auto time = from_unix_seconds(utc_seconds);
    if (time) *time += std::chrono::duration_cast<core::WallTime::duration>(std::chrono::nanoseconds(nanos));
    return time;
  };
  if (pos == text.size()) return at(*seconds);  // no zone: Graph means UTC
  if (text[pos] == 'Z' || text[pos] == 'z') return pos + 1 == text.size() ? at(*seconds) : std::nullopt;
  if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 && text[pos + 3] == ':') {
    const auto oh = digits(text, pos + 1, 2);
    const auto om = digits(text, pos + 4, 2);
    if (!oh || !om) return std::nullopt;
    const std::int64_t offset = std::int64_t{*oh} * 3600 + std::int64_t{*om} * 60;
    return at(text[pos] == '+' ? *seconds - offset : *seconds + offset);
  }
  return std::nullopt;
}

std::string format_iso8601(core::WallTime time) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  // civil_from_days (Howard Hinnant).
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char text[96];  // ample for any int64 year, so GCC's truncation check stays quiet
  std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y) + (m <= 2 ? 1 : 0), m, d, static_cast<long long>(rest / 3600),
                static_cast<long long>((rest / 60) % 60), static_cast<long long>(rest % 60));
  return text;
}

}  // namespace aci::core
