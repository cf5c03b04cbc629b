#include "daemon/app/once_summary.hpp"

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

namespace aci::app {

namespace {

bool phase_failed(metrics::GroupPhase phase) {
  return phase == metrics::GroupPhase::invalid || phase == metrics::GroupPhase::conflict ||
         phase == metrics::GroupPhase::failed;
}

}  // namespace

bool print_once_summary(std::ostream& out, const core::ConvergeOnce& once,
                        const metrics::ContainerGroupMetrics& phases) {
  struct Row {
    std::string key, phase, result, detail;
  };
  std::vector<Row> rows;
  bool all_ok = true;
  for (const auto& [key, outcome] : once.outcomes()) {
    const auto phase = phases.phase(key);
    // Orphans (removed specs) have no phase once handled.
    const bool ok = outcome.ok && !(phase && phase_failed(*phase));
    all_ok = all_ok && ok;
    rows.push_back({key, phase ? std::string(metrics::to_string(*phase)) : std::string("Removed"),
                    ok ? "ok" : "FAILED", outcome.error});
  }
  std::size_t key_width = 3, phase_width = 5;
  for (const auto& row : rows) {
    key_width = std::max(key_width, row.key.size());
    phase_width = std::max(phase_width, row.phase.size());
  }
  auto line = [&](const std::string& key, const std::string& phase, const std::string& result,
                  const std::string& detail) {
    out << key << std::string(key_width - key.size() + 2, ' ') << phase
        << std::string(phase_width - phase.size() + 2, ' ') << result;
    if (!detail.empty()) out << std::string(8 - std::min<std::size_t>(result.size(), 6), ' ') << detail;
    out << '\n';
  };
  line("KEY", "PHASE", "RESULT", "DETAIL");
  for (const auto& row : rows) line(row.key, row.phase, row.result, row.detail);
  out << rows.size() << " objects, " << std::count_if(rows.begin(), rows.end(), [](const Row& row) {
    return row.result == "ok";
  }) << " converged\n";
  return all_ok;
}

}  // namespace aci::app
