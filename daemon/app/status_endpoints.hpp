#pragma once
// /status: every object's status as one JSON object keyed by object key, and
// /status/<kind>/[<namespace>/]<name> for one object (404 when there is none). The
// StatusStore must outlive the server.

#include "daemon/status/status_store.hpp"
#include "daemon/http/router.hpp"

namespace aci::app {

void add_status_endpoints(http::Router& router, const status::StatusStore& statuses);

}  // namespace aci::app
