#include "daemon/controllers/credential_rotation_reconciler.hpp"

#include <algorithm>
#include <boost/asio/this_coro.hpp>
#include <variant>

#include "daemon/core/iso8601.hpp"
#include "daemon/core/duration.hpp"
#include "daemon/core/utf8.hpp"
#include "daemon/model/resource_parser.hpp"
#include "daemon/model/spec_hash.hpp"

namespace aci::controllers {

namespace {

using core::Result;
using metrics::RotationStep;

// How often a settled rotation reads Azure again, to notice a password removed by hand.
constexpr auto kRecheck = std::chrono::minutes(5);
// Earlier versions tried as a replacement for a refused password.
constexpr std::size_t kRestoreCandidates = 3;

std::string tag_of(const azure::SecretProperties& version, std::string_view name) {
  const auto found = version.tags.find(std::string(name));
  return found == version.tags.end() ? std::string() : found->second;
}

// The rotation as metrics and logs name it: the key without its kind.
std::string rotation_label(const std::string& key) {
  return key.substr(std::min(key.size(), model::kCredentialRotationKind.size() + 1));
}

// Ready (what `kubectl wait` and the printer column read) sums up the other two: the
// current password works and every dependent runs it.
void derive_ready(nlohmann::json& status, core::WallTime now) {
  const auto is_true = [&](const char* type) {
    const auto* condition = status::find_condition(status, type);
    return condition != nullptr && condition->value("status", "") == "True";
  };
  const auto* degraded = status::find_condition(status, "Degraded");
  if (is_true("Degraded")) {
    status::set_condition(status, "Ready", "False", degraded->value("reason", "Degraded"),
                          degraded->value("message", ""), now);
  } else if (is_true("Progressing")) {
    status::set_condition(status, "Ready", "False", "Progressing", "a rotation is in progress", now);
  } else {
    status::set_condition(status, "Ready", "True", "Settled",
                          "the current password works and every dependent group runs it", now);
  }
}

// "20261130T040512Z": sortable, and unique per rotation and second.
std::string rotation_id(core::WallTime now) {
  auto text = core::format_iso8601(std::chrono::floor<std::chrono::seconds>(now));
  std::erase_if(text, [](char c) { return c == '-' || c == ':'; });
  return text;
}

std::string format(core::Duration duration) {
  return format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(duration));
}

core::Duration until(core::WallTime when, core::WallTime now) {
  return std::chrono::duration_cast<core::Duration>(when - now);
}

}  // namespace

// What one reconcile read from Azure, and what follows from it.
struct CredentialRotationReconciler::Observed {
  std::vector<azure::SecretProperties> versions;     // oldest first
  std::vector<azure::PasswordCredential> passwords;  // on the application
  const azure::SecretProperties* latest = nullptr;    // the newest enabled version
  std::string current_key;                           // latest's keyId tag; "" for a version we did not store
  const azure::PasswordCredential* current = nullptr;  // Graph's credential for current_key
  std::set<std::string> equivalent;                  // versions holding the latest's password
  core::WallTime current_since{};                    // when that password was first stored
  std::set<std::string> held;                        // keyIds some version holds

  void settle() {
    for (const auto& version : versions) {
      if (const auto key = tag_of(version, kKeyIdTag); !key.empty()) held.insert(key);
    }
    for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
      if (it->attributes.enabled) {
        latest = &*it;
        break;
      }
    }
    if (latest == nullptr) return;
    current_key = tag_of(*latest, kKeyIdTag);
    for (const auto& password : passwords) {
      if (!current_key.empty() && password.key_id == current_key) current = &password;
    }
  }

  // `fingerprints`: version -> SHA-256 of its value, for the versions that could be read.
  void find_equivalents(const std::map<std::string, std::string>& fingerprints) {
    equivalent.insert(latest->version);
    const auto mine = fingerprints.find(latest->version);
    current_since = latest->attributes.created.value_or(core::WallTime{});
    for (const auto& version : versions) {
      const auto theirs = fingerprints.find(version.version);
      if (mine == fingerprints.end() || theirs == fingerprints.end() || theirs->second != mine->second) continue;
      equivalent.insert(version.version);
      if (version.attributes.created) current_since = std::min(current_since, *version.attributes.created);
    }
  }

  std::optional<core::WallTime> expiry() const {
    if (current != nullptr && current->end) return current->end;
    return latest != nullptr ? latest->attributes.expires : std::nullopt;
  }
};

