#include "daemon/controllers/secret_pins.hpp"

namespace aci::controllers {

void SecretPins::govern(const model::KeyVaultRef& ref) { pins_.try_emplace(ref); }

void SecretPins::release_governance(const model::KeyVaultRef& ref) { pins_.erase(ref); }

void SecretPins::release(const model::KeyVaultRef& ref, const std::string& version,
                         const std::set<std::string>& equivalent) {
  auto& pin = pins_[ref];
  if (pin.released != version) pin.admitted.clear();
  pin.released = version;
  pin.equivalent = equivalent;
  pin.equivalent.insert(version);
}

std::string SecretPins::released(const model::KeyVaultRef& ref) const {
  const auto pin = pins_.find(ref);
  return pin == pins_.end() ? std::string() : pin->second.released;
}

bool SecretPins::runs_released(const model::KeyVaultRef& ref, const std::string& version) const {
  const auto pin = pins_.find(ref);
  return pin != pins_.end() && !version.empty() && pin->second.equivalent.contains(version);
}

void SecretPins::admit(const model::KeyVaultRef& ref, const std::string& group_key) {
  pins_[ref].admitted.insert(group_key);
}

bool SecretPins::admitted(const model::KeyVaultRef& ref, const std::string& group_key) const {
  const auto pin = pins_.find(ref);
  return pin != pins_.end() && pin->second.admitted.contains(group_key);
}

PinDecision SecretPins::decide(const model::KeyVaultRef& ref, const std::string& group_key, bool exists,
                               const std::string& running) const {
  const auto found = pins_.find(ref);
  if (found == pins_.end()) return {};
  const auto& pin = found->second;
  if (!running.empty() && pin.equivalent.contains(running)) return {PinDecision::Kind::version, running};
  if (!pin.released.empty() && (!exists || pin.admitted.contains(group_key))) {
    return {PinDecision::Kind::version, pin.released};
  }
  // Keeping the version it runs changes nothing about its password; without one known,
  // any write could change it, so the group waits for its batch.
  if (!running.empty()) return {PinDecision::Kind::version, running};
  return {PinDecision::Kind::wait, {}};
}

}  // namespace aci::controllers
