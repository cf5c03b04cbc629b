#pragma once
// `aci-operator plan --config FILE`: reads the spec directory and compares every
// ContainerGroup with Azure, as the resync does, then prints what `run` would do
// (create; update with the changed fields; recreate; delete or release groups whose
// spec is gone; conflicts) and writes nothing. Returns the exit code: 0 when every
// object could be compared, 1 otherwise.

#include <iosfwd>
#include <memory>

#include "daemon/config/config.hpp"
#include "daemon/core/log.hpp"

namespace aci::app {

int run_plan(const config::Config& config, std::shared_ptr<log::LogSink> sink, std::ostream& out);

}  // namespace aci::app
