// Credential rotation end to end: the real aci-operator rotating the registry-pull
// password of the demo service principal in the real azure-emulator, while the
// emulator's ACI decides from the same directory whether each group can pull. The
// tests watch what Azure shows (instance views, Key Vault versions, Graph passwords)
// and check the invariant of DESIGN.md, "Credential rotation — the invariant".

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/integration/operator_fixture.hpp"

namespace aci::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kPullObjectId = "11111111-0000-0000-0000-000000000001";
const std::string kVersionTag = "acioperator.io/secret-version.mykeyvault.myregistry-pull-pwd";
const std::string kRotationKey = "CredentialRotation/pull";
const std::string kPrefix = "aci-operator/pull/";

std::string rotation_spec(const std::string& every, int max_concurrent, const std::string& grace = "2s") {
  return "apiVersion: acioperator.io/v1alpha1\n"
         "kind: CredentialRotation\n"
         "metadata: {name: pull}\n"
         "spec:\n"
         "  tenantId: " + kDemoTenant + "\n"
         "  application: {objectId: " + kPullObjectId + ", appId: " + kPullAppId + "}\n"
         "  keyVault: mykeyvault\n"
         "  usernameSecret: myregistry-pull-usr\n"
         "  passwordSecret: myregistry-pull-pwd\n"
         "  every: " + every + "\n"
         "  passwordLifetime: 2h\n"
         "  gracePeriod: " + grace + "\n"
         "  verify: {registry: myregistry.azurecr.io}\n"
         "  rollout: {maxConcurrent: " + std::to_string(max_concurrent) + "}\n";
}

class CredentialRotationTest : public ::testing::Test {
 protected:
  // New passwords work after one second and deployments take one, as in a quick tenant.
  CredentialRotationTest() : emulator_({"--propagation-delay", "1s", "--provisioning-duration", "1s"}) {}

  void SetUp() override {
    ASSERT_TRUE(emulator_.started()) << emulator_.process().output();
    // The tests read every group's instance view many times a second: no ARM throttling.
    ASSERT_EQ(emulator_.call("POST", "/_emulator/faults", R"({"throttling":{"enabled":false}})").status, 200u);
  }

  OperatorInstance& start_operator() {
    operator_ = std::make_unique<OperatorInstance>(
        emulator_, dir_,
        "containerGroups: {resyncPeriod: 5s, instanceViewPeriod: 30s, backoff: {base: 200ms, max: 2s}}\n"
        "credentialRotations: {verifyTimeout: 4s, rolloutTimeout: 60s, pollInterval: 200ms,"
        " backoff: {base: 1s, max: 4s}}\n");
    EXPECT_TRUE(operator_->start());
    return *operator_;
  }

  void declare_groups(int count) {
    for (int i = 1; i <= count; ++i) {
      const auto name = "g" + std::to_string(100 + i).substr(1);
      groups_.push_back(name);
      operator_->write_spec(name + ".yaml", GroupSpec(name).yaml());
    }
  }

  bool all_ready(std::chrono::milliseconds timeout = 120s) {
    return eventually(
        [&] {
          return std::all_of(groups_.begin(), groups_.end(), [&](const std::string& name) {
            return operator_->condition("ContainerGroup/" + name, "Ready") == "True/Running";
          });
        },
        timeout);
  }

  std::map<std::string, std::string> vault_bearer() { return emulator_.bearer("https://vault.azure.net/.default"); }

  json arm_get(const std::string& name) {
    auto response = emulator_.call("GET", group_path(name), "", arm_bearer_);
    return response.status == 200 ? json::parse(response.body, nullptr, false) : json();
  }

  // The password versions, oldest first.
  json versions() {
    auto response = emulator_.call("GET", "/keyvault/mykeyvault/secrets/myregistry-pull-pwd/versions?api-version=7.5",
                                   "", vault_bearer());
    auto body = json::parse(response.body, nullptr, false);
    auto list = body.is_object() ? body.value("value", json::array()) : json::array();
    std::sort(list.begin(), list.end(), [](const json& a, const json& b) {
      return a["attributes"].value("created", 0) < b["attributes"].value("created", 0);
    });
    return list;
  }

