// azure-emulator as a process: start-up output, TLS names, routing by Host and by path,
// bad input over the wire, and a restart that keeps the world (--state-file).
#include <csignal>
#include <fstream>
#include <sstream>

#include "daemon/crypto/base64.hpp"
#include "tests/integration/emulator_fixture.hpp"

namespace aci::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(EmulatorProcessTest, PrintsPortAndCaAndServesVerifiedHttps) {
  EmulatorInstance emulator;
  ASSERT_TRUE(emulator.started()) << emulator.process().output();
  EXPECT_NE(read_text(emulator.ca_file()).find("BEGIN CERTIFICATE"), std::string::npos);
  auto health = emulator.call("GET", "/_emulator/health");
  EXPECT_EQ(health.status, 200u) << health.error;
  auto discovery = emulator.call("GET", "/" + kDemoTenant + "/v2.0/.well-known/openid-configuration");
  ASSERT_EQ(discovery.status, 200u);
  EXPECT_EQ(json::parse(discovery.body)["token_endpoint"], emulator.base_url() + "/" + kDemoTenant + "/oauth2/v2.0/token");
}

TEST(EmulatorProcessTest, AzureHostNamesVerifyAgainstTheServerCertificate) {
  EmulatorInstance emulator;
  ASSERT_TRUE(emulator.started()) << emulator.process().output();
  const auto vault = emulator.bearer("https://vault.azure.net/.default");
  auto by_host = emulator.call("GET", "/secrets/myregistry-pull-usr?api-version=7.5", "", vault,
                               "mykeyvault.vault.azure.net:" + std::to_string(emulator.port()));
  ASSERT_EQ(by_host.status, 200u) << by_host.body << by_host.error;
  EXPECT_EQ(json::parse(by_host.body)["value"], kPullAppId);
  auto by_path = emulator.call("GET", "/keyvault/mykeyvault/secrets/myregistry-pull-usr?api-version=7.5", "", vault);
  EXPECT_EQ(by_path.status, 200u) << by_path.body;
  for (const std::string host : {"management.azure.com", "login.microsoftonline.com", "graph.microsoft.com",
                                 "myregistry.azurecr.io", "localhost"}) {
    auto response = emulator.call("GET", "/_emulator/health", "", {}, host);
    EXPECT_EQ(response.status, 200u) << host << ": " << response.error;
  }
  EXPECT_EQ(emulator.call("GET", "/_emulator/health", "", {}, "example.com").status, 0u) << "not a SAN: TLS refuses";
}

TEST(EmulatorProcessTest, BadInputGets4xxAndTheEmulatorLivesOn) {
  EmulatorInstance emulator;
  ASSERT_TRUE(emulator.started()) << emulator.process().output();
  const auto arm = emulator.bearer("https://management.azure.com/.default");
  const std::string group = "/subscriptions/" + kDemoSubscription +
                            "/resourceGroups/demo-rg/providers/Microsoft.ContainerInstance/containerGroups/";
  auto malformed = emulator.call("PUT", group + "cg1?api-version=2023-05-01", "{\"location\": ", arm);
  EXPECT_EQ(malformed.status / 100, 4u);
  EXPECT_TRUE(json::parse(malformed.body)["error"].contains("code"));
  auto bad_name = emulator.call("PUT", group + "Bad_Name!?api-version=2023-05-01", "{}", arm);
  EXPECT_EQ(bad_name.status / 100, 4u);
  auto oversized = emulator.call("PUT", group + "cg1?api-version=2023-05-01",
                                 std::string(std::size_t{5} * 1024 * 1024, ' '), arm);
  EXPECT_EQ(oversized.status, 413u);
  EXPECT_EQ(json::parse(oversized.body)["error"]["code"], "RequestEntityTooLarge");
  auto form_as_json = emulator.call("POST", "/" + kDemoTenant + "/oauth2/v2.0/token", "{\"grant_type\":1}");
  EXPECT_EQ(form_as_json.status, 400u);
  EXPECT_EQ(json::parse(form_as_json.body)["error"], "invalid_request");
  https_raw(emulator.port(), emulator.ca_file(), "GARBAGE \x01\x02 nonsense\r\n\r\n");
  https_raw(emulator.port(), emulator.ca_file(), "GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n");
  EXPECT_EQ(emulator.call("GET", "/_emulator/health").status, 200u);
  EXPECT_FALSE(emulator.process().wait(0ms)) << "still running";
}

TEST(EmulatorProcessTest, RestartWithStateFileKeepsTheWorldTheCaAndIssuedTokens) {
  TempDir state;
  const std::string state_file = state.path() + "/world.json";
  std::string secret, ca_before, token;
  {
    EmulatorInstance first({"--state-file", state_file, "--propagation-delay", "0"}, state.path());
    ASSERT_TRUE(first.started()) << first.process().output();
    ca_before = read_text(first.ca_file());
    token = first.token("https://graph.microsoft.com/.default");
    auto added = first.call("POST", "/v1.0/applications(appId='" + kPullAppId + "')/addPassword",
                            R"({"passwordCredential":{"displayName":"kept"}})", {{"Authorization", "Bearer " + token}});
    ASSERT_EQ(added.status, 200u) << added.body;
    secret = json::parse(added.body)["secretText"].get<std::string>();
    first.process().signal(SIGTERM);
    EXPECT_EQ(first.process().wait(10s), 0);
  }
  EXPECT_EQ(read_text(state_file).find(secret), std::string::npos) << "only hashes are stored";
  EmulatorInstance second({"--state-file", state_file, "--propagation-delay", "0"}, state.path());
  ASSERT_TRUE(second.started()) << second.process().output();
  EXPECT_EQ(read_text(second.ca_file()), ca_before);
  auto app = second.call("GET", "/v1.0/applications(appId='" + kPullAppId + "')", "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(app.status, 200u) << app.body;
  EXPECT_EQ(json::parse(app.body)["passwordCredentials"].size(), 2u);
  auto login = second.call("GET", "/acr/myregistry/v2/", "",
                           {{"Authorization", "Basic " + crypto::base64_encode(kPullAppId + ":" + secret)}});
  EXPECT_EQ(login.status, 200u) << login.body;
}

TEST(EmulatorProcessTest, BadFlagsAndSeedsFailWithAMessage) {
  ChildProcess bad_flag({ACI_EMULATOR_BIN, "--port", "notaport"});
  EXPECT_EQ(bad_flag.wait(20s), 2);
  EXPECT_NE(bad_flag.output().find("--port"), std::string::npos);
  TempDir dir;
  const auto seed = dir.write("seed.yaml", "tenants: [{id: t}]\napplications: [{displayName: a, roles: [{role: AcrPull, registry: ghost}]}]\n");
  ChildProcess bad_seed({ACI_EMULATOR_BIN, "--seed", seed, "--port", "0", "--state-dir", dir.path()});
  EXPECT_EQ(bad_seed.wait(30s), 1);
  EXPECT_NE(bad_seed.output().find("ghost"), std::string::npos);
}

}  // namespace
}  // namespace aci::testing
