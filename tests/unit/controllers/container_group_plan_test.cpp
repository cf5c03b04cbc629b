#include "daemon/controllers/container_group_plan.hpp"

#include <gtest/gtest.h>

#include "daemon/model/arm_body.hpp"
#include "tests/unit/model/model_fixtures.hpp"

namespace aci::controllers {
namespace {

using namespace model::fixtures;

class ContainerGroupPlanTest : public ::testing::Test {
 protected:
  // The group as ARM returns it after our PUT: the desired body without secrets.
  nlohmann::json as_returned() const {
    auto actual = desired_;
    actual["properties"]["imageRegistryCredentials"][0].erase("password");
    actual["properties"]["provisioningState"] = "Succeeded";
    return actual;
  }

  Plan plan(const nlohmann::json* actual) const { return plan_container_group(group_, desired_, actual, kOwner); }

  model::ContainerGroup group_ = parse_group(hello_yaml());
  nlohmann::json desired_ = *model::build_arm_body(group_, hello_secrets(), kOwner);
};

TEST_F(ContainerGroupPlanTest, AbsentIsACreate) { EXPECT_EQ(plan(nullptr).action, PlanAction::create); }

TEST_F(ContainerGroupPlanTest, EqualIsNothingBecauseAPutWouldRestartTheContainers) {
  const auto actual = as_returned();
  const auto result = plan(&actual);
  EXPECT_EQ(result.action, PlanAction::none) << model::describe(result.differences);
  EXPECT_FALSE(result.writes());
}

TEST_F(ContainerGroupPlanTest, ATagAloneIsAPatchAndAPropertyAnUpdate) {
  auto actual = as_returned();
  actual["tags"]["team"] = "other";
  EXPECT_EQ(plan(&actual).action, PlanAction::patch_tags);
  EXPECT_EQ(drift_reason(plan(&actual)), "tags");
  actual = as_returned();
  actual["properties"]["containers"][0]["properties"]["image"] = "elsewhere/app:1";
  EXPECT_EQ(plan(&actual).action, PlanAction::update);
  EXPECT_EQ(drift_reason(plan(&actual)), "property");
}

TEST_F(ContainerGroupPlanTest, AChangedSpecHashIsAnUpdateNotDrift) {
  auto actual = as_returned();
  actual["tags"]["acioperator.io/spec-hash"] = "0000";
  const auto result = plan(&actual);
  EXPECT_EQ(result.action, PlanAction::update);
  EXPECT_EQ(drift_reason(result), "");
}

TEST_F(ContainerGroupPlanTest, AnImmutableChangeRecreatesUnlessThePolicyForbidsIt) {
  auto actual = as_returned();
  actual["properties"]["osType"] = "Windows";
  EXPECT_EQ(plan(&actual).action, PlanAction::recreate);
  group_.policy.recreate_on_immutable_change = false;
  const auto blocked = plan(&actual);
  EXPECT_EQ(blocked.action, PlanAction::blocked);
  EXPECT_NE(blocked.reason.find("recreateOnImmutableChange"), std::string::npos);
}

TEST_F(ContainerGroupPlanTest, AForeignOwnerIsAConflictAndUnownedNeedsAdopt) {
  auto actual = as_returned();
  actual["tags"]["acioperator.io/owner"] = "someone-else";
  const auto foreign = plan(&actual);
  EXPECT_EQ(foreign.action, PlanAction::conflict);
  EXPECT_NE(foreign.reason.find("someone-else"), std::string::npos);
  EXPECT_FALSE(foreign.writes());

  actual["tags"].erase("acioperator.io/owner");
  actual["tags"].erase("acioperator.io/spec-hash");
  EXPECT_EQ(plan(&actual).action, PlanAction::conflict);
  group_.policy.adopt = true;
  EXPECT_EQ(plan(&actual).action, PlanAction::update);
}

TEST_F(ContainerGroupPlanTest, TheSameGroupFromTwoNamespacesIsAConflictNotAFight) {
  group_.metadata.namespace_ = "team-a";
  desired_ = *model::build_arm_body(group_, hello_secrets(), kOwner);
  EXPECT_EQ(desired_["tags"]["acioperator.io/owner"], std::string(kOwner) + "/team-a/" + group_.metadata.name);
  auto actual = as_returned();
  EXPECT_EQ(plan(&actual).action, PlanAction::none);

  // Made by the object of the same name in team-b.
  actual["tags"]["acioperator.io/owner"] = std::string(kOwner) + "/team-b/" + group_.metadata.name;
  const auto other = plan(&actual);
  EXPECT_EQ(other.action, PlanAction::conflict);
  EXPECT_EQ(other.reason, "the group belongs to team-b/" + group_.metadata.name + ", not to team-a/" +
                              group_.metadata.name);

  // Made from a file (the bare owner): the object takes it over with a tag patch.
  actual["tags"]["acioperator.io/owner"] = kOwner;
  EXPECT_EQ(plan(&actual).action, PlanAction::patch_tags);
}

TEST_F(ContainerGroupPlanTest, NoSecretValueInTheDifferences) {
  auto actual = as_returned();
  actual["properties"]["imageRegistryCredentials"][0]["username"] = "someone";
  for (const auto& difference : plan(&actual).differences) {
    EXPECT_EQ(difference.desired.find(kPullPassword), std::string::npos);
    EXPECT_EQ(difference.actual.find(kPullPassword), std::string::npos);
  }
}

}  // namespace
}  // namespace aci::controllers
