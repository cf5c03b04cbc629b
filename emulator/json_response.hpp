#pragma once
// Small response builders shared by the emulator's own services (identity, Graph,
// ACR, admin): JSON bodies with Azure's content type, and ARM's error envelope.

#include <nlohmann/json.hpp>
#include <string>

#include "daemon/http/server.hpp"

namespace aci::emulator {

inline http::ServerResponse json_response(unsigned status, const nlohmann::json& body) {
  return http::make_response(status, body.dump(), "application/json; charset=utf-8");
}

// {"error":{"code":...,"message":...}}: ARM's and Graph's envelope.
inline http::ServerResponse azure_error(unsigned status, const std::string& code, const std::string& message) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace aci::emulator
