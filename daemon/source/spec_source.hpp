#pragma once
// SpecSource: where the desired state comes from (a directory of spec files, or custom
// resources in a cluster). A source fills the SpecStore it was given; once the store
// holds everything that existed when it started, it calls `on_synced` (once), which
// gates readiness, the start-up orphan sweep and `run --once`. Used on the executor's
// thread only.

#include <functional>
#include <string>

#include "daemon/core/expected.hpp"

namespace aci::source {

class SpecSource {
 public:
  virtual ~SpecSource() = default;

  // Starts reading. Fails, with a message, when the source cannot start at all; a
  // source that can retry (an API server not answering yet) retries instead.
  virtual Expected<Ok, std::string> start(std::function<void()> on_synced) = 0;
  // Stops reading; nothing reaches the store afterwards. Safe to call more than once.
  virtual void stop() = 0;
};

}  // namespace aci::source
