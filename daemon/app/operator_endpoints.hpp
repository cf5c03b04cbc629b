#pragma once
// The daemon's own HTTP surface: /metrics (Prometheus text), /healthz (the
// process is serving) and /readyz (every component reported ready). Later
// features add their routes to the same Router.

#include <prometheus/registry.h>

#include "daemon/app/readiness.hpp"
#include "daemon/http/router.hpp"

namespace aci::app {

void add_operator_endpoints(http::Router& router, prometheus::Registry& registry, const Readiness& readiness);

}  // namespace aci::app
