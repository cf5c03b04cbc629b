#include "daemon/model/credential_rotation_reader.hpp"

#include "daemon/core/duration.hpp"
#include "daemon/model/azure_names.hpp"

namespace aci::model {

namespace {

bool check(SpecFields& fields, std::string_view key, const names::Problem& problem) {
  if (!problem) return true;
  fields.error(key, *problem);
  return false;
}

void read_required(SpecFields& fields, std::string_view key, std::string& out,
                   names::Problem (*validate)(std::string_view)) {
  if (!fields.require(key)) return;
  const auto before = fields.errors().size();
  fields.read(key, out);
  if (fields.errors().size() == before) check(fields, key, validate(out));
}

}  // namespace

CredentialRotation read_credential_rotation(SpecFields& spec, const ObjectMeta& metadata) {
  CredentialRotation rotation;
  rotation.metadata = metadata;
  read_required(spec, "tenantId", rotation.tenant_id, names::guid);
  if (spec.require("application")) {
    auto application = spec.map("application");
    if (application.valid()) {
      read_required(application, "objectId", rotation.application_object_id, names::guid);
      read_required(application, "appId", rotation.application_app_id, names::guid);
      application.finish();
    }
  }
  read_required(spec, "keyVault", rotation.key_vault, names::key_vault);
  read_required(spec, "usernameSecret", rotation.username_secret, names::key_vault_secret);
  read_required(spec, "passwordSecret", rotation.password_secret, names::key_vault_secret);
  if (!rotation.username_secret.empty() && rotation.username_secret == rotation.password_secret) {
    spec.error("passwordSecret", "must differ from usernameSecret");
  }

  const bool has_every = spec.has("every");
  const bool has_schedule = spec.has("schedule");
  if (has_every) {
    std::chrono::milliseconds every{0};
    const auto before = spec.errors().size();
    spec.read("every", every);
    if (spec.errors().size() == before) {
      if (every.count() <= 0) {
        spec.error("every", "must be longer than 0s");
      } else {
        rotation.every = every;
      }
    }
  } else {
    spec.ignore("every");
  }
  if (has_schedule) {
    std::string text;
    const auto before = spec.errors().size();
    spec.read("schedule", text);
    if (spec.errors().size() == before) {
      auto schedule = CronSchedule::parse(text);
      if (schedule) {
        rotation.schedule = std::move(*schedule);
      } else {
        spec.error("schedule", "is not a valid cron schedule ('" + text + "'): " + schedule.error());
      }
    }
  } else {
    spec.ignore("schedule");
  }
  if (has_every && has_schedule) {
    spec.error("schedule", "every and schedule are mutually exclusive; set exactly one");
  } else if (!has_every && !has_schedule) {
    spec.error("every",
               "is required unless schedule is set: every: a duration such as 720h, or schedule: a 5-field cron "
               "expression in UTC such as \"0 3 * * 1\"");
  }

  bool lifetime_ok = false;
  if (spec.require("passwordLifetime")) {
    const auto before = spec.errors().size();
    spec.read("passwordLifetime", rotation.password_lifetime);
    lifetime_ok = spec.errors().size() == before;
  }
  const auto grace_before = spec.errors().size();
  spec.read("gracePeriod", rotation.grace_period);
  const bool grace_ok = spec.errors().size() == grace_before;
  if (lifetime_ok && grace_ok) {
    if (rotation.password_lifetime <= rotation.grace_period) {
      spec.error("passwordLifetime", "must be longer than gracePeriod (" + format_duration(rotation.grace_period) +
                                         "), got " + format_duration(rotation.password_lifetime));
    } else if (rotation.every && *rotation.every + rotation.grace_period > rotation.password_lifetime) {
      spec.error("passwordLifetime",
                 "must be at least every + gracePeriod (" + format_duration(*rotation.every + rotation.grace_period) +
                     ") so a password does not expire while it is being retired, got " +
                     format_duration(rotation.password_lifetime));
    }
  }

  if (spec.has("verify")) {
    auto verify = spec.map("verify");
    if (verify.valid()) {
      std::string registry;
      read_required(verify, "registry", registry, names::registry_server);
      if (!registry.empty()) rotation.verify_registry = registry;
      verify.finish();
    }
  } else {
    spec.ignore("verify");
  }
  auto rollout = spec.map("rollout");
  if (rollout.valid()) {
    std::int64_t max_concurrent = rotation.max_concurrent;
    rollout.read("maxConcurrent", max_concurrent, 1, 1000);
    rotation.max_concurrent = static_cast<int>(max_concurrent);
    rollout.finish();
  }
  spec.finish();
  return rotation;
}

}  // namespace aci::model
