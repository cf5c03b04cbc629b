#pragma once
// The daemon's own HTTP surface: /metrics (Prometheus text), /healthz (the process
// serves, and no background loop is down: 503 naming each loop that is) and /readyz
// (every component reported ready). Later features add their routes to the same Router.

#include <prometheus/registry.h>

#include "daemon/app/readiness.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/http/router.hpp"

namespace aci::app {

// The registry, readiness and supervisor must outlive the router.
void add_operator_endpoints(http::Router& router, prometheus::Registry& registry, const Readiness& readiness,
                            const core::LoopSupervisor& loops);

}  // namespace aci::app