  json secret(const std::string& version = "") {
    auto response = emulator_.call(
        "GET", "/keyvault/mykeyvault/secrets/myregistry-pull-pwd" + (version.empty() ? "" : "/" + version) +
                   "?api-version=7.5",
        "", vault_bearer());
    return json::parse(response.body, nullptr, false);
  }

  static std::string version_of(const json& secret) {
    const auto id = secret.value("id", "");
    return id.substr(id.rfind('/') + 1);
  }

  std::vector<std::string> all_password_values() {
    std::vector<std::string> values;
    for (const auto& version : versions()) values.push_back(secret(version_of(version)).value("value", ""));
    return values;
  }

  bool signs_in(const std::string& password) {
    return emulator_.token_response("https://management.azure.com/.default", kPullAppId, password).status == 200;
  }

  json graph_passwords() {
    auto response = emulator_.call("GET", "/v1.0/applications/" + kPullObjectId, "",
                                   emulator_.bearer("https://graph.microsoft.com/.default"));
    auto body = json::parse(response.body, nullptr, false);
    return body.is_object() ? body.value("passwordCredentials", json::array()) : json::array();
  }

  double metric(const std::string& series) {
    const auto text = operator_->metrics();
    const auto at = text.find(series + " ");
    return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 1));
  }

  double successes() { return metric(R"(aci_operator_rotations_total{result="success",rotation="pull"})"); }

  bool settled() {
    const auto status = operator_->status_of(kRotationKey);
    return operator_->condition(kRotationKey, "Progressing") == "False/Settled" &&
           status.value("currentSecretVersion", "") == version_of(secret());
  }

  // The invariant after recovery: the latest version signs in, so does the password of
  // every group (by the version its tag names), no group failed, and every password of
  // ours on the application is held by some Key Vault version.
  void expect_invariant(const std::string& when) {
    SCOPED_TRACE(when);
    EXPECT_TRUE(signs_in(secret().value("value", ""))) << "the latest Key Vault version does not sign in";
    for (const auto& name : groups_) {
      const auto group = arm_get(name);
      EXPECT_NE(group["properties"].value("provisioningState", ""), "Failed") << name;
      const auto version = group["tags"].value(kVersionTag, "");
      EXPECT_TRUE(signs_in(secret(version).value("value", ""))) << name << " runs version " << version;
    }
    std::set<std::string> held;
    for (const auto& version : versions()) held.insert(version.value("tags", json::object()).value("keyId", ""));
    for (const auto& password : graph_passwords()) {
      if (password.value("displayName", "").rfind(kPrefix, 0) != 0) continue;
      EXPECT_TRUE(held.contains(password.value("keyId", ""))) << "orphan password " << password.dump();
    }
  }

  // No password the vault ever held appears in `text` (named `what` in failures).
  void expect_no_password_in(const std::string& text, const std::string& what) {
    const auto values = all_password_values();
    ASSERT_FALSE(values.empty());
    for (const auto& value : values) {
      ASSERT_GE(value.size(), 16u);
      EXPECT_EQ(text.find(value), std::string::npos) << "a password is in " << what;
    }
  }

  void expect_no_password_disclosed() {
    expect_no_password_in(operator_->process().output(), "the logs");
    expect_no_password_in(operator_->metrics(), "/metrics");
    expect_no_password_in(operator_->status().dump(), "/status");
  }

  // `aci-operator rotate NAME` with a configuration naming the running daemon's address
  // (the daemon's own file asks for port 0).
  int rotate_command(const std::string& name) {
    const auto config = dir_.write("rotate.yaml", "server: {address: 127.0.0.1, port: " +
                                                      std::to_string(operator_->port()) + "}\n");
    ChildProcess command({ACI_OPERATOR_BIN, "rotate", name, "--config", config});
    return command.wait(10s).value_or(-1);
  }

  TempDir dir_;
  EmulatorInstance emulator_;
  std::unique_ptr<OperatorInstance> operator_;
  std::vector<std::string> groups_;
  std::map<std::string, std::string> arm_bearer_;
};

