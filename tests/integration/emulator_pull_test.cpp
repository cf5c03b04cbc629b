// The failed-pull path through the real process: ACI refuses a group whose registry
// credential is wrong (InaccessibleImage), deploys one whose credential comes from
// the vault, and a password added through Graph works at the registry only after the
// propagation delay, as a rotation would see it.
#include <thread>

#include "daemon/crypto/base64.hpp"
#include "tests/integration/emulator_fixture.hpp"

namespace aci::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string group_path(const std::string& name) {
  return "/subscriptions/" + kDemoSubscription +
         "/resourceGroups/demo-rg/providers/Microsoft.ContainerInstance/containerGroups/" + name +
         "?api-version=2023-05-01";
}

json group_body(const std::string& username, const std::string& password) {
  return {{"location", "westeurope"},
          {"properties",
           {{"osType", "Linux"},
            {"containers",
             {{{"name", "hello"},
               {"properties",
                {{"image", "myregistry.azurecr.io/aci-helloworld:v1"},
                 {"resources", {{"requests", {{"cpu", 1}, {"memoryInGB", 1.5}}}}}}}}}},
            {"imageRegistryCredentials",
             {{{"server", "myregistry.azurecr.io"}, {"username", username}, {"password", password}}}}}}};
}

class EmulatorPullTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(emulator_.started()) << emulator_.process().output(); }

  std::string vault_secret(const std::string& name) {
    auto response = emulator_.call("GET", "/keyvault/mykeyvault/secrets/" + name + "?api-version=7.5", "",
                                   emulator_.bearer("https://vault.azure.net/.default"));
    EXPECT_EQ(response.status, 200u) << response.body;
    return json::parse(response.body).value("value", "");
  }

  EmulatorInstance emulator_{{"--propagation-delay", "2s", "--provisioning-duration", "300ms"}};
};

TEST_F(EmulatorPullTest, WrongPasswordIsInaccessibleImage) {
  const auto arm = emulator_.bearer("https://management.azure.com/.default");
  auto refused = emulator_.call("PUT", group_path("wrong-password"), group_body(kPullAppId, "not-the-password").dump(), arm);
  EXPECT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(json::parse(refused.body)["error"]["code"], "InaccessibleImage");
}

TEST_F(EmulatorPullTest, CredentialsFromTheVaultDeploy) {
  const auto arm = emulator_.bearer("https://management.azure.com/.default");
  const auto username = vault_secret("myregistry-pull-usr");
  const auto password = vault_secret("myregistry-pull-pwd");
  auto accepted = emulator_.call("PUT", group_path("hello"), group_body(username, password).dump(), arm);
  ASSERT_EQ(accepted.status / 100, 2u) << accepted.body;
  std::string state;
  for (int i = 0; i < 50 && state != "Succeeded"; ++i) {
    std::this_thread::sleep_for(100ms);
    auto group = emulator_.call("GET", group_path("hello"), "", arm);
    state = json::parse(group.body)["properties"].value("provisioningState", "");
  }
  EXPECT_EQ(state, "Succeeded");
}

TEST_F(EmulatorPullTest, RotatedPasswordPullsOnlyAfterPropagation) {
  const auto graph = emulator_.bearer("https://graph.microsoft.com/.default");
  auto added = emulator_.call("POST", "/v1.0/applications(appId='" + kPullAppId + "')/addPassword",
                              R"({"passwordCredential":{"displayName":"rotation"}})", graph);
  ASSERT_EQ(added.status, 200u) << added.body;
  const auto secret = json::parse(added.body)["secretText"].get<std::string>();
  const std::map<std::string, std::string> basic{{"Authorization", "Basic " + crypto::base64_encode(kPullAppId + ":" + secret)}};
  EXPECT_EQ(emulator_.call("GET", "/v2/", "", basic, "myregistry.azurecr.io").status, 401u);
  const auto arm = emulator_.bearer("https://management.azure.com/.default");
  EXPECT_EQ(emulator_.call("PUT", group_path("too-early"), group_body(kPullAppId, secret).dump(), arm).status, 400u);
  unsigned status = 0;
  for (int i = 0; i < 40 && status != 200; ++i) {
    std::this_thread::sleep_for(100ms);
    status = emulator_.call("GET", "/v2/", "", basic, "myregistry.azurecr.io").status;
  }
  EXPECT_EQ(status, 200u);
  auto deployed = emulator_.call("PUT", group_path("after-rotation"), group_body(kPullAppId, secret).dump(), arm);
  EXPECT_EQ(deployed.status / 100, 2u) << deployed.body;
}

}  // namespace
}  // namespace aci::testing
