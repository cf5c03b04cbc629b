#pragma once
// Compares the desired ARM body (from build_arm_body) with a container group as
// ARM returns it (GET or list item), after normalising what ARM fills in or
// reshapes: defaults, casing, number formats, list order, secure values it never
// returns. Differences are for display and decisions; they never hold secret
// values (secure env values and registry passwords are not compared at all; the
// spec-hash tag covers them).

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace aci::model {

inline constexpr std::string_view kReasonSpecHash = "spec-hash";  // the hash tag differs
inline constexpr std::string_view kReasonTags = "tags";           // another tag differs (PATCH can fix it)
inline constexpr std::string_view kReasonProperty = "property";   // a property differs (needs a PUT)

struct Difference {
  std::string path;     // spec-like: "containers[app].image", "tags.team", "ipAddress.type"
  std::string desired;  // display text; "(none)" when absent
  std::string actual;
  bool requires_recreate = false;  // ACI cannot change it in place: DELETE, then PUT
  std::string reason;              // kReasonSpecHash, kReasonTags or kReasonProperty

  bool operator==(const Difference&) const = default;
};

// In a fixed order: location, tags, identity, zones, group properties,
// containers by name, registry credentials by server, ipAddress, then
// properties the spec cannot express but the actual group has.
std::vector<Difference> diff_container_group(const nlohmann::json& desired_body, const nlohmann::json& actual);

bool any_requires_recreate(const std::vector<Difference>& differences);
// True when every difference is a tag other than the spec hash: a tags PATCH
// converges without restarting the containers.
bool only_tags_differ(const std::vector<Difference>& differences);

// One line per difference: "path: desired X, actual Y [recreate]".
std::string describe(const std::vector<Difference>& differences);

}  // namespace aci::model
