#pragma once
// What it takes to make a container group in Azure equal its spec, decided from the
// desired ARM body and the group as ARM returns it (GET or list item). The reconciler,
// the resync and `aci-operator plan` all decide here, so they never disagree.
// Pure: no I/O, no secret values in the result.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/model/container_group.hpp"
#include "daemon/model/drift_diff.hpp"

namespace aci::controllers {

enum class PlanAction {
  none,        // equal: nothing to do (a needless PUT would restart the containers)
  create,      // absent: PUT
  patch_tags,  // only tags other than the spec hash differ: PATCH, no restart
  update,      // PUT in place (restarts the containers, as every ACI PUT does)
  recreate,    // a property ACI cannot change in place: DELETE, then PUT
  conflict,    // not ours to change: another owner, or unowned without spec.policy.adopt
  blocked,     // needs a recreate, but spec.policy.recreateOnImmutableChange is false
};

std::string_view to_string(PlanAction action);

struct Plan {
  PlanAction action = PlanAction::none;
  std::vector<model::Difference> differences;
  std::string reason;  // why: for conflict and blocked

  bool writes() const { return action != PlanAction::none && action != PlanAction::conflict &&
                               action != PlanAction::blocked; }
};

// `actual` is null when ARM has no such group.
Plan plan_container_group(const model::ContainerGroup& group, const nlohmann::json& desired_body,
                          const nlohmann::json* actual, std::string_view owner);

// The drift reason counted in aci_operator_drift_total when a group we already own
// differs from its spec while the spec hash tag still matches (someone changed Azure,
// not the spec): "property" or "tags"; "" when the spec (or a secret version) changed.
std::string_view drift_reason(const Plan& plan);

}  // namespace aci::controllers
