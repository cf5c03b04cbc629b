#pragma once
// LoopMetrics: aci_operator_background_failures_total{loop}, the exceptions thrown by
// the daemon's background loops and one-shot tasks (core::LoopSupervisor logs each,
// and restarts a loop). `loop` is a fixed name such as "resync"; a name's series exists
// at zero from the first time it is started. The registry must outlive this object.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <string>

namespace aci::metrics {

class LoopMetrics {
 public:
  explicit LoopMetrics(prometheus::Registry& registry);
  LoopMetrics(const LoopMetrics&) = delete;
  LoopMetrics& operator=(const LoopMetrics&) = delete;

  // Creates the loop's series at zero.
  void started(const std::string& loop);
  void failed(const std::string& loop);

 private:
  prometheus::Family<prometheus::Counter>& failures_;
};

}  // namespace aci::metrics
