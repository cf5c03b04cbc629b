#pragma once
// POST /rotations/{name}: the manual trigger of a CredentialRotation, which
// `aci-operator rotate NAME` calls. 202 when the rotation is queued, 404 when no
// rotation has that name, 503 while the daemon is not rotating (no specs, or --once).

#include <functional>
#include <optional>
#include <string>

#include "daemon/http/router.hpp"

namespace aci::app {

// Returns nullopt while rotations are not running; otherwise whether `name` exists
// (and was queued). Called on the server's executor.
using RotateFunction = std::function<std::optional<bool>(const std::string& name)>;

inline constexpr std::string_view kRotationsPath = "/rotations/";

void add_rotation_endpoint(http::Router& router, RotateFunction rotate);

}  // namespace aci::app
