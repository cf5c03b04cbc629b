#pragma once
// Readiness: every component that must be working before the daemon counts as
// ready registers here and reports its state. /readyz is ready only when all
// registered components are. Called on the io_context's thread only.

#include <map>
#include <string>

namespace aci::app {

class Readiness {
 public:
  // Registers a component as not ready yet.
  void add(const std::string& component);
  void set(const std::string& component, bool ready);
  bool ready() const;
  // One "name: ready|not ready" line per component.
  std::string describe() const;

 private:
  std::map<std::string, bool> components_;
};

}  // namespace aci::app
