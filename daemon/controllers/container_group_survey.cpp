#include "daemon/controllers/container_group_survey.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>
#include <variant>

#include "daemon/model/arm_body.hpp"
#include "daemon/model/ownership.hpp"
#include "daemon/model/resource_parser.hpp"

namespace aci::controllers {

namespace {

// ARM names are case-insensitive.
std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

struct Declared {
  std::string key;
  model::ContainerGroup group;
};

// What the specs declare, by (subscription, resource group), and whether every
// spec read cleanly (only then may a group without a spec be treated as removed).
struct Declarations {
  std::map<std::pair<std::string, std::string>, std::vector<Declared>> by_resource_group;
  std::set<std::string> resource_ids;  // lower case, including specs that currently fail to parse
  std::set<model::KeyVaultRef> secrets;
  bool clean = true;
};

Declarations collect(const source::SpecStore& specs) {
  Declarations declarations;
  declarations.clean = specs.origin_errors().empty();
  for (const auto& key : specs.keys(model::kContainerGroupKind)) {
    const auto* entry = specs.find(key);
    if (entry == nullptr) continue;
    const auto* group = entry->resource ? std::get_if<model::ContainerGroup>(&*entry->resource) : nullptr;
    if (group == nullptr || !entry->error.empty()) declarations.clean = false;
    if (group == nullptr) continue;
    declarations.resource_ids.insert(lower(group->azure.resource_id()));
    if (!entry->error.empty()) continue;  // left alone until its file parses again
    declarations.by_resource_group[{group->azure.subscription_id, lower(group->azure.resource_group)}].push_back(
        {key, *group});
    for (auto& ref : group->secret_refs()) declarations.secrets.insert(std::move(ref));
  }
  return declarations;
}

std::string string_member(const nlohmann::json& item, std::string_view name) {
  const auto found = item.find(name);
  return found != item.end() && found->is_string() ? found->get<std::string>() : "";
}

model::DeletionPolicy deletion_policy_tag(const nlohmann::json& item) {
  const auto tags = item.find("tags");
  if (tags == item.end() || !tags->is_object()) return model::DeletionPolicy::Delete;
  return string_member(*tags, model::kDeletionPolicyTag) == model::to_string(model::DeletionPolicy::Orphan)
             ? model::DeletionPolicy::Orphan
             : model::DeletionPolicy::Delete;
}

SurveyItem compare(const Declared& declared, const nlohmann::json* actual, SecretResolver& secrets,
                   const SecretPins& pins, const std::string& owner) {
  SurveyItem item;
  item.key = declared.key;
  item.target = declared.group.azure;
  auto resolved = secrets.cached(declared.group.secret_refs());
  // A secret under rotation is compared at the version the group may run. Only its
  // version matters here: ARM never returns secret values, so the plan cannot see them.
  const bool detect_only = declared.group.policy.mode == model::PolicyMode::DetectOnly;
  for (const auto& ref : detect_only ? std::vector<model::KeyVaultRef>{} : declared.group.secret_refs()) {
    const auto running = actual != nullptr ? model::deployed_secret_version(*actual, ref) : std::string();
    const auto decision = pins.decide(ref, declared.key, actual != nullptr, running);
    if (decision.kind == PinDecision::Kind::wait) {
      item.plan = Plan{};  // nothing to do until the rotation enqueues it in its turn
      return item;
    }
    if (decision.kind == PinDecision::Kind::version && resolved.contains(ref)) resolved[ref].version = decision.version;
  }
  auto body = model::build_arm_body(declared.group, resolved, owner);
  if (!body) {
    item.error = body.error();
    return item;
  }
  item.plan = plan_container_group(declared.group, *body, actual, owner);
  return item;
}

}  // namespace

boost::asio::awaitable<Survey> survey_container_groups(const source::SpecStore& specs, azure::ArmClient& arm,
                                                       SecretResolver& secrets, const SecretPins& pins,
                                                       const std::string& owner, const log::Logger& logger) {
  const auto declarations = collect(specs);
  const std::vector<model::KeyVaultRef> refs(declarations.secrets.begin(), declarations.secrets.end());
  if (auto refreshed = co_await secrets.refresh(refs); !refreshed)
    logger.warn("cannot read every referenced Key Vault secret", {{"error", refreshed.error()}});
  Survey survey;
  for (const auto& [where, declared] : declarations.by_resource_group) {
    const auto& subscription = where.first;
    const auto& resource_group = declared.front().group.azure.resource_group;
    auto listed = co_await arm.list_container_groups(subscription, resource_group);
    if (!listed) {
      logger.warn("listing container groups failed", {{"subscription", subscription},
                                                       {"resourceGroup", resource_group},
                                                       {"error", listed.error().to_string()}});
      for (const auto& spec : declared) {
        SurveyItem item;
        item.key = spec.key;
        item.target = spec.group.azure;
        item.listed = false;
        item.error = "listing the resource group failed: " + listed.error().to_string();
        survey.items.push_back(std::move(item));
      }
      continue;
    }
    std::map<std::string, const nlohmann::json*> by_name;
    for (const auto& group : *listed) by_name[lower(string_member(group, "name"))] = &group;
    for (const auto& spec : declared) {
      const auto found = by_name.find(lower(spec.group.azure.name));
      survey.items.push_back(compare(spec, found == by_name.end() ? nullptr : found->second, secrets, pins, owner));
    }
    for (const auto& group : *listed) {
      if (model::ownership_of(group, owner) != model::Ownership::Ours) continue;
      const auto properties = group.find("properties");
      if (properties != group.end() && properties->is_object() &&
          string_member(*properties, "provisioningState") == "Deleting")
        continue;  // a removal already under way
      const model::AzureTarget target{subscription, resource_group, lower(string_member(group, "location")),
                                      string_member(group, "name")};
      if (declarations.resource_ids.contains(lower(target.resource_id()))) continue;
      if (!declarations.clean) {
        ++survey.orphans_withheld;
        continue;
      }
      SurveyItem orphan;
      orphan.target = target;
      orphan.orphan = true;
      orphan.orphan_policy = deletion_policy_tag(group);
      survey.items.push_back(std::move(orphan));
    }
  }
  co_return survey;
}

}  // namespace aci::controllers
