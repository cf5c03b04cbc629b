// The daemon's main job end to end: the real aci-operator binary reconciling specs
// from a directory against the real azure-emulator, with every write counted through
// the emulator's admin API.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/operator_fixture.hpp"

namespace aci::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class ContainerGroupReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(emulator_.started()) << emulator_.process().output();
  }

  // Starts the daemon with short periods so that a resync happens within a test.
  OperatorInstance& start_operator(const std::string& settings = "") {
    operator_ = std::make_unique<OperatorInstance>(
        emulator_, dir_,
        "containerGroups: {resyncPeriod: 2s, instanceViewPeriod: 3s, backoff: {base: 200ms, max: 2s}}\n" + settings);
    EXPECT_TRUE(operator_->start());
    return *operator_;
  }

  bool becomes_ready(const std::string& name, std::chrono::milliseconds timeout = 60s) {
    return eventually([&] { return operator_->condition("ContainerGroup/" + name, "Ready") == "True/Running"; },
                      timeout);
  }

  json arm_get(const std::string& name) {
    auto response = emulator_.call("GET", group_path(name), "", emulator_.bearer("https://management.azure.com/.default"));
    if (response.status != 200) return json();
    return json::parse(response.body, nullptr, false);
  }

  // A PUT straight to the emulator's ARM, as someone changing Azure behind the daemon's back.
  unsigned arm_put(const std::string& name, const json& body) {
    return emulator_.call("PUT", group_path(name), body.dump(),
                          emulator_.bearer("https://management.azure.com/.default"))
        .status;
  }

  // Every secret value in the emulated vault, to search logs for.
  std::vector<std::string> vault_secret_values() {
    std::vector<std::string> values;
    for (const auto* name : {"myregistry-pull-pwd"}) {
      auto response = emulator_.call("GET", std::string("/keyvault/mykeyvault/secrets/") + name + "?api-version=7.5",
                                     "", emulator_.bearer("https://vault.azure.net/.default"));
      auto body = json::parse(response.body, nullptr, false);
      if (body.is_object() && body.contains("value")) values.push_back(body["value"].get<std::string>());
    }
    return values;
  }

  TempDir dir_;
  EmulatorInstance emulator_{{"--provisioning-duration", "1s"}};
  std::unique_ptr<OperatorInstance> operator_;
};

TEST_F(ContainerGroupReconcileTest, CreatesThenAnEditedSpecMakesExactlyOneUpdate) {
  auto& daemon = start_operator();
  daemon.write_spec("hello.yaml", GroupSpec{"hello"}.yaml());
  ASSERT_TRUE(becomes_ready("hello")) << daemon.status().dump(2);
  auto group = arm_get("hello");
  EXPECT_EQ(group["tags"]["acioperator.io/owner"], "aci-operator");
  EXPECT_EQ(group["properties"]["instanceView"]["state"], "Running");
  const auto first_hash = daemon.status_of("ContainerGroup/hello")["specHash"];

  reset_request_counts(emulator_);
  GroupSpec edited{"hello"};
  edited.image = "myregistry.azurecr.io/reports:1.0.0";
  daemon.write_spec("hello.yaml", edited.yaml());
  ASSERT_TRUE(eventually(
      [&] {
        return daemon.status_of("ContainerGroup/hello")["specHash"] != first_hash &&
               daemon.condition("ContainerGroup/hello", "Ready") == "True/Running";
      },
      60s));
  EXPECT_EQ(arm_get("hello")["properties"]["containers"][0]["properties"]["image"], edited.image);
  // Let a resync or two pass: an unchanged group must not be written again.
  std::this_thread::sleep_for(5s);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 1);
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 0);
}

