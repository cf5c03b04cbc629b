#include "daemon/status/status_conditions.hpp"

#include <stdexcept>
#include <string>

#include "daemon/core/iso8601.hpp"

namespace aci::status {

using nlohmann::json;

void set_condition(json& status, std::string_view type, std::string_view condition_status, std::string_view reason,
                   std::string_view message, core::WallTime now) {
  if (condition_status != "True" && condition_status != "False" && condition_status != "Unknown") {
    throw std::invalid_argument("condition status must be True, False or Unknown, got '" +
                                std::string(condition_status) + "'");
  }
  auto& conditions = status["conditions"];
  if (!conditions.is_array()) conditions = json::array();
  json* condition = nullptr;
  for (auto& existing : conditions) {
    if (existing.is_object() && existing.value("type", "") == type) condition = &existing;
  }
  if (condition == nullptr) {
    conditions.push_back({{"type", std::string(type)}});
    condition = &conditions.back();
  }
  if (condition->value("status", "") != condition_status || !condition->contains("lastTransitionTime")) {
    (*condition)["lastTransitionTime"] = core::format_iso8601(now);
  }
  (*condition)["status"] = std::string(condition_status);
  (*condition)["reason"] = std::string(reason);
  (*condition)["message"] = std::string(message);
}

const json* find_condition(const json& status, std::string_view type) {
  const auto conditions = status.find("conditions");
  if (conditions == status.end() || !conditions->is_array()) return nullptr;
  for (const auto& condition : *conditions) {
    if (condition.is_object() && condition.value("type", "") == type) return &condition;
  }
  return nullptr;
}

}  // namespace aci::status
