#pragma once
// The time types every layer shares: wall time (calendar, what Azure and status show)
// and steady time (deadlines, schedules). Kept apart from Clock, which brings in Asio,
// so pure code such as the Azure wire parsers and the fuzz targets uses them alone.

#include <chrono>

namespace aci::core {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

}  // namespace aci::core
