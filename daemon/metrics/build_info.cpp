#include "daemon/metrics/build_info.hpp"

#include <prometheus/gauge.h>

namespace aci::metrics {

void register_build_info(prometheus::Registry& registry, const std::string& version) {
  prometheus::BuildGauge()
      .Name("aci_operator_build_info")
      .Help("Build information of the running aci-operator; the value is always 1.")
      .Register(registry)
      .Add({{"version", version}})
      .Set(1);
}

}  // namespace aci::metrics