TEST_F(CredentialRotationTest, FiveRotationsOverTwentyGroupsNeverBreakAPull) {
  constexpr int kMaxConcurrent = 5;
  arm_bearer_ = emulator_.bearer("https://management.azure.com/.default");
  auto& daemon = start_operator();
  declare_groups(20);
  ASSERT_TRUE(all_ready()) << daemon.status().dump(2);
  daemon.write_spec("rotation.yaml", rotation_spec("3s", kMaxConcurrent));

  // Watch every group's instance view until five rotations have completed.
  int most_restarting = 0;
  std::size_t most_passwords = 0;
  std::vector<std::string> failures;
  const auto deadline = std::chrono::steady_clock::now() + 240s;
  while (successes() < 5 && std::chrono::steady_clock::now() < deadline) {
    int restarting = 0;
    for (const auto& name : groups_) {
      const auto group = arm_get(name);
      const auto& properties = group["properties"];
      if (properties.value("provisioningState", "") == "Failed") failures.push_back(name + " provisioning Failed");
      if (properties["instanceView"].value("state", "") != "Running") ++restarting;
      for (const auto& container : properties.value("containers", json::array())) {
        for (const auto& event : container["properties"]["instanceView"].value("events", json::array())) {
          if (event.value("name", "") == "Failed") failures.push_back(name + ": " + event.value("message", ""));
        }
      }
    }
    most_restarting = std::max(most_restarting, restarting);
    most_passwords = std::max(most_passwords, graph_passwords().size());
  }
  ASSERT_GE(successes(), 5) << daemon.status_of(kRotationKey).dump(2);
  EXPECT_GE(versions().size(), 6u);  // the seeded password and five rotations
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_LE(most_restarting, kMaxConcurrent);
  // The current password, the ones retiring within the 2 s grace, and one being added.
  EXPECT_LE(most_passwords, 3u);

  // Once the rotation is paused, every group ends on the newest version.
  daemon.write_spec("rotation.yaml", rotation_spec("1h", kMaxConcurrent));
  ASSERT_TRUE(eventually([&] { return settled(); }, 60s)) << daemon.status_of(kRotationKey).dump(2);
  const auto latest = version_of(secret());
  ASSERT_TRUE(all_ready());
  for (const auto& name : groups_) EXPECT_EQ(arm_get(name)["tags"].value(kVersionTag, ""), latest) << name;
  EXPECT_TRUE(eventually([&] { return graph_passwords().size() <= 2; }, 10s));
  EXPECT_EQ(metric(R"(aci_operator_rotation_degraded{rotation="pull"})"), 0);
  EXPECT_GT(metric(R"(aci_operator_credential_expiry_timestamp_seconds{rotation="pull"})"), 0);
  expect_invariant("after five rotations");
  expect_no_password_disclosed();
}

