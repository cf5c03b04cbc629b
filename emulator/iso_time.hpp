#pragma once
// ISO 8601 UTC timestamps as Graph, Key Vault and ARM print them
// ("2025-01-01T00:00:00Z"), and a tolerant parser for what clients send
// (fractional seconds and "+00:00" accepted; other offsets applied).

#include <optional>
#include <string>
#include <string_view>

#include "emulator/emulator_clock.hpp"

namespace aci::emulator {

std::string format_iso8601(TimePoint time);
std::optional<TimePoint> parse_iso8601(std::string_view text);
std::int64_t unix_seconds(TimePoint time);
TimePoint from_unix_seconds(std::int64_t seconds);

}  // namespace aci::emulator
