#pragma once
// The Kubernetes-style metadata every resource document carries. Files and custom
// resources share it; fields only the API server sets are kept when useful to
// the sources (generation, resourceVersion, deletionTimestamp) and ignored otherwise.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aci::model {

struct ObjectMeta {
  std::string name;
  std::string namespace_;  // empty for file specs without one
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::int64_t generation = 0;
  std::string uid;
  std::string resource_version;
  std::optional<std::string> deletion_timestamp;
  std::vector<std::string> finalizers;
};

}  // namespace aci::model
