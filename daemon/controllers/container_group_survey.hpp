#pragma once
// The survey: every ContainerGroup spec compared with Azure at the cost of one paged
// list call per resource group, plus the groups there that carry our owner tag and
// that no spec declares. The resync queues from it what would be written; `aci-operator
// plan` prints it. Reads only (Key Vault secrets are refreshed so that new versions count).

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "daemon/azure/arm_client.hpp"
#include "daemon/controllers/container_group_plan.hpp"
#include "daemon/controllers/secret_pins.hpp"
#include "daemon/controllers/secret_resolver.hpp"
#include "daemon/core/log.hpp"
#include "daemon/model/container_group.hpp"
#include "daemon/source/spec_store.hpp"

namespace aci::controllers {

struct SurveyItem {
  std::string key;  // the spec's key; empty for an orphan
  model::AzureTarget target;
  std::optional<Plan> plan;  // set when the spec could be compared with Azure
  bool listed = true;        // false: its resource group could not be listed
  std::string error;         // why there is no plan
  // Orphans: in Azure with our owner tag, declared by no spec; the policy comes from its tag.
  bool orphan = false;
  model::DeletionPolicy orphan_policy = model::DeletionPolicy::Delete;
};

struct Survey {
  std::vector<SurveyItem> items;  // specs in key order by resource group, then orphans of that group
  // Orphans were found but not reported because some spec fails to parse (it may declare them).
  std::size_t orphans_withheld = 0;
};

boost::asio::awaitable<Survey> survey_container_groups(const source::SpecStore& specs, azure::ArmClient& arm,
                                                       SecretResolver& secrets, const SecretPins& pins,
                                                       const std::string& owner,
                                                       const log::Logger& logger);

}  // namespace aci::controllers
