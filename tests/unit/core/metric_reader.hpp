#pragma once
// Reads one series back from a prometheus registry through Collect(), as a scrape
// would see it, so tests check exported values rather than our own bookkeeping.

#include <prometheus/registry.h>

#include <map>
#include <optional>
#include <string>

namespace aci::test {

// The series of family `name` whose labels are exactly `labels`, if it exists.
inline std::optional<prometheus::ClientMetric> find_series(prometheus::Registry& registry, const std::string& name,
                                                           const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& label : metric.label) have.emplace(label.name, label.value);
      if (have == labels) return metric;
    }
  }
  return std::nullopt;
}

// Counter or gauge value; -1 when the series does not exist, so a missing series fails loudly.
inline double metric_value(prometheus::Registry& registry, const std::string& name,
                           const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    const auto series = find_series(registry, name, labels);
    if (!series) return -1;
    return family.type == prometheus::MetricType::Gauge ? series->gauge.value : series->counter.value;
  }
  return -1;
}

inline std::uint64_t histogram_count(prometheus::Registry& registry, const std::string& name,
                                     const std::map<std::string, std::string>& labels) {
  const auto series = find_series(registry, name, labels);
  return series ? series->histogram.sample_count : 0;
}

inline double histogram_sum(prometheus::Registry& registry, const std::string& name,
                            const std::map<std::string, std::string>& labels) {
  const auto series = find_series(registry, name, labels);
  return series ? series->histogram.sample_sum : -1;
}

}  // namespace aci::test
