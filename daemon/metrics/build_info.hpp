#pragma once
// aci_operator_build_info{version}: always 1, so dashboards can show which build runs.

#include <prometheus/registry.h>

#include <string>

namespace aci::metrics {

void register_build_info(prometheus::Registry& registry, const std::string& version);

}  // namespace aci::metrics
