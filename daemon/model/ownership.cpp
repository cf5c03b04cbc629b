#include "daemon/model/ownership.hpp"

#include "daemon/model/arm_body.hpp"

namespace aci::model {

std::string_view to_string(Ownership ownership) {
  switch (ownership) {
    case Ownership::Ours:
      return "ours";
    case Ownership::Foreign:
      return "foreign";
    case Ownership::Unowned:
      return "unowned";
  }
  return "unowned";
}

std::optional<std::string> owner_tag(const nlohmann::json& group) {
  if (!group.is_object()) return std::nullopt;
  const auto tags = group.find("tags");
  if (tags == group.end() || !tags->is_object()) return std::nullopt;
  const auto tag = tags->find(std::string(kOwnerTag));
  if (tag == tags->end() || !tag->is_string() || tag->get<std::string>().empty()) return std::nullopt;
  return tag->get<std::string>();
}

Ownership ownership_of(const nlohmann::json& group, std::string_view owner) {
  const auto tag = owner_tag(group);
  if (!tag) return Ownership::Unowned;
  const bool ours = *tag == owner || (tag->size() > owner.size() && tag->starts_with(owner) && (*tag)[owner.size()] == '/');
  return ours ? Ownership::Ours : Ownership::Foreign;
}

std::string owner_claim(std::string_view owner, const ObjectMeta& metadata) {
  std::string claim(owner);
  if (!metadata.namespace_.empty()) claim += "/" + metadata.namespace_ + "/" + metadata.name;
  return claim;
}

}  // namespace aci::model
