#include "daemon/metrics/exposition.hpp"

#include <prometheus/text_serializer.h>

namespace aci::metrics {

std::string expose(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

}  // namespace aci::metrics
