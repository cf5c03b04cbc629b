#include "daemon/controllers/container_group_reconciler.hpp"

#include <variant>

#include "daemon/core/iso8601.hpp"
#include "daemon/core/json_text.hpp"
#include "daemon/model/arm_body.hpp"
#include "daemon/model/ownership.hpp"
#include "daemon/model/resource_parser.hpp"
#include "daemon/model/spec_hash.hpp"

namespace aci::controllers {

namespace {

using core::Result;
using metrics::GroupPhase;

// How soon to look again at a group that is being deleted.
constexpr auto kDeletingPoll = std::chrono::seconds(2);

azure::ContainerGroupRef ref_of(const model::AzureTarget& target) {
  return {target.subscription_id, target.resource_group, target.name};
}

std::string provisioning_state(const nlohmann::json& group) {
  return core::text_at(group, "/properties/provisioningState");
}

// The tags a group keeps when we let go of it (Orphan): everything but ours.
std::map<std::string, std::string> foreign_tags(const nlohmann::json& group) {
  std::map<std::string, std::string> tags;
  if (!group.contains("tags") || !group["tags"].is_object()) return tags;
  for (const auto& [name, value] : group["tags"].items()) {
    if (name.starts_with(model::kOurTagPrefix)) continue;
    if (value.is_string()) tags[name] = value.get<std::string>();
  }
  return tags;
}

std::map<std::string, std::string> tags_of(const nlohmann::json& body) {
  std::map<std::string, std::string> tags;
  for (const auto& [name, value] : body.at("tags").items()) tags[name] = value.get<std::string>();
  return tags;
}

std::string describe_outcome(const azure::OperationOutcome& outcome) {
  std::string text = "the deployment ended " + outcome.status;
  if (!outcome.error_code.empty()) text += " (" + outcome.error_code + ")";
  if (!outcome.error_message.empty()) text += ": " + outcome.error_message;
  return text;
}

}  // namespace

std::string orphan_key(const model::AzureTarget& target) {
  return "Orphan/" + target.subscription_id + "/" + target.resource_group + "/" + target.name;
}

ContainerGroupReconciler::ContainerGroupReconciler(const source::SpecStore& specs, azure::ArmClient& arm,
                                                   SecretResolver& secrets, const SecretPins& pins,
                                                   status::StatusStore& status,
                                                   metrics::ContainerGroupMetrics& metrics, const core::Clock& clock,
                                                   log::Logger logger, ContainerGroupReconcilerOptions options)
    : specs_(specs),
      arm_(arm),
      secrets_(secrets),
      pins_(pins),
      status_(status),
      metrics_(metrics),
      clock_(clock),
      logger_(std::move(logger)),
      options_(std::move(options)) {}

std::string ContainerGroupReconciler::add_orphan(const model::AzureTarget& target, model::DeletionPolicy policy) {
  auto key = orphan_key(target);
  orphans_[key] = ManagedTarget{target, policy, model::PolicyMode::Manage};
  return key;
}

boost::asio::awaitable<Result> ContainerGroupReconciler::reconcile(const std::string& key) {
  if (const auto orphan = orphans_.find(key); orphan != orphans_.end()) {
    const auto target = orphan->second;
    auto result = co_await reconcile_removal(key, target);
    if (result.kind() == Result::Kind::done) orphans_.erase(key);
    co_return result;
  }
  const auto* entry = specs_.find(key);
  const auto* declared =
      entry != nullptr && entry->resource ? std::get_if<model::ContainerGroup>(&*entry->resource) : nullptr;
  if (declared != nullptr) {
    const auto group = *declared;  // the store may change while this reconcile waits
    managed_[key] = ManagedTarget{group.azure, group.policy.deletion, group.policy.mode};
    // Being deleted (a custom resource with a deletionTimestamp): its last spec says how.
    if (!group.metadata.deletion_timestamp) co_return co_await reconcile_spec(key, group, entry->error);
  } else if (entry != nullptr) {
    // Declared, but it never validated: nothing in Azure is ours to touch for it.
    record_failure(key, GroupPhase::invalid, "Synced", "InvalidSpec", entry->error);
    co_return Result::done();
  }
  const auto managed = managed_.find(key);
  if (managed == managed_.end()) {
    forget(key);
    co_return Result::done();
  }
  const auto target = managed->second;
  auto result = co_await reconcile_removal(key, target);
  if (result.kind() == Result::Kind::done) {
    managed_.erase(key);
    forget(key);
  }
  co_return result;
}

void ContainerGroupReconciler::observe_generation(nlohmann::json& status, const std::string& key) const {
  const auto* entry = specs_.find(key);
  if (entry == nullptr || !entry->resource) return;
  // Files have no generation; custom resources say which one the status describes.
  if (const auto generation = model::metadata_of(*entry->resource).generation; generation > 0)
    status["observedGeneration"] = generation;
}

void ContainerGroupReconciler::forget(const std::string& key) {
  deployed_.erase(key);
  drifting_.erase(key);
  status_.remove(key);
  metrics_.forget(key);
  specs_.release(key);
}

boost::asio::awaitable<Result> ContainerGroupReconciler::reconcile_spec(const std::string& key,
                                                                        const model::ContainerGroup& group,
                                                                        const std::string& spec_error) {
  if (!spec_error.empty()) {
    // The file changed into something invalid: keep the running group as it is.
    record_failure(key, GroupPhase::invalid, "Synced", "InvalidSpec", spec_error);
    co_return Result::done();
  }
  const auto ref = ref_of(group.azure);
  auto actual = co_await arm_.get_container_group(ref);
  if (!actual && actual.error().kind != azure::AzureErrorKind::not_found) {
    const auto message = "reading the container group: " + actual.error().to_string();
    record_failure(key, GroupPhase::failed, "Synced", "AzureError", message);
    co_return Result::retry(message);
  }
  if (actual && provisioning_state(*actual) == "Deleting") {
    // Someone is deleting it: ARM refuses writes until it is gone; then it is recreated.
    metrics_.set_phase(key, GroupPhase::progressing);
    co_return Result::requeue_after(kDeletingPoll);
  }
  // The rotation enqueues the group again when it releases a version or admits it.
  const auto pinned = pinned_versions(key, group, actual ? &*actual : nullptr);
  if (!pinned) co_return Result::done();
  const auto secrets = co_await secrets_.resolve(group.secret_refs(), *pinned);
  if (!secrets) {
    record_failure(key, GroupPhase::failed, "CredentialsCurrent", "SecretUnavailable", secrets.error());
    co_return Result::retry(secrets.error());
  }
  auto body = model::build_arm_body(group, *secrets, options_.owner);
  if (!body) {
    record_failure(key, GroupPhase::invalid, "Synced", "InvalidSpec", body.error());
    co_return Result::terminal(body.error());
  }
  const auto plan = plan_container_group(group, *body, actual ? &*actual : nullptr, options_.owner);
  if (plan.action == PlanAction::none) {
    record_synced(key, group, *actual, *secrets);
    co_return Result::done();
  }
  if (plan.action == PlanAction::conflict || plan.action == PlanAction::blocked) {
    record_failure(key, GroupPhase::conflict, "Synced",
                   plan.action == PlanAction::conflict ? "Conflict" : "ImmutableChange", plan.reason);
    co_return Result::done();
  }
  const auto* previous = status_.find(key);
  const bool was_synced = previous != nullptr && previous->value("specHash", std::string()) ==
                                                     body->at("tags").at(std::string(model::kSpecHashTag)).get<std::string>();
  // Counted once per episode: retries of the same correction are not new drift.
  std::string_view drift = drift_reason(plan);
  if (drift.empty() && plan.action == PlanAction::create && was_synced) drift = "deleted";
  if (!drift.empty() && drifting_.insert(key).second) metrics_.count_drift(drift);
  const auto changes = plan.action == PlanAction::create ? std::string("the group does not exist")
                                                         : model::describe(plan.differences);
  if (group.policy.mode == model::PolicyMode::DetectOnly) {
    record_failure(key, GroupPhase::drifted, "Synced", "DriftDetected",
                   std::string(to_string(plan.action)) + " needed: " + changes);
    co_return Result::done();
  }
  logger_.info("changing container group", {{"key", key},
                                             {"action", std::string(to_string(plan.action))},
                                             {"resource", group.azure.resource_id()},
                                             {"changes", changes}});
  metrics_.set_phase(key, GroupPhase::progressing);
  auto outcome = co_await apply(group, plan, *body);
  if (!outcome) {
    const auto message = std::string(to_string(plan.action)) + " failed: " + outcome.error().to_string();
    record_failure(key, GroupPhase::failed, "Synced", "AzureError", message);
    co_return Result::retry(message);
  }
  if (!outcome->succeeded()) {
    const auto message = describe_outcome(*outcome);
    record_failure(key, GroupPhase::failed, "Ready", "DeploymentFailed", message);
    co_return Result::retry(message);
  }
  record_synced(key, group, outcome->resource, *secrets);
  announce(key, plan.action, drift, changes);
  co_return Result::done();
}

void ContainerGroupReconciler::announce(const std::string& key, PlanAction action, std::string_view drift,
                                        const std::string& changes) {
  if (!drift.empty() && drift != "deleted") {
    status_.event(key, status::EventType::normal, "DriftCorrected", "Update",
                  "the group in Azure had drifted (" + std::string(drift) + "); corrected: " + changes);
    return;
  }
  switch (action) {
    case PlanAction::create:
      status_.event(key, status::EventType::normal, "Created", "Create", "created the container group");
      break;
    case PlanAction::recreate:
      status_.event(key, status::EventType::normal, "Recreated", "Recreate",
                    "deleted and created the container group again (a change ACI cannot make in place): " + changes);
      break;
    default:
      status_.event(key, status::EventType::normal, "Updated", "Update", "updated the container group: " + changes);
      break;
  }
}

std::optional<std::map<model::KeyVaultRef, std::string>> ContainerGroupReconciler::pinned_versions(
    const std::string& key, const model::ContainerGroup& group, const nlohmann::json* actual) {
  std::map<model::KeyVaultRef, std::string> pinned;
  // A DetectOnly group is never written, so it is compared with the latest versions.
  if (group.policy.mode == model::PolicyMode::DetectOnly) return pinned;
  for (const auto& secret_ref : group.secret_refs()) {
    const auto running = actual != nullptr ? model::deployed_secret_version(*actual, secret_ref) : std::string();
    const auto decision = pins_.decide(secret_ref, key, actual != nullptr, running);
    if (decision.kind == PinDecision::Kind::version) pinned[secret_ref] = decision.version;
    if (decision.kind != PinDecision::Kind::wait) continue;
    const auto message = pins_.released(secret_ref).empty()
                             ? "waiting for the CredentialRotation of " + secret_ref.to_string() +
                                   " to release a verified version"
                             : "waiting for its turn in the roll-out of " + secret_ref.to_string();
    const auto now = clock_.now();
    status_.update(key, [&](nlohmann::json& status) {
      status::set_condition(status, "CredentialsCurrent", "False", "AwaitingRollout", message, now);
    });
    if (actual == nullptr) metrics_.set_phase(key, GroupPhase::progressing);
    deployed_[key] = {};
    return std::nullopt;
  }
  return pinned;
}

boost::asio::awaitable<Expected<azure::OperationOutcome, azure::AzureError>> ContainerGroupReconciler::apply(
    const model::ContainerGroup& group, const Plan& plan, const nlohmann::json& body) {
  const auto ref = ref_of(group.azure);
  if (plan.action == PlanAction::patch_tags) {
    const auto tags = tags_of(body);
    auto patched = co_await arm_.patch_container_group_tags(ref, tags);
    if (!patched) co_return unexpected(std::move(patched.error()));
    azure::OperationOutcome outcome;
    outcome.status = "Succeeded";
    outcome.resource = std::move(*patched);
    co_return outcome;
  }
  if (plan.action == PlanAction::recreate) {
    auto deleted = co_await arm_.delete_container_group(ref);
    if (!deleted) co_return unexpected(std::move(deleted.error()));
    if (!deleted->operation.done) {
      auto gone = co_await arm_.wait_for_operation(deleted->operation, options_.operation_timeout);
      if (!gone) co_return unexpected(std::move(gone.error()));
      if (!gone->succeeded()) co_return *gone;
    }
  }
  auto put = co_await arm_.put_container_group(ref, body);
  if (!put) co_return unexpected(std::move(put.error()));
  co_return co_await arm_.wait_for_operation(put->operation, options_.operation_timeout);
}

boost::asio::awaitable<Result> ContainerGroupReconciler::reconcile_removal(const std::string& key,
                                                                           ManagedTarget target) {
  if (declared_elsewhere(target.azure, key)) co_return Result::done();  // renamed, not removed
  if (target.mode == model::PolicyMode::DetectOnly) co_return Result::done();
  const auto ref = ref_of(target.azure);
  auto actual = co_await arm_.get_container_group(ref);
  if (!actual) {
    if (actual.error().kind == azure::AzureErrorKind::not_found) co_return Result::done();
    co_return Result::retry("reading the container group before removal: " + actual.error().to_string());
  }
  if (provisioning_state(*actual) == "Deleting") co_return Result::done();  // already on its way out
  if (model::ownership_of(*actual, options_.owner) != model::Ownership::Ours) {
    logger_.info("spec removed; the container group is not ours, so it is left alone",
                 {{"key", key}, {"resource", target.azure.resource_id()}});
    co_return Result::done();
  }
  if (target.deletion == model::DeletionPolicy::Orphan) {
    const auto tags = foreign_tags(*actual);
    auto released = co_await arm_.patch_container_group_tags(ref, tags);
    if (!released) co_return Result::retry("removing our tags (deletion policy Orphan): " + released.error().to_string());
    logger_.info("spec removed; container group left running without our owner tag (deletion policy Orphan)",
                 {{"key", key}, {"resource", target.azure.resource_id()}});
    status_.event(key, status::EventType::normal, "Orphaned", "Orphan",
                  "left the container group running without our owner tag (deletion policy Orphan)");
    co_return Result::done();
  }
  logger_.info("spec removed; deleting the container group (deletion policy Delete)",
               {{"key", key}, {"resource", target.azure.resource_id()}});
  auto deleted = co_await arm_.delete_container_group(ref);
  if (!deleted) co_return Result::retry("deleting the container group: " + deleted.error().to_string());
  if (!deleted->operation.done) {
    auto outcome = co_await arm_.wait_for_operation(deleted->operation, options_.operation_timeout);
    if (!outcome) co_return Result::retry("deleting the container group: " + outcome.error().to_string());
    if (!outcome->succeeded()) co_return Result::retry("deleting the container group: " + describe_outcome(*outcome));
  }
  status_.event(key, status::EventType::normal, "Deleted", "Delete", "deleted the container group (deletion policy Delete)");
  co_return Result::done();
}

bool ContainerGroupReconciler::declared_elsewhere(const model::AzureTarget& target,
                                                  const std::string& except_key) const {
  const auto id = target.resource_id();
  for (const auto& key : specs_.keys(model::kContainerGroupKind)) {
    if (key == except_key) continue;
    const auto* entry = specs_.find(key);
    if (entry == nullptr || !entry->resource) continue;
    const auto* group = std::get_if<model::ContainerGroup>(&*entry->resource);
    if (group != nullptr && group->azure.resource_id() == id) return true;
  }
  return false;
}

void ContainerGroupReconciler::record_synced(const std::string& key, const model::ContainerGroup& group,
                                             const nlohmann::json& actual, const model::ResolvedSecrets& secrets) {
  const auto now = clock_.now();
  status_.update(key, [&](nlohmann::json& status) {
    observe_generation(status, key);
    status["kind"] = model::kContainerGroupKind;
    status["name"] = group.metadata.name;
    status["resourceId"] = group.azure.resource_id();
    status["fqdn"] = core::text_at(actual, "/properties/ipAddress/fqdn");
    status["ipAddress"] = core::text_at(actual, "/properties/ipAddress/ip");
    status["specHash"] = core::text_at(actual, "/tags/acioperator.io~1spec-hash");
    status["secretVersions"] = deployed_[key] = model::secret_versions(group, secrets);
    status["lastSyncTime"] = core::format_iso8601(now);
    status.erase("lastError");
    status::set_condition(status, "Synced", "True", "Synced", "the group in Azure equals its spec", now);
    status::set_condition(status, "CredentialsCurrent", "True", "SecretsResolved",
                          "the group runs the version of every referenced secret it should", now);
  });
  drifting_.erase(key);
  record_instance_view(key, actual, true);
}

void ContainerGroupReconciler::record_observed(const std::string& key, const nlohmann::json& actual) {
  const auto* status = status_.find(key);
  if (status == nullptr) return;
  const auto hash = core::text_at(actual, "/tags/acioperator.io~1spec-hash");
  if (hash.empty() || hash != status->value("specHash", std::string())) return;
  record_instance_view(key, actual);
}

const std::map<std::string, std::string>* ContainerGroupReconciler::deployed_versions(const std::string& key) const {
  const auto found = deployed_.find(key);
  return found == deployed_.end() ? nullptr : &found->second;
}

void ContainerGroupReconciler::record_instance_view(const std::string& key, const nlohmann::json& actual,
                                                    bool synced) {
  // A group in conflict, drifted or invalid keeps that phase: its instance is not ours to judge.
  const auto phase = metrics_.phase(key);
  if (!synced && phase != GroupPhase::ready && phase != GroupPhase::progressing) return;
  const auto provisioning = provisioning_state(actual);
  const auto state = core::text_at(actual, "/properties/instanceView/state");
  // List results carry no instance view: then provisioning alone decides until the next GET.
  const bool ready = provisioning == "Succeeded" && (state.empty() || state == "Running" || state == "Succeeded");
  const auto now = clock_.now();
  status_.update(key, [&](nlohmann::json& status) {
    status["provisioningState"] = provisioning;
    if (!state.empty()) status["state"] = state;
    status::set_condition(status, "Ready", ready ? "True" : "False", ready ? "Running" : "NotRunning",
                          "provisioningState " + provisioning + (state.empty() ? "" : ", state " + state), now);
  });
  metrics_.set_phase(key, ready ? GroupPhase::ready
                                : (provisioning == "Failed" ? GroupPhase::failed : GroupPhase::progressing));
}

void ContainerGroupReconciler::record_failure(const std::string& key, GroupPhase phase, std::string_view condition,
                                              std::string_view reason, const std::string& message) {
  const auto now = clock_.now();
  status_.update(key, [&](nlohmann::json& status) {
    observe_generation(status, key);
    status["lastError"] = message;
    status::set_condition(status, condition, "False", reason, message, now);
  });
  metrics_.set_phase(key, phase);
}

}  // namespace aci::controllers
