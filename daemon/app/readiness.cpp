#include "daemon/app/readiness.hpp"

namespace aci::app {

void Readiness::add(const std::string& component) { components_.emplace(component, false); }

void Readiness::set(const std::string& component, bool ready) { components_[component] = ready; }

bool Readiness::ready() const {
  for (const auto& [name, ready] : components_) {
    if (!ready) return false;
  }
  return true;
}

std::string Readiness::describe() const {
  std::string text;
  for (const auto& [name, ready] : components_) text += name + (ready ? ": ready\n" : ": not ready\n");
  return text;
}

}  // namespace aci::app
