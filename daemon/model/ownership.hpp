#pragma once
// Whose a container group in Azure is, from its acioperator.io/owner tag. A
// foreign owner means another operator instance manages it: a conflict, never an
// overwrite; an absent tag means nobody claims it (adopt only when the policy says so).

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/model/object_meta.hpp"

namespace aci::model {

enum class Ownership { Ours, Foreign, Unowned };

std::string_view to_string(Ownership ownership);

// `group` is the ARM resource JSON (GET or list item). Ours: the tag is `owner`, or
// `owner` followed by "/<namespace>/<name>" (see owner_claim).
Ownership ownership_of(const nlohmann::json& group, std::string_view owner);

// The owner tag value for a spec's group: `owner`, and for an object with a namespace
// (a custom resource) "<owner>/<namespace>/<name>", so that the same group named by
// objects in two namespaces is a conflict rather than a fight.
std::string owner_claim(std::string_view owner, const ObjectMeta& metadata);
// The owner tag's value, if any.
std::optional<std::string> owner_tag(const nlohmann::json& group);

}  // namespace aci::model
