#pragma once
// ContainerGroupReconciler: makes one container group in Azure equal its spec
// (DESIGN.md, "ContainerGroup reconcile"). Resolves the Key Vault references, builds
// and hashes the ARM body, reads the group, and then creates it, patches its tags,
// updates it or recreates it, as plan_container_group() decides; follows the
// long-running operation and records status and metrics. A key whose spec is gone is
// handled by the deletion policy the spec last had (or its tag says, for a group found
// in Azure with no spec); so is a spec being deleted in its source, which is released
// once its policy has run. Nothing is written in DetectOnly mode, to a group owned by
// someone else, or for a spec that fails to validate. A secret under rotation is used
// at the version SecretPins decides. Use on the executor's thread.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "daemon/azure/arm_client.hpp"
#include "daemon/controllers/container_group_plan.hpp"
#include "daemon/controllers/secret_pins.hpp"
#include "daemon/controllers/secret_resolver.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/reconciler.hpp"
#include "daemon/metrics/container_group_metrics.hpp"
#include "daemon/model/container_group.hpp"
#include "daemon/source/spec_store.hpp"
#include "daemon/status/status_store.hpp"

namespace aci::controllers {

struct ContainerGroupReconcilerOptions {
  std::string owner;  // the acioperator.io/owner tag value
  std::chrono::milliseconds operation_timeout{std::chrono::minutes(15)};
};

// A container group in Azure, and what to do with it once no spec declares it.
struct ManagedTarget {
  model::AzureTarget azure;
  model::DeletionPolicy deletion = model::DeletionPolicy::Delete;
  model::PolicyMode mode = model::PolicyMode::Manage;
};

// The key under which a group found in Azure without a spec is queued.
std::string orphan_key(const model::AzureTarget& target);

class ContainerGroupReconciler final : public core::Reconciler {
 public:
  ContainerGroupReconciler(const source::SpecStore& specs, azure::ArmClient& arm, SecretResolver& secrets,
                           const SecretPins& pins, status::StatusStore& status, metrics::ContainerGroupMetrics& metrics,
                           const core::Clock& clock, log::Logger logger, ContainerGroupReconcilerOptions options);

  boost::asio::awaitable<core::Result> reconcile(const std::string& key) override;

  // Registers a group found in Azure carrying our owner tag that no spec declares,
  // with the deletion policy its tag holds; returns the key to queue.
  std::string add_orphan(const model::AzureTarget& target, model::DeletionPolicy policy);

  // Records the container state of a group read by GET (the instance-view poller).
  // `synced`: the reconciler itself just made the group equal its spec.
  void record_instance_view(const std::string& key, const nlohmann::json& actual, bool synced = false);

  // Records a GET made outside a reconcile (a roll-out watching a group), unless it
  // predates the reconciler's last write: its spec-hash tag differs from the status'.
  void record_observed(const std::string& key, const nlohmann::json& actual);

  // "vault/secret" -> version each group was last found or made to run, for keys
  // reconciled since start; an empty map for a group waiting for its roll-out batch.
  const std::map<std::string, std::string>* deployed_versions(const std::string& key) const;

  // The spec's Azure target for every key reconciled so far (for the resync and the
  // instance-view poller).
  const std::map<std::string, ManagedTarget>& managed() const noexcept { return managed_; }
  const SecretPins& pins() const noexcept { return pins_; }

 private:
  boost::asio::awaitable<core::Result> reconcile_spec(const std::string& key, const model::ContainerGroup& group,
                                                      const std::string& spec_error);
  boost::asio::awaitable<core::Result> reconcile_removal(const std::string& key, ManagedTarget target);
  boost::asio::awaitable<Expected<azure::OperationOutcome, azure::AzureError>> apply(
      const model::ContainerGroup& group, const Plan& plan, const nlohmann::json& body);
  void record_synced(const std::string& key, const model::ContainerGroup& group, const nlohmann::json& actual,
                     const model::ResolvedSecrets& secrets);
  // Pinned versions for the group's references; nullopt (status recorded) when it must wait.
  std::optional<std::map<model::KeyVaultRef, std::string>> pinned_versions(const std::string& key,
                                                                          const model::ContainerGroup& group,
                                                                          const nlohmann::json* actual);
  // Tells of a change made in Azure (an event, in Kubernetes mode).
  void announce(const std::string& key, PlanAction action, std::string_view drift, const std::string& changes);
  // Sets status.observedGeneration from the spec's metadata.generation, when it has one.
  void observe_generation(nlohmann::json& status, const std::string& key) const;
  // Drops what is known of a key that is gone (or whose deletion policy has run) and releases it to its source.
  void forget(const std::string& key);
  void record_failure(const std::string& key, metrics::GroupPhase phase, std::string_view condition,
                      std::string_view reason, const std::string& message);
  // True when a spec other than `except_key` declares `target` (a rename, not a removal).
  bool declared_elsewhere(const model::AzureTarget& target, const std::string& except_key) const;

  const source::SpecStore& specs_;
  azure::ArmClient& arm_;
  SecretResolver& secrets_;
  const SecretPins& pins_;
  status::StatusStore& status_;
  metrics::ContainerGroupMetrics& metrics_;
  const core::Clock& clock_;
  log::Logger logger_;
  ContainerGroupReconcilerOptions options_;
  std::map<std::string, ManagedTarget> managed_;
  std::map<std::string, ManagedTarget> orphans_;
  std::map<std::string, std::map<std::string, std::string>> deployed_;
  std::set<std::string> drifting_;  // keys whose drift was counted and not yet corrected
};

}  // namespace aci::controllers
