#pragma once
// Small response builders shared by the emulator's own services (identity, Graph,
// ACR, admin): JSON bodies with Azure's content type, and ARM's error envelope.

#include <nlohmann/json.hpp>
#include <string>

#include "daemon/http/server.hpp"

namespace aci::emulator {

inline http::ServerResponse json_response(unsigned status, const nlohmann::json& body) {
  // Names echoed from the request may hold any bytes; dump() must not throw on them.
  return http::make_response(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                             "application/json; charset=utf-8");
}

// {"error":{"code":...,"message":...}}: ARM's and Graph's envelope.
inline http::ServerResponse azure_error(unsigned status, const std::string& code, const std::string& message) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

}  // namespace aci::emulator
