#pragma once
// The table `aci-operator run --once` prints when every object has settled: one row
// per key with its phase and, for a failure, why; and whether the run failed (any
// object not converged, invalid, in conflict or failed). Secret-free: it shows only
// what status and reconcile errors hold.

#include <iosfwd>

#include "daemon/core/converge_once.hpp"
#include "daemon/metrics/container_group_metrics.hpp"

namespace aci::app {

// Prints the table to `out`; returns true when every object converged.
bool print_once_summary(std::ostream& out, const core::ConvergeOnce& once,
                        const metrics::ContainerGroupMetrics& phases);

}  // namespace aci::app
