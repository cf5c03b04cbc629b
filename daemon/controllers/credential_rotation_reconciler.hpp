#pragma once
// CredentialRotationReconciler: keeps one service principal's password rotated through
// Key Vault without ever breaking a group (DESIGN.md, "Credential rotation — the
// invariant"). Each reconcile reads the state from Azure itself (Key Vault versions and
// their tags, Graph's passwordCredentials, the groups' secret-version tags through the
// ContainerGroup controller) and takes the next step: remove orphan passwords, make the
// username secret hold the appId, verify the latest version, roll it out to the
// dependent ContainerGroups in batches, retire old passwords after the grace period, and
// start a new rotation when one is due. Nothing is kept on disk: a crash at any point
// resumes from what Azure shows. Use on the executor's thread.

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/azure/acr_client.hpp"
#include "daemon/azure/graph_client.hpp"
#include "daemon/azure/key_vault_client.hpp"
#include "daemon/azure/password_sign_in.hpp"
#include "daemon/status/status_store.hpp"
#include "daemon/controllers/container_group_controller.hpp"
#include "daemon/controllers/secret_pins.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/reconciler.hpp"
#include "daemon/metrics/rotation_metrics.hpp"
#include "daemon/model/credential_rotation.hpp"
#include "daemon/source/spec_store.hpp"

namespace aci::controllers {

// Key Vault tags on each password version we store.
inline constexpr std::string_view kKeyIdTag = "keyId";
inline constexpr std::string_view kRotationIdTag = "rotationId";
// On a version that puts an earlier password back after a failed rotation: the version
// that first held it (for people; versions holding one password are found by value).
inline constexpr std::string_view kRestoredFromTag = "restoredFrom";

struct CredentialRotationOptions {
  std::string owner;  // our passwords are named "<owner>/<rotation name>/<rotation id>"
  core::Duration verify_timeout = std::chrono::minutes(5);
  core::Duration rollout_timeout = std::chrono::minutes(15);
  core::Duration poll_interval = std::chrono::seconds(2);
  core::Duration backoff_base = std::chrono::seconds(30);
  core::Duration backoff_max = std::chrono::hours(1);
};

class CredentialRotationReconciler final : public core::Reconciler {
 public:
  struct Dependencies {
    const source::SpecStore& specs;
    azure::GraphClient& graph;
    azure::KeyVaultClient& key_vault;
    azure::PasswordSignIn& sign_in;
    azure::AcrClient& acr;
    SecretPins& pins;
    ContainerGroupController& groups;
    status::StatusStore& status;
    metrics::RotationMetrics& metrics;
    const core::Clock& clock;
  };

  CredentialRotationReconciler(Dependencies dependencies, log::Logger logger, CredentialRotationOptions options);

  boost::asio::awaitable<core::Result> reconcile(const std::string& key) override;

  // The next reconcile of `key` rotates as soon as no roll-out is under way.
  void request_rotation(const std::string& key) { requested_.insert(key); }

 private:
  struct Observed;  // what one reconcile read from Azure
  struct Verification {
    bool ok = false;
    bool refused = false;  // Entra or ACR said no until the end (not an outage)
    std::string reason;
  };
  enum class Rollout { complete, in_progress, failed };

  boost::asio::awaitable<core::Result> reconcile_rotation(const std::string& key, const model::CredentialRotation& r);
  boost::asio::awaitable<Expected<Ok, std::string>> remove_orphans(const model::CredentialRotation& r,
                                                                   const Observed& observed);
  boost::asio::awaitable<Expected<Ok, std::string>> ensure_username(const model::CredentialRotation& r);
  // One sign-in (and registry login) with the password; the caller retries across
  // reconciles until verify_timeout.
  boost::asio::awaitable<Verification> verify(const model::CredentialRotation& r, const std::string& password);
  boost::asio::awaitable<core::Result> handle_rejected(const std::string& key, const model::CredentialRotation& r,
                                                       const Observed& observed, const std::string& reason);
  boost::asio::awaitable<core::Result> rotate(const std::string& key, const model::CredentialRotation& r,
                                              const std::string& why);
  boost::asio::awaitable<Rollout> advance_rollout(const std::string& key, const model::CredentialRotation& r,
                                                  std::string& detail);
  core::Result fail(const std::string& key, const model::CredentialRotation& r, std::string_view reason,
                    const std::string& message);
  void forget(const std::string& key);
  // Keys of the valid, managed ContainerGroups that use the rotation's password, sorted.
  std::vector<std::string> dependents(const model::CredentialRotation& r) const;
  std::string password_prefix(const model::CredentialRotation& r) const;
  // SHA-256 of a version's value (versions never change, so it is read once): which
  // versions hold the same password, without keeping a password in memory.
  boost::asio::awaitable<std::optional<std::string>> fingerprint_of(const model::CredentialRotation& r,
                                                                    const std::string& version);
  // May a new rotation start now, or is a failed one still backing off?
  bool backing_off(const std::string& key) const;

  Dependencies deps_;
  log::Logger logger_;
  CredentialRotationOptions options_;
  std::map<std::string, model::KeyVaultRef> governed_;  // rotation key -> its password secret
  std::set<std::string> requested_;
  std::set<std::string> verified_;  // "vault/secret/version" that signed in since start
  std::map<std::string, std::string> fingerprints_;  // "vault/secret/version" -> SHA-256 of the value
  struct Progress {
    std::optional<core::SteadyTime> rotation_started;  // a rotation of ours is being rolled out
    std::optional<core::SteadyTime> batch_started;
    std::string succeeded_version;  // the version last counted as a success
    std::set<std::string> refused;  // versions Entra refused until the verify timeout
    std::string verifying;          // the version being verified, tried once a reconcile
    core::SteadyTime verify_started{};
    unsigned failures = 0;
    core::SteadyTime retry_not_before{};
  };
  std::map<std::string, Progress> progress_;
};

}  // namespace aci::controllers
