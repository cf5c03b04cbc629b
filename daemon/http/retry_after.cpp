#include "daemon/http/retry_after.hpp"

#include "daemon/core/iso8601.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

namespace aci::http {

namespace {

// Servers asking for more than a day are broken; treating the value as absent lets
// ordinary backoff apply instead of parking a call for years.
constexpr std::int64_t kMaxSeconds = std::int64_t{24} * 60 * 60;

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::optional<std::int64_t> parse_digits(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

std::vector<std::string_view> split_tokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != ',') ++i;
    if (i > start) tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

std::optional<int> month_index(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t m = 0; m < kMonths.size(); ++m)
    if (name == kMonths[m]) return static_cast<int>(m) + 1;
  return std::nullopt;
}

std::optional<core::WallTime> make_time(std::int64_t year, int month, std::int64_t day, std::string_view hms) {
  if (hms.size() != 8 || hms[2] != ':' || hms[5] != ':') return std::nullopt;
  const auto h = parse_digits(hms.substr(0, 2));
  const auto mi = parse_digits(hms.substr(3, 2));
  const auto s = parse_digits(hms.substr(6, 2));
  if (!h || !mi || !s || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  if (day < 1 || day > 31) return std::nullopt;
  return core::from_civil(year, month, static_cast<int>(day), static_cast<int>(*h), static_cast<int>(*mi),
                    static_cast<int>(*s));
}

}  // namespace

std::optional<core::WallTime> parse_http_date(std::string_view value) {
  const auto tokens = split_tokens(trim(value));
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (tokens.size() == 6 && tokens[5] == "GMT") {
    const auto day = parse_digits(tokens[1]);
    const auto month = month_index(tokens[2]);
    const auto year = parse_digits(tokens[3]);
    if (day && month && year && tokens[3].size() == 4) return make_time(*year, *month, *day, tokens[4]);
    return std::nullopt;
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years below 70 are 20xx.
  if (tokens.size() == 4 && tokens[3] == "GMT") {
    const auto date = tokens[1];
    if (date.size() != 9 || date[2] != '-' || date[6] != '-') return std::nullopt;
    const auto day = parse_digits(date.substr(0, 2));
    const auto month = month_index(date.substr(3, 3));
    auto year = parse_digits(date.substr(7, 2));
    if (!day || !month || !year) return std::nullopt;
    *year += *year < 70 ? 2000 : 1900;
    return make_time(*year, *month, *day, tokens[2]);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (tokens.size() == 5) {
    const auto month = month_index(tokens[1]);
    const auto day = parse_digits(tokens[2]);
    const auto year = parse_digits(tokens[4]);
    if (month && day && year) return make_time(*year, *month, *day, tokens[3]);
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, core::WallTime now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value.front()))) {
    const auto seconds = parse_digits(value);
    if (!seconds || *seconds > kMaxSeconds) return std::nullopt;
    return std::chrono::seconds(*seconds);
  }
  const auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(*when - now);
  if (delta.count() <= 0) return std::chrono::milliseconds(0);
  if (delta > std::chrono::seconds(kMaxSeconds)) return std::nullopt;
  return delta;
}

std::optional<std::chrono::milliseconds> retry_after_from_headers(const http::Response& response,
                                                                  core::WallTime now) {
  for (const std::string_view name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
    const auto text = response.header(name);
    if (text.empty()) continue;
    if (const auto ms = parse_digits(trim(text)); ms && *ms <= kMaxSeconds * 1000) return std::chrono::milliseconds(*ms);
  }
  const auto text = response.header("Retry-After");
  if (text.empty()) return std::nullopt;
  return parse_retry_after(text, now);
}

}  // namespace aci::http
