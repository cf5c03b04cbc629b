#pragma once
// Calendar time as Azure writes it: ISO 8601 / RFC 3339 date-times
// ("2025-07-01T00:00:00Z", with optional fractional seconds and a numeric offset, as
// Graph sends them) and the civil-date arithmetic behind them and HTTP-dates. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/time_types.hpp"

namespace aci::core {

// UTC civil time to a time point; nullopt when a field is out of range or the instant
// does not fit a WallTime (nanoseconds since 1970: years 1677 to 2262).
std::optional<core::WallTime> from_civil(std::int64_t year, int month, int day, int hour, int minute, int second);

// Unix seconds (Key Vault's nbf/exp, Entra's expires_on) to a time point; nullopt when
// it does not fit a WallTime.
std::optional<core::WallTime> from_unix_seconds(std::int64_t seconds);

// `from` + `seconds` (a lifetime a service sent); nullopt when it does not fit a WallTime.
std::optional<core::WallTime> add_seconds(core::WallTime from, std::int64_t seconds);

// "2025-07-01T00:00:00Z", "2025-07-01T00:00:00.1234567Z", "2025-07-01T02:00:00+02:00".
std::optional<core::WallTime> parse_iso8601(std::string_view text);

// "2025-07-01T00:00:00Z" (whole seconds, UTC).
std::string format_iso8601(core::WallTime time);

}  // namespace aci::core