TEST_F(ContainerGroupReconcileTest, DriftMadeInAzureIsCorrectedWithinOneResync) {
  auto& daemon = start_operator();
  daemon.write_spec("hello.yaml", GroupSpec{"hello"}.yaml());
  ASSERT_TRUE(becomes_ready("hello"));

  // Another image, written behind the daemon's back (keeping our tags, so only the property differs).
  auto changed = arm_get("hello");
  changed["properties"]["containers"][0]["properties"]["image"] = "mcr.microsoft.com/azuredocs/aci-helloworld:latest";
  changed["properties"].erase("imageRegistryCredentials");
  changed["properties"].erase("instanceView");
  ASSERT_EQ(arm_put("hello", changed), 200u);
  EXPECT_TRUE(eventually(
      [&] {
        auto group = arm_get("hello");
        return group["properties"]["containers"][0]["properties"]["image"] == "myregistry.azurecr.io/aci-helloworld:v1" &&
               group["properties"]["provisioningState"] == "Succeeded";
      },
      30s));
  EXPECT_TRUE(becomes_ready("hello"));
  EXPECT_NE(daemon.metrics().find("aci_operator_drift_total{reason=\"property\"} 1"), std::string::npos)
      << daemon.metrics() << daemon.process().output();

  // A deleted group comes back.
  ASSERT_LT(emulator_.call("DELETE", group_path("hello"), "", emulator_.bearer("https://management.azure.com/.default"))
                .status,
            300u);
  // The emulator takes a moment to delete (provisioningState Deleting), as ACI does.
  EXPECT_TRUE(eventually(
      [&] {
        return daemon.metrics().find("aci_operator_drift_total{reason=\"deleted\"} 1") != std::string::npos &&
               arm_get("hello")["properties"]["provisioningState"] == "Succeeded" &&
               daemon.condition("ContainerGroup/hello", "Ready") == "True/Running";
      },
      60s))
      << daemon.metrics() << daemon.process().output();
}

TEST_F(ContainerGroupReconcileTest, ANewSecretVersionReachesTheGroupWithinOneResync) {
  auto& daemon = start_operator();
  GroupSpec shop("shop");
  shop.env = "        - name: DB_PASSWORD\n          secretRef: {keyVault: mykeyvault, secret: shop-db-password}\n";
  daemon.write_spec("shop.yaml", shop.yaml());
  ASSERT_TRUE(becomes_ready("shop"));
  const auto before = daemon.status_of("ContainerGroup/shop")["secretVersions"]["mykeyvault/shop-db-password"];
  ASSERT_TRUE(before.is_string());
  reset_request_counts(emulator_);
  auto set = emulator_.call("PUT", "/keyvault/mykeyvault/secrets/shop-db-password?api-version=7.5",
                            json{{"value", "rotated-db-password-value"}}.dump(),
                            emulator_.bearer("https://vault.azure.net/.default"));
  ASSERT_EQ(set.status, 200u) << set.body;
  EXPECT_TRUE(eventually(
      [&] {
        return daemon.status_of("ContainerGroup/shop")["secretVersions"]["mykeyvault/shop-db-password"] != before &&
               daemon.condition("ContainerGroup/shop", "Ready") == "True/Running";
      },
      30s))
      << daemon.status().dump(2);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 1);
  EXPECT_EQ(daemon.process().output().find("rotated-db-password-value"), std::string::npos);
}

TEST_F(ContainerGroupReconcileTest, RemovedAndRenamedFilesHonourTheDeletionPolicy) {
  auto& daemon = start_operator();
  daemon.write_spec("delete-me.yaml", GroupSpec{"delete-me"}.yaml());
  GroupSpec orphan{"keep-me"};
  orphan.policy = "    deletion: Orphan\n";
  daemon.write_spec("keep-me.yaml", orphan.yaml());
  daemon.write_spec("move-me.yaml", GroupSpec{"move-me"}.yaml());
  ASSERT_TRUE(becomes_ready("delete-me"));
  ASSERT_TRUE(becomes_ready("keep-me"));
  ASSERT_TRUE(becomes_ready("move-me"));
  reset_request_counts(emulator_);

  // A rename keeps the object: nothing is deleted or rewritten.
  std::filesystem::rename(daemon.specs_dir() + "/move-me.yaml", daemon.specs_dir() + "/moved.yaml");
  daemon.remove_spec("delete-me.yaml");
  daemon.remove_spec("keep-me.yaml");
  EXPECT_TRUE(eventually([&] { return arm_get("delete-me").is_null(); }, 30s));
  EXPECT_TRUE(eventually([&] { return !arm_get("keep-me")["tags"].contains("acioperator.io/owner"); }, 30s));
  EXPECT_EQ(arm_get("keep-me")["tags"]["team"], "web");
  EXPECT_TRUE(arm_get("move-me").is_object());
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 1);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 0);
  EXPECT_FALSE(daemon.status().contains("ContainerGroup/delete-me"));
}

