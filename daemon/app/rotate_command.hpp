#pragma once
// `aci-operator rotate NAME`: asks the daemon running with the same configuration to
// rotate a CredentialRotation now, over its local HTTP API (POST /rotations/NAME at
// server.address:server.port). Exit 0 when queued, 1 otherwise, with the reason.

#include <ostream>
#include <string>

#include "daemon/config/config.hpp"

namespace aci::app {

int run_rotate(const config::Config& config, const std::string& name, std::ostream& out, std::ostream& err);

}  // namespace aci::app
