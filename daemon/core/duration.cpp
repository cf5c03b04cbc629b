#include "daemon/core/duration.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace aci {

namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t milliseconds;
};

// Longest suffixes first so "ms" is not read as "m".
constexpr std::array<Unit, 4> kUnits{{{"ms", 1}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}}};

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text == "0") return std::chrono::milliseconds(0);
  std::int64_t total = 0;
  while (!text.empty()) {
    std::int64_t amount = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
    if (ec != std::errc() || end == text.data() || amount < 0) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    const Unit* unit = nullptr;
    for (const auto& candidate : kUnits) {
      if (text.starts_with(candidate.suffix)) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    text.remove_prefix(unit->suffix.size());
    if (amount > (std::numeric_limits<std::int64_t>::max() - total) / unit->milliseconds) return std::nullopt;
    total += amount * unit->milliseconds;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds duration) {
  auto remaining = duration.count();
  if (remaining == 0) return "0s";
  std::string text;
  for (const auto& unit : {kUnits[1], kUnits[2], kUnits[3], kUnits[0]}) {
    if (remaining >= unit.milliseconds) {
      text += std::to_string(remaining / unit.milliseconds) + std::string(unit.suffix);
      remaining %= unit.milliseconds;
    }
  }
  return text;
}

}  // namespace aci
