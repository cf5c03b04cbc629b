#pragma once
// Status conditions in the metav1.Condition shape (type, status, reason, message,
// lastTransitionTime), kept in status["conditions"]. Pure functions on the JSON, apart
// from StatusStore, so what a status holds can be built and checked without Asio.

#include <nlohmann/json.hpp>
#include <string_view>

#include "daemon/core/time_types.hpp"

namespace aci::status {

// Sets the condition `type` in status["conditions"] (metav1.Condition shape):
// lastTransitionTime moves to `now` only when `condition_status` ("True", "False" or
// "Unknown"; anything else is a bug and throws std::invalid_argument) differs from before.
void set_condition(nlohmann::json& status, std::string_view type, std::string_view condition_status,
                   std::string_view reason, std::string_view message, core::WallTime now);

// The condition `type`, or null.
const nlohmann::json* find_condition(const nlohmann::json& status, std::string_view type);

}  // namespace aci::status