TEST_F(CredentialRotationTest, ARejectedPasswordLeavesTheOldOneAndTheGroupsAndReportsDegraded) {
  arm_bearer_ = emulator_.bearer("https://management.azure.com/.default");
  auto& daemon = start_operator();
  declare_groups(3);
  daemon.write_spec("rotation.yaml", rotation_spec("1h", 1));
  ASSERT_TRUE(all_ready()) << daemon.status().dump(2);
  ASSERT_TRUE(eventually([&] { return settled(); }, 30s)) << daemon.status_of(kRotationKey).dump(2);
  const auto old_password = secret().value("value", "");
  std::map<std::string, std::string> before;
  for (const auto& name : groups_) before[name] = arm_get(name)["tags"].value(kVersionTag, "");
  const auto puts = request_count(emulator_, "PUT containerGroups");

  ASSERT_EQ(emulator_.call("POST", "/_emulator/settings", R"({"rejectNewPasswords":true})").status, 200u);
  EXPECT_EQ(rotate_command("no-such-rotation"), 1);
  EXPECT_EQ(rotate_command("pull"), 0);
  // Each sign-in try is a reconcile of its own: meanwhile the status says so.
  EXPECT_TRUE(eventually([&] { return daemon.condition(kRotationKey, "Progressing") == "True/Verifying"; }, 20s))
      << daemon.status_of(kRotationKey).dump(2);
  ASSERT_TRUE(eventually([&] { return daemon.condition(kRotationKey, "Degraded") == "True/VerificationFailed"; }, 30s))
      << daemon.status_of(kRotationKey).dump(2);

  EXPECT_TRUE(signs_in(old_password));
  // The refused password is taken back and the old one stored again as the latest version
  // (between retries, which back off, each trying a new password for the verify timeout).
  EXPECT_TRUE(eventually([&] { return secret().value("value", "") == old_password; }, 20s));
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), puts);
  for (const auto& name : groups_) EXPECT_EQ(arm_get(name)["tags"].value(kVersionTag, ""), before[name]) << name;
  EXPECT_GE(metric(R"(aci_operator_rotations_total{result="failure",rotation="pull"})"), 1);
  EXPECT_EQ(metric(R"(aci_operator_rotation_degraded{rotation="pull"})"), 1);
  expect_invariant("after a rejected rotation");
  expect_no_password_disclosed();
}

// SIGKILL at every step boundary of a rotation and in the middle of its roll-out; after
// each restart the rotation recovers from what Azure shows and the invariant holds.
TEST_F(CredentialRotationTest, KilledAtEveryStepTheRotationRecovers) {
  arm_bearer_ = emulator_.bearer("https://management.azure.com/.default");
  // Slow Key Vault and ARM a little, so a kill lands between two steps.
  ASSERT_EQ(emulator_.call("POST", "/_emulator/faults",
                           R"({"routes":[{"route":"keyvault","latencyMs":300},{"route":"arm","latencyMs":100}],)"
                           R"("throttling":{"enabled":false}})")
                .status,
            200u);
  auto& daemon = start_operator();
  declare_groups(6);
  daemon.write_spec("rotation.yaml", rotation_spec("1h", 2));
  ASSERT_TRUE(all_ready()) << daemon.status().dump(2);
  ASSERT_TRUE(eventually([&] { return settled(); }, 60s)) << daemon.status_of(kRotationKey).dump(2);

  struct KillPoint {
    std::string what;
    std::string needle;  // in the log line the kill follows
    int occurrence;
  };
  const std::vector<KillPoint> points{
      {"after addPassword", R"("step":"add_password")", 1},
      {"after the Key Vault write", R"("step":"store_secret")", 1},
      {"after verification", R"("step":"verify")", 1},
      {"in the middle of the roll-out", R"("message":"rollout batch")", 2},
      {"after the roll-out", R"("message":"rotation complete")", 1},
      {"after retiring the old password", R"("step":"retire")", 1},
  };
  for (const auto& point : points) {
    SCOPED_TRACE(point.what);
    ASSERT_EQ(rotate_command("pull"), 0);
    int seen = 0;
    const auto line = daemon.process().wait_for_line(
        [&](const std::string& text) {
          return text.find(point.needle) != std::string::npos && ++seen == point.occurrence;
        },
        60s);
    ASSERT_TRUE(line) << daemon.process().output();
    daemon.process().signal(SIGKILL);
    daemon.process().wait(10s);
    const auto killed_output = daemon.process().output();

    ASSERT_TRUE(daemon.start());
    ASSERT_TRUE(eventually([&] { return settled(); }, 90s)) << daemon.status_of(kRotationKey).dump(2);
    ASSERT_TRUE(all_ready()) << daemon.status().dump(2);
    expect_invariant("recovered " + point.what);
    expect_no_password_in(killed_output, "the logs of the killed daemon");
  }
  expect_no_password_disclosed();
}

}  // namespace
}  // namespace aci::testing
