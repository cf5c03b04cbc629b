#include "daemon/metrics/loop_metrics.hpp"

namespace aci::metrics {

LoopMetrics::LoopMetrics(prometheus::Registry& registry)
    : failures_(prometheus::BuildCounter()
                    .Name("aci_operator_background_failures_total")
                    .Help("Exceptions thrown by background loops (each restarted after a backoff) and "
                          "one-shot tasks, by loop")
                    .Register(registry)) {}

void LoopMetrics::started(const std::string& loop) { failures_.Add({{"loop", loop}}); }

void LoopMetrics::failed(const std::string& loop) { failures_.Add({{"loop", loop}}).Increment(); }

}  // namespace aci::metrics
