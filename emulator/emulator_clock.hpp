#pragma once
// The emulator's notion of "now". Every time-dependent behaviour (token expiry,
// password propagation, provisioning progress) reads it, so tests can move time.

#include <chrono>
#include <functional>

namespace aci::emulator {

using TimePoint = std::chrono::system_clock::time_point;
using NowFunction = std::function<TimePoint()>;

inline NowFunction system_now() {
  return [] { return std::chrono::system_clock::now(); };
}

}  // namespace aci::emulator
