#include "daemon/metrics/container_group_metrics.hpp"

#include <array>

namespace aci::metrics {

namespace {

constexpr std::array kPhases{GroupPhase::pending,  GroupPhase::progressing, GroupPhase::ready, GroupPhase::drifted,
                             GroupPhase::conflict, GroupPhase::invalid,     GroupPhase::failed};
constexpr std::array<std::string_view, 3> kDriftReasons{"property", "tags", "deleted"};

}  // namespace

std::string_view to_string(GroupPhase phase) {
  switch (phase) {
    case GroupPhase::pending:
      return "Pending";
    case GroupPhase::progressing:
      return "Progressing";
    case GroupPhase::ready:
      return "Ready";
    case GroupPhase::drifted:
      return "Drifted";
    case GroupPhase::conflict:
      return "Conflict";
    case GroupPhase::invalid:
      return "Invalid";
    case GroupPhase::failed:
      return "Failed";
  }
  return "Unknown";
}

ContainerGroupMetrics::ContainerGroupMetrics(prometheus::Registry& registry)
    : groups_(prometheus::BuildGauge()
                  .Name("aci_operator_container_groups")
                  .Help("ContainerGroup specs by phase")
                  .Register(registry)),
      drift_(prometheus::BuildCounter()
                 .Name("aci_operator_drift_total")
                 .Help("Container groups found in Azure differing from an unchanged spec, by reason")
                 .Register(registry)) {
  for (const auto phase : kPhases) groups_.Add({{"phase", std::string(to_string(phase))}});
  for (const auto reason : kDriftReasons) drift_.Add({{"reason", std::string(reason)}});
}

void ContainerGroupMetrics::set_phase(const std::string& key, GroupPhase phase) {
  auto [it, inserted] = phases_.try_emplace(key, phase);
  if (!inserted) {
    if (it->second == phase) return;
    groups_.Add({{"phase", std::string(to_string(it->second))}}).Decrement();
    it->second = phase;
  }
  groups_.Add({{"phase", std::string(to_string(phase))}}).Increment();
}

std::optional<GroupPhase> ContainerGroupMetrics::phase(const std::string& key) const {
  const auto it = phases_.find(key);
  if (it == phases_.end()) return std::nullopt;
  return it->second;
}

void ContainerGroupMetrics::forget(const std::string& key) {
  const auto it = phases_.find(key);
  if (it == phases_.end()) return;
  groups_.Add({{"phase", std::string(to_string(it->second))}}).Decrement();
  phases_.erase(it);
}

void ContainerGroupMetrics::count_drift(std::string_view reason) {
  drift_.Add({{"reason", std::string(reason)}}).Increment();
}

}  // namespace aci::metrics