CredentialRotationReconciler::CredentialRotationReconciler(Dependencies dependencies, log::Logger logger,
                                                           CredentialRotationOptions options)
    : deps_(dependencies),
      logger_(std::move(logger)),
      options_(std::move(options)) {}

boost::asio::awaitable<Result> CredentialRotationReconciler::reconcile(const std::string& key) {
  const auto* entry = deps_.specs.find(key);
  const auto* rotation =
      entry != nullptr && entry->resource ? std::get_if<model::CredentialRotation>(&*entry->resource) : nullptr;
  // Gone, or being deleted in its source: Azure keeps every password and secret version.
  if (entry == nullptr || (rotation != nullptr && rotation->metadata.deletion_timestamp)) {
    forget(key);
    deps_.specs.release(key);
    co_return Result::done();
  }
  if (rotation == nullptr || !entry->error.empty()) {
    // Nothing is rotated for an invalid spec; the pins stay, so running groups are untouched.
    const auto now = deps_.clock.now();
    deps_.status.update(key, [&](nlohmann::json& status) {
      status["kind"] = model::kCredentialRotationKind;
      status["lastError"] = entry->error;
      status::set_condition(status, "Degraded", "True", "InvalidSpec", entry->error, now);
      derive_ready(status, now);
    });
    co_return Result::done();
  }
  const auto copy = *rotation;  // the store may change while this reconcile waits
  if (copy.metadata.generation > 0) {
    // A custom resource: its status describes this generation from now on.
    deps_.status.update(key, [&](nlohmann::json& status) { status["observedGeneration"] = copy.metadata.generation; });
  }
  co_return co_await reconcile_rotation(key, copy);
}

