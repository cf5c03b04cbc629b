#pragma once
// ArmError: an ARM failure as it goes on the wire, a status plus the CloudError
// body {"error":{"code","message","details":[]}}. Clients branch on
// `code`, so codes follow what Azure sends; messages follow Azure's wording.

#include <nlohmann/json.hpp>
#include <string>

namespace aci::emulator::arm {

struct ArmError {
  unsigned status = 400;
  std::string code;
  std::string message;

  nlohmann::json body() const {
    nlohmann::json error{{"code", code}, {"message", message}, {"details", nlohmann::json::array()}};
    return nlohmann::json{{"error", std::move(error)}};
  }
};

}  // namespace aci::emulator::arm
