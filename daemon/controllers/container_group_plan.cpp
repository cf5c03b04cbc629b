#include "daemon/controllers/container_group_plan.hpp"

#include <algorithm>

#include "daemon/model/ownership.hpp"

namespace aci::controllers {

std::string_view to_string(PlanAction action) {
  switch (action) {
    case PlanAction::none:
      return "none";
    case PlanAction::create:
      return "create";
    case PlanAction::patch_tags:
      return "patch-tags";
    case PlanAction::update:
      return "update";
    case PlanAction::recreate:
      return "recreate";
    case PlanAction::conflict:
      return "conflict";
    case PlanAction::blocked:
      return "blocked";
  }
  return "unknown";
}

Plan plan_container_group(const model::ContainerGroup& group, const nlohmann::json& desired_body,
                          const nlohmann::json* actual, std::string_view owner) {
  Plan plan;
  if (actual == nullptr) {
    plan.action = PlanAction::create;
    return plan;
  }
  switch (model::ownership_of(*actual, owner)) {
    case model::Ownership::Foreign:
      plan.action = PlanAction::conflict;
      plan.reason = "the group is owned by '" + model::owner_tag(*actual).value_or("") + "', not by '" +
                    std::string(owner) + "'";
      return plan;
    case model::Ownership::Unowned:
      if (!group.policy.adopt) {
        plan.action = PlanAction::conflict;
        plan.reason = "the group exists without an acioperator.io/owner tag; set spec.policy.adopt: true to take it over";
        return plan;
      }
      break;
    case model::Ownership::Ours: {
      // Another object of ours (in another namespace) made it: a conflict, not a fight.
      // A group tagged with the bare owner (made from a file) may be claimed by an object.
      const auto tag = model::owner_tag(*actual).value_or("");
      const auto claim = model::owner_claim(owner, group.metadata);
      if (tag != owner && tag != claim) {
        plan.action = PlanAction::conflict;
        plan.reason = "the group belongs to " + tag.substr(owner.size() + 1) +
                      (claim == owner ? " (a custom resource)" : ", not to " + claim.substr(owner.size() + 1));
        return plan;
      }
      break;
    }
  }
  plan.differences = model::diff_container_group(desired_body, *actual);
  if (plan.differences.empty()) {
    plan.action = PlanAction::none;
  } else if (model::only_tags_differ(plan.differences)) {
    plan.action = PlanAction::patch_tags;
  } else if (model::any_requires_recreate(plan.differences)) {
    if (group.policy.recreate_on_immutable_change) {
      plan.action = PlanAction::recreate;
    } else {
      plan.action = PlanAction::blocked;
      plan.reason = "a change ACI cannot make in place needs a recreate, and spec.policy.recreateOnImmutableChange is false";
    }
  } else {
    plan.action = PlanAction::update;
  }
  return plan;
}

std::string_view drift_reason(const Plan& plan) {
  const auto& differences = plan.differences;
  if (differences.empty()) return "";
  const bool hash_differs = std::any_of(differences.begin(), differences.end(), [](const model::Difference& d) {
    return d.reason == model::kReasonSpecHash;
  });
  if (hash_differs) return "";
  const bool property_differs = std::any_of(differences.begin(), differences.end(), [](const model::Difference& d) {
    return d.reason == model::kReasonProperty;
  });
  return property_differs ? model::kReasonProperty : model::kReasonTags;
}

}  // namespace aci::controllers