boost::asio::awaitable<Result> CredentialRotationReconciler::reconcile_rotation(const std::string& key,
                                                                                const model::CredentialRotation& r) {
  const auto name = rotation_label(key);
  const auto ref = r.password_ref();
  if (const auto known = governed_.find(key); known == governed_.end()) {
    deps_.metrics.add(name);
  } else if (known->second != ref) {
    deps_.pins.release_governance(known->second);  // the spec now names another secret
  }
  governed_.insert_or_assign(key, ref);
  deps_.pins.govern(ref);
  auto& progress = progress_[key];

  Observed observed;
  auto versions = co_await deps_.key_vault.list_secret_versions(r.key_vault, r.password_secret);
  if (!versions && versions.error().kind != azure::AzureErrorKind::not_found)
    co_return Result::retry("listing the versions of Key Vault secret " + ref.to_string() + ": " +
                            versions.error().to_string());
  if (versions) observed.versions = std::move(*versions);
  auto passwords = co_await deps_.graph.list_passwords(r.application_object_id);
  if (!passwords) co_return Result::retry("reading the application's passwords: " + passwords.error().to_string());
  observed.passwords = std::move(*passwords);
  observed.settle();
  if (observed.latest != nullptr) {
    std::map<std::string, std::string> fingerprints;
    for (const auto& version : observed.versions) {
      if (!version.attributes.enabled) continue;
      if (auto fingerprint = co_await fingerprint_of(r, version.version)) fingerprints[version.version] = *fingerprint;
    }
    observed.find_equivalents(fingerprints);
  }

  if (auto removed = co_await remove_orphans(r, observed); !removed) co_return Result::retry(removed.error());
  if (auto username = co_await ensure_username(r); !username) co_return Result::retry(username.error());

  if (observed.latest == nullptr) co_return co_await rotate(key, r, "the password secret has no version");
  if (!observed.current_key.empty() && observed.current == nullptr)
    co_return co_await rotate(key, r, "the current password (keyId " + observed.current_key +
                                          ") is no longer on the application");

  const auto& latest = *observed.latest;
  const auto verified_id = ref.to_string() + "/" + latest.version;
  if (!verified_.contains(verified_id)) {
    if (progress.refused.contains(latest.version))
      co_return co_await rotate(key, r, "Entra refuses the current password");
    if (progress.verifying != latest.version) {
      progress.verifying = latest.version;
      progress.verify_started = deps_.clock.steady_now();
    }
    auto secret = co_await deps_.key_vault.get_secret(r.key_vault, r.password_secret, latest.version);
    if (!secret) co_return Result::retry("reading Key Vault secret " + ref.to_string() + ": " + secret.error().to_string());
    auto verification = co_await verify(r, secret->value);
    const auto verifying_for = deps_.clock.steady_now() - progress.verify_started;
    if (!verification.ok && verifying_for + options_.poll_interval < options_.verify_timeout) {
      // Entra takes a while to accept a new password everywhere. Each try is one
      // reconcile, so no worker waits out the propagation; the next one reads Azure again.
      const auto now = deps_.clock.now();
      deps_.status.update(key, [&](nlohmann::json& status) {
        status["kind"] = model::kCredentialRotationKind;
        status["name"] = r.metadata.name;
        status::set_condition(status, "Progressing", "True", "Verifying",
                           "waiting for version " + latest.version + " to sign in: " + verification.reason, now);
        derive_ready(status, now);
      });
      co_return Result::requeue_after(options_.poll_interval);
    }
    progress.verifying.clear();
    deps_.metrics.observe_step(RotationStep::verify, verifying_for);
    if (!verification.ok) {
      verification.reason += " (still after " + format(options_.verify_timeout) + ")";
      if (!verification.refused) co_return fail(key, r, "VerificationFailed", verification.reason);
      progress.refused.insert(latest.version);
      co_return co_await handle_rejected(key, r, observed, verification.reason);
    }
    verified_.insert(verified_id);
    logger_.info("rotation step", {{"rotation", name}, {"step", "verify"}, {"version", latest.version}});
  }

  if (deps_.pins.released(ref) != latest.version) {
    deps_.pins.release(ref, latest.version, observed.equivalent);
    // Groups that waited for a verified version (new ones) go now; the rest in batches.
    for (const auto& group : dependents(r)) deps_.groups.enqueue(group);
  }

  const auto now = deps_.clock.now();
  auto record = [&](nlohmann::json& status) {
    status["kind"] = model::kCredentialRotationKind;
    status["name"] = r.metadata.name;
    status["currentKeyId"] = observed.current_key;
    status["currentSecretVersion"] = latest.version;
    status["lastRotationTime"] = core::format_iso8601(observed.current_since);
  };
  std::string detail;
  const auto rollout = co_await advance_rollout(key, r, detail);
  if (rollout == Rollout::in_progress) {
    deps_.status.update(key, [&](nlohmann::json& status) {
      record(status);
      status["rollout"] = detail;
      status::set_condition(status, "Progressing", "True", "RollingOut", detail, now);
      derive_ready(status, now);
    });
    co_return Result::requeue_after(options_.poll_interval);
  }
  if (rollout == Rollout::failed) co_return fail(key, r, "RolloutFailed", detail);

  if (progress.succeeded_version != latest.version) {
    if (progress.rotation_started) {
      deps_.metrics.observe_step(RotationStep::rollout, deps_.clock.steady_now() - *progress.rotation_started);
      deps_.metrics.succeeded(name);
      progress.failures = 0;
      requested_.erase(key);
      logger_.info("rotation complete", {{"rotation", name}, {"version", latest.version},
                                         {"keyId", observed.current_key}});
      deps_.status.event(key, status::EventType::normal, "RotationSucceeded", "Rotate",
                         "the new password is stored, verified and rolled out (version " + latest.version + ")");
    }
    progress.succeeded_version = latest.version;
    progress.rotation_started.reset();
  }
  deps_.metrics.set_last_success(name, observed.current_since);
  const auto expiry = observed.expiry();
  if (expiry) deps_.metrics.set_expiry(name, *expiry);
  deps_.metrics.set_degraded(name, progress.failures > 0);

  // Retire our older passwords once the grace period after the current one has passed.
  const auto prefix = password_prefix(r);
  const auto remove_after = observed.current_since + r.grace_period;
  auto retiring = nlohmann::json::array();
  auto foreign = nlohmann::json::array();
  for (const auto& password : observed.passwords) {
    if (!password.display_name.starts_with(prefix)) {
      foreign.push_back(password.key_id);
      continue;
    }
    if (password.key_id == observed.current_key || !observed.held.contains(password.key_id)) continue;
    if (now < remove_after) {
      retiring.push_back({{"keyId", password.key_id}, {"removeAfter", core::format_iso8601(remove_after)}});
      continue;
    }
    const auto started = deps_.clock.steady_now();
    auto removed = co_await deps_.graph.remove_password(r.application_object_id, password.key_id);
    if (!removed && removed.error().kind != azure::AzureErrorKind::not_found)
      co_return Result::retry("removing retired password " + password.key_id + ": " + removed.error().to_string());
    deps_.metrics.observe_step(RotationStep::retire, deps_.clock.steady_now() - started);
    logger_.info("rotation step", {{"rotation", name}, {"step", "retire"}, {"keyId", password.key_id}});
  }

  std::optional<core::WallTime> next = r.next_rotation_after(observed.current_since);
  if (expiry && (!next || *expiry - r.grace_period < *next)) next = *expiry - r.grace_period;
  deps_.status.update(key, [&](nlohmann::json& status) {
    record(status);
    status.erase("rollout");
    status["nextRotationTime"] = next ? core::format_iso8601(*next) : "";
    status["retiring"] = retiring;
    status["foreignPasswords"] = foreign;
    if (progress.failures == 0) status.erase("lastError");
    status::set_condition(status, "Progressing", "False", "Settled",
                       "every dependent group runs the current password", now);
    if (progress.failures == 0)
      status::set_condition(status, "Degraded", "False", "Healthy",
                         "the current password works and every dependent group runs it", now);
    derive_ready(status, now);
  });

  if (requested_.contains(key)) co_return co_await rotate(key, r, "requested");
  if (next && now >= *next) {
    co_return co_await rotate(key, r, expiry && now >= *expiry - r.grace_period
                                          ? "the current password expires within the grace period"
                                          : "scheduled");
  }
  core::Duration wake = kRecheck;
  if (next) wake = std::min(wake, until(*next, now));
  if (!retiring.empty()) wake = std::min(wake, until(remove_after, now));
  co_return Result::requeue_after(std::max<core::Duration>(wake, std::chrono::seconds(1)));
}

