// Each fault kind through the real azure-emulator process: latency, injected errors,
// ARM throttling with Retry-After, dropped connections (before and after the request
// takes effect), set at start (--faults) and at run time (admin API); request counts.
#include "tests/integration/emulator_fixture.hpp"

namespace aci::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string groups_path() {
  return "/subscriptions/" + kDemoSubscription +
         "/resourceGroups/demo-rg/providers/Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01";
}

class EmulatorFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(emulator_.started()) << emulator_.process().output(); }
  void set_faults(const json& settings) {
    auto response = emulator_.call("POST", "/_emulator/faults", settings.dump());
    ASSERT_EQ(response.status, 200u) << response.body;
  }
  EmulatorInstance emulator_;
};

TEST_F(EmulatorFaultsTest, LatencyDelaysTheAnswer) {
  const auto arm = emulator_.bearer("https://management.azure.com/.default");
  set_faults({{"routes", {{{"route", "GET containerGroups (list)"}, {"latencyMs", 700}}}}});
  auto slow = emulator_.call("GET", groups_path(), "", arm);
  EXPECT_EQ(slow.status, 200u);
  EXPECT_GE(slow.elapsed, 700ms);
}

TEST_F(EmulatorFaultsTest, ErrorRateAnswersWithTheChosenStatusInArmShape) {
  const auto arm = emulator_.bearer("https://management.azure.com/.default");
  set_faults({{"routes", {{{"route", "arm"}, {"errorRate", 1}, {"status", 500}, {"code", "InternalServerError"}, {"count", 1}}}}});
  auto failed = emulator_.call("GET", groups_path(), "", arm);
  EXPECT_EQ(failed.status, 500u);
  EXPECT_EQ(json::parse(failed.body)["error"]["code"], "InternalServerError");
  EXPECT_EQ(emulator_.call("GET", groups_path(), "", arm).status, 200u) << "count: 1";
}

TEST_F(EmulatorFaultsTest, ThrottlingGives429WithRetryAfterAndRemainingHeaders) {
  const auto arm = emulator_.bearer("https://management.azure.com/.default");
  set_faults({{"throttling", {{"reads", {{"capacity", 3}, {"refillPerSecond", 0.5}}}}}});
  std::vector<std::string> remaining;
  HttpsResponse last;
  for (int i = 0; i < 4; ++i) {
    last = emulator_.call("GET", groups_path(), "", arm);
    remaining.push_back(last.header("x-ms-ratelimit-remaining-subscription-reads"));
  }
  EXPECT_EQ(remaining, (std::vector<std::string>{"2", "1", "0", "0"}));
  EXPECT_EQ(last.status, 429u);
  EXPECT_EQ(json::parse(last.body)["error"]["code"], "TooManyRequests");
  const int retry_after = std::stoi(last.header("retry-after"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2);
}

TEST_F(EmulatorFaultsTest, DroppedConnectionGivesNoAnswer) {
  set_faults({{"routes", {{{"route", "POST token"}, {"dropRate", 1}, {"count", 1}}}}});
  auto dropped = emulator_.token_response("https://vault.azure.net/.default");
  EXPECT_EQ(dropped.status, 0u);
  EXPECT_FALSE(dropped.error.empty());
  EXPECT_EQ(emulator_.token_response("https://vault.azure.net/.default").status, 200u);
}

TEST_F(EmulatorFaultsTest, DropAfterHandlingLetsTheRequestTakeEffect) {
  const auto graph = emulator_.bearer("https://graph.microsoft.com/.default");
  set_faults({{"routes", {{{"route", "POST applications/addPassword"}, {"dropRate", 1}, {"dropAfterHandling", true}, {"count", 1}}}}});
  auto lost = emulator_.call("POST", "/v1.0/applications(appId='" + kPullAppId + "')/addPassword",
                             R"({"passwordCredential":{"displayName":"rotation-nonce-42"}})", graph);
  EXPECT_EQ(lost.status, 0u);
  auto app = emulator_.call("GET", "/v1.0/applications(appId='" + kPullAppId + "')", "", graph);
  // Named: a range-for over a member of a temporary json would read freed memory.
  const auto application = json::parse(app.body);
  bool found = false;
  for (const auto& credential : application.at("passwordCredentials"))
    found = found || credential["displayName"] == "rotation-nonce-42";
  EXPECT_TRUE(found) << "the password exists although its answer was lost";
}

TEST_F(EmulatorFaultsTest, RequestsAreCountedPerRoute) {
  const auto vault = emulator_.bearer("https://vault.azure.net/.default");
  emulator_.call("GET", "/keyvault/mykeyvault/secrets/myregistry-pull-usr?api-version=7.5", "", vault);
  emulator_.call("GET", "/keyvault/mykeyvault/secrets/myregistry-pull-pwd?api-version=7.5", "", vault);
  auto counts = json::parse(emulator_.call("GET", "/_emulator/requests").body);
  EXPECT_EQ(counts["counts"]["GET secrets"], 2);
  EXPECT_EQ(counts["counts"]["POST token"], 1);
}

TEST(EmulatorFaultsFileTest, FaultsFileAppliesAtStart) {
  TempDir dir;
  const auto faults = dir.write("faults.json", R"({"routes":[{"route":"identity","errorRate":1,"status":503}]})");
  EmulatorInstance emulator({"--faults", faults});
  ASSERT_TRUE(emulator.started()) << emulator.process().output();
  auto refused = emulator.token_response("https://vault.azure.net/.default");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.header("retry-after"), "2");
  EXPECT_EQ(emulator.call("DELETE", "/_emulator/faults").status, 200u);
  EXPECT_EQ(emulator.token_response("https://vault.azure.net/.default").status, 200u);
}

}  // namespace
}  // namespace aci::testing
