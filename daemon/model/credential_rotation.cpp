#include "daemon/model/credential_rotation.hpp"

namespace aci::model {

std::optional<std::chrono::system_clock::time_point> CredentialRotation::next_rotation_after(
    std::chrono::system_clock::time_point last) const {
  if (every) return last + *every;
  if (schedule) return schedule->next_after(last);
  return std::nullopt;
}

}  // namespace aci::model