boost::asio::awaitable<Expected<Ok, std::string>> CredentialRotationReconciler::remove_orphans(
    const model::CredentialRotation& r, const Observed& observed) {
  const auto prefix = password_prefix(r);
  for (const auto& password : observed.passwords) {
    if (!password.display_name.starts_with(prefix) || observed.held.contains(password.key_id)) continue;
    // Ours, but no version holds its text: a rotation stopped between addPassword and the
    // Key Vault write. Nobody can be using it.
    logger_.warn("removing an orphan password: ours, but no Key Vault version holds it",
                 {{"rotation", r.metadata.name}, {"keyId", password.key_id}, {"displayName", password.display_name}});
    auto removed = co_await deps_.graph.remove_password(r.application_object_id, password.key_id);
    if (!removed && removed.error().kind != azure::AzureErrorKind::not_found)
      co_return unexpected("removing orphan password " + password.key_id + ": " + removed.error().to_string());
  }
  co_return Ok{};
}

boost::asio::awaitable<Expected<Ok, std::string>> CredentialRotationReconciler::ensure_username(
    const model::CredentialRotation& r) {
  const auto ref = r.username_ref();
  auto current = co_await deps_.key_vault.get_secret(r.key_vault, r.username_secret);
  if (current && current->value == r.application_app_id) co_return Ok{};
  if (!current && current.error().kind != azure::AzureErrorKind::not_found)
    co_return unexpected("reading Key Vault secret " + ref.to_string() + ": " + current.error().to_string());
  azure::SetSecretOptions options;
  options.tags["managedBy"] = options_.owner;
  auto stored = co_await deps_.key_vault.set_secret(r.key_vault, r.username_secret, r.application_app_id, options);
  if (!stored) co_return unexpected("writing Key Vault secret " + ref.to_string() + ": " + stored.error().to_string());
  logger_.info("the username secret now holds the application's appId",
               {{"rotation", r.metadata.name}, {"secret", ref.to_string()}});
  co_return Ok{};
}

