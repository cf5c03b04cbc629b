#pragma once
// Reading Azure's JSON answers leniently: a member that is missing or not a string
// reads as "", so callers decide what an absent value means.

#include <nlohmann/json.hpp>
#include <string>

namespace aci::azure {

inline std::string string_field(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace aci::azure
