#pragma once
// Reads and validates the spec of a ContainerGroup document. Every problem is
// recorded in the reader's error list with its field path and line; the result
// is only meaningful when no error was added.

#include "daemon/model/container_group.hpp"
#include "daemon/model/spec_fields.hpp"

namespace aci::model {

// `spec` is the document's spec mapping; `metadata` supplies the default
// Azure name. Validation limits are documented in docs/resources.md.
ContainerGroup read_container_group(SpecFields& spec, const ObjectMeta& metadata);

// ACI limits enforced for the Linux/Windows standard SKU.
inline constexpr double kMaxCpuPerGroup = 4.0;
inline constexpr double kMaxMemoryGbPerGroup = 16.0;
inline constexpr std::size_t kMaxContainersPerGroup = 60;
inline constexpr std::size_t kMaxPortsPerIpAddress = 5;
inline constexpr std::size_t kMaxUserTags = 48;  // ARM allows 50; two are ours

}  // namespace aci::model