TEST_F(ContainerGroupReconcileTest, ASpecRemovedWhileTheDaemonWasDownIsHandledAtStart) {
  auto& daemon = start_operator();
  daemon.write_spec("gone.yaml", GroupSpec{"gone"}.yaml());
  daemon.write_spec("stays.yaml", GroupSpec{"stays"}.yaml());
  ASSERT_TRUE(becomes_ready("gone"));
  ASSERT_TRUE(becomes_ready("stays"));
  ASSERT_EQ(daemon.stop(), 0);
  daemon.remove_spec("gone.yaml");
  ASSERT_TRUE(daemon.start());
  EXPECT_TRUE(eventually([&] { return arm_get("gone").is_null(); }, 30s));
  EXPECT_TRUE(arm_get("stays").is_object());
}

TEST_F(ContainerGroupReconcileTest, AnImmutableChangeRecreatesTheGroup) {
  auto& daemon = start_operator();
  daemon.write_spec("hello.yaml", GroupSpec{"hello"}.yaml());
  ASSERT_TRUE(becomes_ready("hello"));
  reset_request_counts(emulator_);
  GroupSpec bigger{"hello"};
  bigger.cpu = "2";
  daemon.write_spec("hello.yaml", bigger.yaml());
  EXPECT_TRUE(eventually(
      [&] {
        auto group = arm_get("hello");
        return group.is_object() &&
               group["properties"]["containers"][0]["properties"]["resources"]["requests"]["cpu"] == 2.0 &&
               daemon.condition("ContainerGroup/hello", "Ready") == "True/Running";
      },
      60s))
      << daemon.status().dump(2);
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 1);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 1);
}

TEST_F(ContainerGroupReconcileTest, AGroupOwnedBySomeoneElseIsAConflictAndNeverWritten) {
  auto& daemon = start_operator();
  daemon.write_spec("theirs.yaml", GroupSpec{"theirs"}.yaml());
  ASSERT_TRUE(becomes_ready("theirs"));
  ASSERT_EQ(daemon.stop(), 0);
  // Another operator instance claims it.
  auto group = arm_get("theirs");
  ASSERT_EQ(emulator_.call("PATCH", group_path("theirs"),
                           json{{"tags", {{"acioperator.io/owner", "someone-else"}}}}.dump(),
                           emulator_.bearer("https://management.azure.com/.default"))
                .status,
            200u);
  GroupSpec edited{"theirs"};
  edited.image = "myregistry.azurecr.io/reports:1.0.0";
  daemon.write_spec("theirs.yaml", edited.yaml());
  reset_request_counts(emulator_);
  ASSERT_TRUE(daemon.start());
  EXPECT_TRUE(eventually([&] { return daemon.condition("ContainerGroup/theirs", "Synced") == "False/Conflict"; }, 30s))
      << daemon.status().dump(2);
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 0);
  EXPECT_EQ(request_count(emulator_, "PATCH containerGroups"), 0);
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 0);
  EXPECT_NE(daemon.status_of("ContainerGroup/theirs").value("lastError", "").find("someone-else"), std::string::npos);
}

TEST_F(ContainerGroupReconcileTest, DetectOnlyReportsDriftAndNeverWrites) {
  auto& daemon = start_operator();
  GroupSpec watched{"watched"};
  watched.policy = "    mode: DetectOnly\n";
  daemon.write_spec("watched.yaml", watched.yaml());
  EXPECT_TRUE(eventually(
      [&] { return daemon.condition("ContainerGroup/watched", "Synced") == "False/DriftDetected"; }, 30s))
      << daemon.status().dump(2);
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 0);
  EXPECT_TRUE(arm_get("watched").is_null());
  EXPECT_NE(daemon.metrics().find("aci_operator_container_groups{phase=\"Drifted\"} 1"), std::string::npos);
}

