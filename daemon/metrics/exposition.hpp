#pragma once
// Prometheus text exposition (format 0.0.4) of a registry, for /metrics.

#include <prometheus/registry.h>

#include <string>

namespace aci::metrics {

inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string expose(prometheus::Registry& registry);

}  // namespace aci::metrics