boost::asio::awaitable<CredentialRotationReconciler::Verification> CredentialRotationReconciler::verify(
    const model::CredentialRotation& r, const std::string& password) {
  Verification result;
  auto signed_in = co_await deps_.sign_in.try_password(r.tenant_id, r.application_app_id, password);
  if (!signed_in) {
    result.reason = "signing in with the password: " + signed_in.error().to_string();
  } else if (*signed_in == azure::SignInResult::rejected) {
    result.refused = true;
    result.reason = "Entra refuses the password (invalid_client)";
  } else if (!r.verify_registry) {
    result.ok = true;
  } else {
    auto login = co_await deps_.acr.login_probe(*r.verify_registry, r.application_app_id, password);
    if (!login) {
      result.reason = "logging in to " + *r.verify_registry + ": " + login.error().to_string();
    } else if (*login == azure::AcrLoginResult::ok) {
      result.ok = true;
    } else {
      result.refused = true;
      result.reason = *r.verify_registry + " refuses the password";
    }
  }
  co_return result;
}

boost::asio::awaitable<Result> CredentialRotationReconciler::handle_rejected(const std::string& key,
                                                                             const model::CredentialRotation& r,
                                                                             const Observed& observed,
                                                                             const std::string& reason) {
  // Put back the newest earlier password that still signs in, so the latest version
  // works again; the groups run that password already and are not touched.
  std::size_t tried = 0;
  for (auto it = observed.versions.rbegin(); it != observed.versions.rend() && tried < kRestoreCandidates; ++it) {
    if (observed.equivalent.contains(it->version) || !it->attributes.enabled) continue;
    ++tried;
    auto earlier = co_await deps_.key_vault.get_secret(r.key_vault, r.password_secret, it->version);
    if (!earlier) continue;
    auto signed_in = co_await deps_.sign_in.try_password(r.tenant_id, r.application_app_id, earlier->value);
    if (!signed_in || *signed_in != azure::SignInResult::accepted) continue;
    azure::SetSecretOptions options;
    options.tags = it->tags;
    options.tags.try_emplace(std::string(kRestoredFromTag), it->version);
    options.expires = it->attributes.expires;
    auto restored = co_await deps_.key_vault.set_secret(r.key_vault, r.password_secret, earlier->value, options);
    if (!restored) break;
    // The refused password was never released to a group (only verified ones are): take it back.
    if (observed.current != nullptr && observed.current->display_name.starts_with(password_prefix(r))) {
      // If this fails, the password stays held by its version and is retired like any other.
      auto removed = co_await deps_.graph.remove_password(r.application_object_id, observed.current_key);
      if (!removed) logger_.warn("cannot remove the refused password", {{"keyId", observed.current_key},
                                                                         {"error", removed.error().to_string()}});
    }
    co_return fail(key, r, "VerificationFailed",
                   reason + "; the previous password (version " + it->version + ") stays in use");
  }
  co_return fail(key, r, "VerificationFailed", reason);
}

