#pragma once
// The CredentialRotation kind (acioperator.io/v1alpha1) as validated data: which
// service principal's password to rotate, where Key Vault keeps it, and when.
// Exactly one of `every` and `schedule` is set; password_lifetime > grace_period.

#include <chrono>
#include <optional>
#include <string>

#include "daemon/model/cron_schedule.hpp"
#include "daemon/model/key_vault_ref.hpp"
#include "daemon/model/object_meta.hpp"

namespace aci::model {

struct CredentialRotation {
  ObjectMeta metadata;
  std::string tenant_id;
  std::string application_object_id;
  std::string application_app_id;
  std::string key_vault;
  std::string username_secret;
  std::string password_secret;
  std::optional<std::chrono::milliseconds> every;
  std::optional<CronSchedule> schedule;
  std::chrono::milliseconds password_lifetime{0};
  std::chrono::milliseconds grace_period{std::chrono::hours(24)};
  std::optional<std::string> verify_registry;  // ACR login server to prove the new password against
  int max_concurrent = 1;                     // rollout batch size

  KeyVaultRef username_ref() const { return {key_vault, username_secret}; }
  KeyVaultRef password_ref() const { return {key_vault, password_secret}; }

  // When the rotation after one at `last` is due: last + every, or the
  // schedule's next firing after `last`.
  std::optional<std::chrono::system_clock::time_point> next_rotation_after(
      std::chrono::system_clock::time_point last) const;
};

}  // namespace aci::model
