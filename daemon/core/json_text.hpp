#pragma once
// Reading JSON that comes from elsewhere (Azure, the Kubernetes API, a custom
// resource) leniently, by JSON pointer: a value that is absent, or of another type,
// reads as null or "", so callers decide what an absent value means. Never throws for
// a well-formed pointer.

#include <nlohmann/json.hpp>
#include <string>

namespace aci::core {

// The value at `pointer` ("/metadata/name"), or null.
inline const nlohmann::json& json_at(const nlohmann::json& value, const char* pointer) {
  static const nlohmann::json kNull;
  const nlohmann::json::json_pointer at(pointer);
  return value.contains(at) ? value.at(at) : kNull;
}

// The string at `pointer`, or "".
inline std::string text_at(const nlohmann::json& value, const char* pointer) {
  const auto& found = json_at(value, pointer);
  return found.is_string() ? found.get<std::string>() : std::string();
}

}  // namespace aci::core