boost::asio::awaitable<Result> CredentialRotationReconciler::rotate(const std::string& key,
                                                                    const model::CredentialRotation& r,
                                                                    const std::string& why) {
  auto& progress = progress_[key];
  if (backing_off(key)) co_return Result::requeue_after(progress.retry_not_before - deps_.clock.steady_now());
  const auto name = rotation_label(key);
  const auto now = deps_.clock.now();
  const auto id = rotation_id(now);
  logger_.info("rotating the password", {{"rotation", name}, {"reason", why}, {"rotationId", id}});
  deps_.status.event(key, status::EventType::normal, "RotationStarted", "Rotate",
                     "rotating the password (" + why + "), rotation " + id);

  azure::AddPasswordRequest request;
  request.display_name = password_prefix(r) + id;
  request.start = now;
  request.end = now + r.password_lifetime;
  const auto started = deps_.clock.steady_now();
  auto added = co_await deps_.graph.add_password(r.application_object_id, request);
  if (!added) {
    co_return fail(key, r, "AddPasswordFailed",
                   "Graph addPassword: " + added.error().to_string() +
                       " (a password that reached Graph anyway is removed as an orphan)");
  }
  deps_.metrics.observe_step(RotationStep::add_password, deps_.clock.steady_now() - started);
  logger_.info("rotation step", {{"rotation", name}, {"step", "add_password"}, {"keyId", added->key_id}});

  azure::SetSecretOptions options;
  options.tags[std::string(kKeyIdTag)] = added->key_id;
  options.tags[std::string(kRotationIdTag)] = id;
  options.tags["managedBy"] = options_.owner;
  options.expires = added->end;
  const auto storing = deps_.clock.steady_now();
  auto stored = co_await deps_.key_vault.set_secret(r.key_vault, r.password_secret, added->secret_text, options);
  if (!stored) {
    // Nothing holds the new password: take it back now rather than leave it to the orphan sweep.
    auto removed = co_await deps_.graph.remove_password(r.application_object_id, added->key_id);
    if (!removed) logger_.warn("cannot remove the unstored password; the orphan sweep will",
                               {{"keyId", added->key_id}, {"error", removed.error().to_string()}});
    co_return fail(key, r, "StoreSecretFailed",
                   "writing Key Vault secret " + r.password_ref().to_string() + ": " + stored.error().to_string());
  }
  deps_.metrics.observe_step(RotationStep::store_secret, deps_.clock.steady_now() - storing);
  logger_.info("rotation step", {{"rotation", name}, {"step", "store_secret"}, {"version", stored->properties.version},
                                 {"keyId", added->key_id}});
  progress.rotation_started = started;
  // Verification comes next, from what Key Vault now shows.
  co_return Result::requeue_after(std::chrono::milliseconds(1));
}

boost::asio::awaitable<CredentialRotationReconciler::Rollout> CredentialRotationReconciler::advance_rollout(
    const std::string& key, const model::CredentialRotation& r, std::string& detail) {
  const auto ref = r.password_ref();
  auto& progress = progress_[key];
  const auto groups = dependents(r);
  std::vector<std::string> waiting;
  std::vector<std::string> in_batch;
  std::size_t done = 0;
  std::size_t unseen = 0;
  for (const auto& group : groups) {
    const auto view = deps_.groups.rollout_view(group, ref);
    if (!view.seen) {
      ++unseen;
      continue;
    }
    const bool on_released = deps_.pins.runs_released(ref, view.version);
    if (on_released && view.ready) {
      ++done;
    } else if (on_released && !view.failure.empty()) {
      detail = group + " failed on the new password: " + view.failure;
      co_return Rollout::failed;
    } else if (on_released || deps_.pins.admitted(ref, group)) {
      in_batch.push_back(group);
    } else {
      waiting.push_back(group);
    }
  }
  detail = std::to_string(done) + " of " + std::to_string(groups.size()) + " dependent groups run version " +
           deps_.pins.released(ref);
  if (in_batch.empty() && unseen == 0 && waiting.empty()) {
    progress.batch_started.reset();
    co_return Rollout::complete;
  }
  const auto now = deps_.clock.steady_now();
  if (!in_batch.empty() || unseen > 0) {
    if (!progress.batch_started) progress.batch_started = now;
    if (now - *progress.batch_started > options_.rollout_timeout) {
      progress.batch_started.reset();
      detail = (in_batch.empty() ? std::to_string(unseen) + " dependent groups were not reconciled"
                                 : in_batch.front() + " did not run the new password") +
               " within " + format(options_.rollout_timeout);
      co_return Rollout::failed;
    }
    for (const auto& group : in_batch) co_await deps_.groups.observe(group);
    co_return Rollout::in_progress;
  }
  const auto size = std::min<std::size_t>(waiting.size(), static_cast<std::size_t>(r.max_concurrent));
  const std::vector<std::string> batch(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(size));
  for (const auto& group : batch) {
    deps_.pins.admit(ref, group);
    deps_.groups.enqueue(group);
  }
  progress.batch_started = now;
  if (!progress.rotation_started) progress.rotation_started = now;
  nlohmann::json names = batch;
  logger_.info("rollout batch", {{"rotation", rotation_label(key)}, {"version", deps_.pins.released(ref)},
                                 {"groups", core::dump_json(names)}, {"remaining", waiting.size() - size}});
  co_return Rollout::in_progress;
}

