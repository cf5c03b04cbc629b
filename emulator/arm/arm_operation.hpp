#pragma once
// ArmOperation: one long-running ARM operation (PUT, DELETE, start, restart) as
// its Azure-AsyncOperation URL reports it. Its status is derived from the time
// it was asked at: InProgress until `finishes`, then Succeeded, Failed (with the
// error) or Canceled. No timers: reading the status is what moves it.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "emulator/arm/arm_error.hpp"
#include "emulator/emulator_clock.hpp"

namespace aci::emulator::arm {

struct ArmOperation {
  std::string id;
  std::string subscription;  // lower case
  std::string location;      // normalised
  std::string kind;          // "create", "update", "delete", "start", "restart"
  std::string group_key;     // the container group it acts on
  TimePoint started{};
  TimePoint finishes{};
  std::optional<ArmError> failure;
  bool canceled = false;

  bool done(TimePoint now) const { return now >= finishes; }
  // "InProgress", "Succeeded", "Failed" or "Canceled".
  std::string status(TimePoint now) const;
  // The body ARM returns from the Azure-AsyncOperation URL.
  nlohmann::json status_body(TimePoint now) const;
  // Ends it now as Canceled (the group it acted on went away first).
  void cancel(TimePoint now);

  nlohmann::json to_state() const;
  static ArmOperation from_state(const nlohmann::json& state);  // throws nlohmann::json::exception
};

}  // namespace aci::emulator::arm
