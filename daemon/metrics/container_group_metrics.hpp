#pragma once
// ContainerGroupMetrics: how many container groups are in each phase, and how often
// Azure was found to differ from a spec nobody changed. Phases and drift reasons are
// fixed sets, so every series exists (at zero) from the start. The registry must
// outlive this object.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace aci::metrics {

// A group's phase, as aci_operator_container_groups{phase} counts it.
enum class GroupPhase {
  pending,      // seen, not reconciled yet
  progressing,  // being created, updated or recreated
  ready,        // equal to its spec and provisioned
  drifted,      // DetectOnly: differs from its spec, left alone
  conflict,     // not ours to change, or blocked by policy
  invalid,      // the spec does not validate
  failed,       // Azure refused or the deployment failed; retried with backoff
};

std::string_view to_string(GroupPhase phase);

class ContainerGroupMetrics {
 public:
  explicit ContainerGroupMetrics(prometheus::Registry& registry);
  ContainerGroupMetrics(const ContainerGroupMetrics&) = delete;
  ContainerGroupMetrics& operator=(const ContainerGroupMetrics&) = delete;

  // Moves `key` into `phase` (from whatever phase it was in).
  void set_phase(const std::string& key, GroupPhase phase);
  // The key's phase; nullopt before its first set_phase().
  std::optional<GroupPhase> phase(const std::string& key) const;
  // The object is gone: it no longer counts.
  void forget(const std::string& key);
  // reason: "property", "tags" (Azure differs, the spec did not change) or "deleted".
  void count_drift(std::string_view reason);

 private:
  prometheus::Family<prometheus::Gauge>& groups_;
  prometheus::Family<prometheus::Counter>& drift_;
  std::map<std::string, GroupPhase> phases_;
};

}  // namespace aci::metrics
