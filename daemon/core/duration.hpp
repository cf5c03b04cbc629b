#pragma once
// Go-style durations ("250ms", "10s", "5m", "720h", "1h30m") as used in config
// and specs. Parsing is strict: a unit is required and the result must not be negative.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace aci {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace aci