Result CredentialRotationReconciler::fail(const std::string& key, const model::CredentialRotation& r,
                                          std::string_view reason, const std::string& message) {
  const auto name = rotation_label(key);
  auto& progress = progress_[key];
  ++progress.failures;
  auto delay = options_.backoff_base;
  for (unsigned i = 1; i < progress.failures && delay < options_.backoff_max; ++i) delay *= 2;
  delay = std::min(delay, options_.backoff_max);
  progress.retry_not_before = deps_.clock.steady_now() + delay;
  progress.rotation_started.reset();
  deps_.metrics.failed(name);
  deps_.metrics.set_degraded(name, true);
  logger_.warn("rotation failed; the old password stays in use",
               {{"rotation", name}, {"reason", std::string(reason)}, {"error", message},
                {"retryIn", format(delay)}});
  deps_.status.event(key, status::EventType::warning, "RotationFailed", "Rotate",
                     std::string(reason) + ": " + message + "; the old password stays in use, retry in " +
                         format(delay));
  const auto now = deps_.clock.now();
  deps_.status.update(key, [&](nlohmann::json& status) {
    status["kind"] = model::kCredentialRotationKind;
    status["name"] = r.metadata.name;
    status["lastError"] = message;
    status::set_condition(status, "Degraded", "True", reason, message, now);
    status::set_condition(status, "Progressing", "False", "Failed", message, now);
    derive_ready(status, now);
  });
  return Result::retry(message);
}

void CredentialRotationReconciler::forget(const std::string& key) {
  deps_.status.remove(key);  // an invalid spec has a status too
  const auto known = governed_.find(key);
  if (known == governed_.end()) return;
  deps_.pins.release_governance(known->second);
  deps_.metrics.forget(rotation_label(key));
  governed_.erase(known);
  progress_.erase(key);
  requested_.erase(key);
}

std::vector<std::string> CredentialRotationReconciler::dependents(const model::CredentialRotation& r) const {
  const auto ref = r.password_ref();
  std::vector<std::string> keys;
  for (const auto& key : deps_.specs.keys(model::kContainerGroupKind)) {
    const auto* entry = deps_.specs.find(key);
    if (entry == nullptr || !entry->resource || !entry->error.empty()) continue;
    const auto* group = std::get_if<model::ContainerGroup>(&*entry->resource);
    if (group == nullptr || group->policy.mode != model::PolicyMode::Manage) continue;
    const auto refs = group->secret_refs();
    if (std::find(refs.begin(), refs.end(), ref) != refs.end()) keys.push_back(key);
  }
  return keys;
}

std::string CredentialRotationReconciler::password_prefix(const model::CredentialRotation& r) const {
  return options_.owner + "/" + r.metadata.name + "/";
}

boost::asio::awaitable<std::optional<std::string>> CredentialRotationReconciler::fingerprint_of(
    const model::CredentialRotation& r, const std::string& version) {
  const auto id = r.password_ref().to_string() + "/" + version;
  if (const auto known = fingerprints_.find(id); known != fingerprints_.end()) co_return known->second;
  auto secret = co_await deps_.key_vault.get_secret(r.key_vault, r.password_secret, version);
  if (!secret) co_return std::nullopt;
  co_return fingerprints_[id] = model::sha256_hex(secret->value);
}

bool CredentialRotationReconciler::backing_off(const std::string& key) const {
  const auto progress = progress_.find(key);
  return progress != progress_.end() && progress->second.failures > 0 &&
         deps_.clock.steady_now() < progress->second.retry_not_before;
}

}  // namespace aci::controllers
