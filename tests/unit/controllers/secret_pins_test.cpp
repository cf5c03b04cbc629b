#include "daemon/controllers/secret_pins.hpp"

#include <gtest/gtest.h>

namespace aci::controllers {
namespace {

using Kind = PinDecision::Kind;

const model::KeyVaultRef kPassword{"vault", "pull-pwd"};
const model::KeyVaultRef kOther{"vault", "other"};

TEST(SecretPinsTest, AnUngovernedSecretFollowsTheLatestVersion) {
  SecretPins pins;
  EXPECT_EQ(pins.decide(kOther, "ContainerGroup/a", true, "v1").kind, Kind::latest);
}

TEST(SecretPinsTest, BeforeARelease_NewGroupsWaitAndRunningOnesKeepTheirVersion) {
  SecretPins pins;
  pins.govern(kPassword);
  EXPECT_EQ(pins.decide(kPassword, "ContainerGroup/new", false, "").kind, Kind::wait);
  EXPECT_EQ(pins.decide(kPassword, "ContainerGroup/untagged", true, "").kind, Kind::wait);
  const auto running = pins.decide(kPassword, "ContainerGroup/a", true, "v1");
  EXPECT_EQ(running.kind, Kind::version);
  EXPECT_EQ(running.version, "v1");
}

TEST(SecretPinsTest, AReleasedVersionReachesNewAndAdmittedGroupsOnly) {
  SecretPins pins;
  pins.govern(kPassword);
  pins.release(kPassword, "v2", {});
  EXPECT_EQ(pins.decide(kPassword, "ContainerGroup/new", false, "").version, "v2");
  EXPECT_EQ(pins.decide(kPassword, "ContainerGroup/a", true, "v1").version, "v1");
  pins.admit(kPassword, "ContainerGroup/a");
  EXPECT_EQ(pins.decide(kPassword, "ContainerGroup/a", true, "v1").version, "v2");
  EXPECT_EQ(pins.decide(kPassword, "ContainerGroup/b", true, "v1").version, "v1");
  EXPECT_TRUE(pins.runs_released(kPassword, "v2"));
  EXPECT_FALSE(pins.runs_released(kPassword, "v1"));
}

TEST(SecretPinsTest, AnEquivalentVersionCountsAsReleasedAndIsKept) {
  SecretPins pins;
  pins.govern(kPassword);
  pins.release(kPassword, "v3-restored", {"v1"});
  EXPECT_TRUE(pins.runs_released(kPassword, "v1"));
  const auto kept = pins.decide(kPassword, "ContainerGroup/a", true, "v1");
  EXPECT_EQ(kept.version, "v1");  // the same password: no restart
}

TEST(SecretPinsTest, ANewReleaseForgetsWhoWasAdmitted) {
  SecretPins pins;
  pins.release(kPassword, "v2", {});
  pins.admit(kPassword, "ContainerGroup/a");
  pins.release(kPassword, "v2", {});
  EXPECT_TRUE(pins.admitted(kPassword, "ContainerGroup/a"));
  pins.release(kPassword, "v3", {});
  EXPECT_FALSE(pins.admitted(kPassword, "ContainerGroup/a"));
  pins.release_governance(kPassword);
  EXPECT_EQ(pins.decide(kPassword, "ContainerGroup/a", true, "v2").kind, Kind::latest);
}

}  // namespace
}  // namespace aci::controllers