TEST_F(ContainerGroupReconcileTest, ABadFileLeavesItsRunningGroupAloneAndNamesTheField) {
  auto& daemon = start_operator();
  daemon.write_spec("hello.yaml", GroupSpec{"hello"}.yaml());
  ASSERT_TRUE(becomes_ready("hello"));
  reset_request_counts(emulator_);
  auto broken = GroupSpec{"hello"}.yaml();
  broken.replace(broken.find("cpu: 1"), 6, "cpu: lots");
  daemon.write_spec("hello.yaml", broken);
  EXPECT_TRUE(eventually([&] { return daemon.condition("ContainerGroup/hello", "Synced") == "False/InvalidSpec"; }, 30s))
      << daemon.status().dump(2);
  EXPECT_NE(daemon.status_of("ContainerGroup/hello").value("lastError", "").find("cpu"), std::string::npos);
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 0);
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 0);
  EXPECT_TRUE(arm_get("hello").is_object());
}

TEST_F(ContainerGroupReconcileTest, NoSecretValueReachesTheLogs) {
  auto& daemon = start_operator();
  daemon.write_spec("hello.yaml", GroupSpec{"hello"}.yaml());
  ASSERT_TRUE(becomes_ready("hello"));
  const auto output = daemon.process().output();
  ASSERT_NE(output.find("changing container group"), std::string::npos);
  const auto status = daemon.status().dump();
  const auto metrics = daemon.metrics();
  auto secrets = vault_secret_values();
  secrets.push_back("demo-only-secret");
  ASSERT_GE(secrets.size(), 2u);
  for (const auto& secret : secrets) {
    ASSERT_GE(secret.size(), 8u);
    EXPECT_EQ(output.find(secret), std::string::npos) << "a secret value is in the daemon's output";
    EXPECT_EQ(status.find(secret), std::string::npos) << "a secret value is in /status";
    EXPECT_EQ(metrics.find(secret), std::string::npos) << "a secret value is in /metrics";
  }
}

TEST_F(ContainerGroupReconcileTest, RunOncePrintsASummaryAndPlanWritesNothing) {
  OperatorInstance daemon(emulator_, dir_, "");
  daemon.write_spec("hello.yaml", GroupSpec{"hello"}.yaml());
  GroupSpec missing{"broken-secret"};
  auto yaml = missing.yaml();
  yaml.replace(yaml.find("myregistry-pull-pwd"), 19, "no-such-secret");
  daemon.write_spec("broken.yaml", yaml);

  ChildProcess plan({ACI_OPERATOR_BIN, "plan", "--config", daemon.config_file()});
  EXPECT_EQ(plan.wait(60s), 1);  // one object cannot be compared
  const auto planned = plan.output();
  EXPECT_NE(planned.find("create     ContainerGroup/hello"), std::string::npos) << planned;
  EXPECT_NE(planned.find("mykeyvault/no-such-secret"), std::string::npos) << planned;
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 0);

  ChildProcess once({ACI_OPERATOR_BIN, "run", "--once", "--config", daemon.config_file()});
  EXPECT_EQ(once.wait(120s), 1);
  const auto summary = once.output();
  EXPECT_NE(summary.find("ContainerGroup/hello"), std::string::npos) << summary;
  EXPECT_NE(summary.find("FAILED"), std::string::npos) << summary;
  EXPECT_TRUE(arm_get("hello").is_object());

  daemon.remove_spec("broken.yaml");
  ChildProcess again({ACI_OPERATOR_BIN, "run", "--once", "--config", daemon.config_file()});
  EXPECT_EQ(again.wait(120s), 0) << again.output();
  ChildProcess replan({ACI_OPERATOR_BIN, "plan", "--config", daemon.config_file()});
  EXPECT_EQ(replan.wait(60s), 0);
  EXPECT_NE(replan.output().find("unchanged  ContainerGroup/hello"), std::string::npos) << replan.output();
}

}  // namespace
}  // namespace aci::testing
