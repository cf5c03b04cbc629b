#pragma once
// Time as ARM prints it ("2025-01-01T00:00:10Z", UTC, whole seconds) and as the
// ARM service persists it (Unix milliseconds).

#include <cstdint>
#include <ctime>
#include <string>

#include "emulator/emulator_clock.hpp"

namespace aci::emulator::arm {

inline std::string iso_timestamp(TimePoint time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::seconds>(time));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

inline std::int64_t to_unix_ms(TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

inline TimePoint from_unix_ms(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace aci::emulator::arm
