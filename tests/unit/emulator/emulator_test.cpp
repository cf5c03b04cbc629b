#include "emulator/emulator.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "daemon/crypto/base64.hpp"
#include "daemon/crypto/certificate.hpp"
#include "emulator/iso_time.hpp"
#include "emulator/seed/seed_file.hpp"

namespace aci::emulator {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;
using nlohmann::json;

const char* const kTenant = "00000000-0000-0000-0000-0000000000aa";
const char* const kOperator = "22222222-2222-2222-2222-222222222222";
const char* const kSubscription = "00000000-0000-0000-0000-000000000001";

crypto::KeyAndCertificate emulator_signing_key() {
  static const crypto::KeyAndCertificate key = [] {
    auto ca = crypto::make_certificate_authority("router test CA", std::chrono::hours(24 * 365 * 30));
    return *crypto::make_leaf_certificate(*ca, "signing", {}, {}, std::chrono::hours(24 * 365 * 30));
  }();
  return key;
}

EmulatorOptions test_options(const std::string& state_file = {}) {
  EmulatorOptions options;
  options.base_url = "https://127.0.0.1:8443";
  options.propagation_delay = 5s;
  options.state_file = state_file;
  options.random_seed = 42;
  options.arm.random_seed = 42;
  options.max_body_bytes = std::size_t{64} * 1024;
  return options;
}

class EmulatorTest : public ::testing::Test {
 protected:
  explicit EmulatorTest(const std::string& state_file = {})
      : emulator_(io_.get_executor(), [this] { return now_; }, emulator_signing_key(), test_options(state_file)) {
    auto seed = read_seed_file(std::string(ACI_SOURCE_DIR) + "/config/emulator-demo.yaml");
    EXPECT_TRUE(seed) << seed.error();
    auto seeded = emulator_.seed(*seed);
    EXPECT_TRUE(seeded) << seeded.error();
  }

  http::response<http::string_body> call(http::verb method, const std::string& target, const std::string& body = "",
                                         const std::string& token = "", const std::string& host = "127.0.0.1:8443",
                                         const std::string& content_type = "application/json") {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, host);
    if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) request.set(http::field::content_type, content_type);
    request.body() = body;
    auto outcome = emulator_.process(request);
    last_dropped_ = outcome.drop_before || outcome.drop_after;
    last_latency_ = outcome.latency;
    return outcome.response;
  }

  std::string token(const std::string& scope, const std::string& secret = "demo-only-secret") {
    auto response = call(http::verb::post, std::string("/") + kTenant + "/oauth2/v2.0/token",
                         "grant_type=client_credentials&client_id=" + std::string(kOperator) + "&client_secret=" + secret +
                             "&scope=" + scope,
                         "", "127.0.0.1:8443", "application/x-www-form-urlencoded");
    EXPECT_EQ(response.result_int(), 200u) << response.body();
    return json::parse(response.body()).value("access_token", "");
  }

  std::string arm_path(const std::string& rest = "") {
    return std::string("/subscriptions/") + kSubscription +
           "/resourceGroups/demo-rg/providers/Microsoft.ContainerInstance/containerGroups" + rest +
           "?api-version=2023-05-01";
  }

  void set_faults(const json& settings) {
    auto response = call(http::verb::post, "/_emulator/faults", settings.dump());
    ASSERT_EQ(response.result_int(), 200u) << response.body();
  }

  boost::asio::io_context io_;
  TimePoint now_ = *parse_iso8601("2025-01-01T00:00:00Z");
  Emulator emulator_;
  bool last_dropped_ = false;
  std::chrono::milliseconds last_latency_{0};
};

TEST(EmulatorRouteTest, HostHeaderAndPathPrefixBothRoute) {
  auto route_of = [](const std::string& host, const std::string& target) {
    http::request<http::string_body> request{http::verb::get, target, 11};
    request.set(http::field::host, host);
    return classify(request);
  };
  auto vault_by_host = route_of("mykeyvault.vault.azure.net:8443", "/secrets/a?api-version=7.5");
  EXPECT_EQ(vault_by_host.service, Route::Service::keyvault);
  EXPECT_EQ(vault_by_host.name, "mykeyvault");
  EXPECT_EQ(vault_by_host.rest, "/secrets/a?api-version=7.5");
  EXPECT_EQ(vault_by_host.route, "GET secrets");
  auto vault_by_path = route_of("127.0.0.1:8443", "/keyvault/mykeyvault/secrets/a/versions?api-version=7.5");
  EXPECT_EQ(vault_by_path.service, Route::Service::keyvault);
  EXPECT_EQ(vault_by_path.name, "mykeyvault");
  EXPECT_EQ(vault_by_path.rest, "/secrets/a/versions?api-version=7.5");
  EXPECT_EQ(vault_by_path.route, "GET secrets/versions");
  auto acr = route_of("localhost", "/acr/myregistry/v2/");
  EXPECT_EQ(acr.service, Route::Service::acr);
  EXPECT_EQ(acr.name, "myregistry");
  EXPECT_EQ(acr.rest, "/v2/");
  EXPECT_EQ(route_of("myregistry.azurecr.io", "/v2/").service, Route::Service::acr);
  EXPECT_EQ(route_of("localhost", "/v1.0/applications/x").service, Route::Service::graph);
  EXPECT_EQ(route_of("graph.microsoft.com", "/v1.0/applications/x").service, Route::Service::graph);
  EXPECT_EQ(route_of("localhost", "/tenant/oauth2/v2.0/token").service, Route::Service::identity);
  EXPECT_EQ(route_of("localhost", "/metadata/identity/oauth2/token").service, Route::Service::imds);
  EXPECT_EQ(route_of("localhost", "/_emulator/state").service, Route::Service::admin);
  auto arm = route_of("localhost", "/subscriptions/S1/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/cg/restart");
  EXPECT_EQ(arm.service, Route::Service::arm);
  EXPECT_EQ(arm.subscription, "s1");
  EXPECT_EQ(arm.route, "GET containerGroups/restart");
  EXPECT_EQ(route_of("localhost", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/cg").route,
            "GET containerGroups");
  EXPECT_EQ(route_of("localhost", "/subscriptions/s/providers/Microsoft.ContainerInstance/containerGroups").route,
            "GET containerGroups (list)");
  EXPECT_EQ(route_of("localhost", "/").service, Route::Service::unknown);
}

TEST_F(EmulatorTest, ArmNeedsAnArmToken) {
  auto missing = call(http::verb::get, arm_path());
  EXPECT_EQ(missing.result_int(), 401u);
  EXPECT_EQ(json::parse(missing.body())["error"]["code"], "AuthenticationFailed");
  EXPECT_FALSE(missing[http::field::www_authenticate].empty());
  auto wrong = call(http::verb::get, arm_path(), "", token("https://vault.azure.net/.default"));
  EXPECT_EQ(json::parse(wrong.body())["error"]["code"], "InvalidAuthenticationTokenAudience");
  const auto arm = token("https://management.azure.com/.default");
  auto listed = call(http::verb::get, arm_path(), "", arm);
  EXPECT_EQ(listed.result_int(), 200u) << listed.body();
  EXPECT_FALSE(listed["x-ms-request-id"].empty());
  EXPECT_FALSE(listed["x-ms-correlation-request-id"].empty());
  EXPECT_EQ(listed["x-ms-ratelimit-remaining-subscription-reads"], "249");
  now_ += 2h;
  EXPECT_EQ(json::parse(call(http::verb::get, arm_path(), "", arm).body())["error"]["code"], "ExpiredAuthenticationToken");
}

TEST_F(EmulatorTest, ThrottlingAnswers429WithRetryAfterFromTheBucket) {
  set_faults({{"throttling", {{"reads", {{"capacity", 2}, {"refillPerSecond", 1}}}}}});
  const auto arm = token("https://management.azure.com/.default");
  EXPECT_EQ(call(http::verb::get, arm_path(), "", arm)["x-ms-ratelimit-remaining-subscription-reads"], "1");
  EXPECT_EQ(call(http::verb::get, arm_path(), "", arm).result_int(), 200u);
  auto throttled = call(http::verb::get, arm_path(), "", arm);
  EXPECT_EQ(throttled.result_int(), 429u);
  EXPECT_EQ(throttled[http::field::retry_after], "1");
  EXPECT_EQ(json::parse(throttled.body())["error"]["code"], "TooManyRequests");
  now_ += 1s;
  EXPECT_EQ(call(http::verb::get, arm_path(), "", arm).result_int(), 200u);
}

TEST_F(EmulatorTest, InjectedErrorsUseEachServicesShape) {
  set_faults({{"routes", {{{"route", "*"}, {"errorRate", 1}, {"status", 503}, {"count", 3}}}}});
  auto arm = call(http::verb::get, arm_path());
  EXPECT_EQ(arm.result_int(), 503u);
  EXPECT_EQ(json::parse(arm.body())["error"]["code"], "ServiceUnavailable");
  EXPECT_EQ(arm[http::field::retry_after], "2");
  auto entra = call(http::verb::post, std::string("/") + kTenant + "/oauth2/v2.0/token", "x=y", "", "127.0.0.1:8443",
                    "application/x-www-form-urlencoded");
  EXPECT_EQ(json::parse(entra.body())["error"], "server_error");
  auto acr = call(http::verb::get, "/acr/myregistry/v2/");
  EXPECT_EQ(json::parse(acr.body())["errors"][0]["code"], "ServiceUnavailable");
  EXPECT_EQ(call(http::verb::get, "/acr/myregistry/v2/").result_int(), 401u) << "the rule is used up";
}

TEST_F(EmulatorTest, LatencyAndDropsAreReportedToTheServerLoop) {
  set_faults({{"routes", {{{"route", "GET secrets"}, {"latencyMs", 300}}, {{"route", "keyvault"}, {"dropRate", 1}, {"count", 1}}}}});
  call(http::verb::get, "/keyvault/mykeyvault/secrets/myregistry-pull-usr?api-version=7.5");
  EXPECT_TRUE(last_dropped_);
  EXPECT_EQ(last_latency_, 300ms);
  call(http::verb::get, "/keyvault/mykeyvault/secrets/myregistry-pull-usr?api-version=7.5");
  EXPECT_FALSE(last_dropped_);
}

TEST_F(EmulatorTest, KeyVaultIsReachableByPathAndByHost) {
  const auto vault = token("https://vault.azure.net/.default");
  auto by_path = call(http::verb::get, "/keyvault/mykeyvault/secrets/myregistry-pull-usr?api-version=7.5", "", vault);
  ASSERT_EQ(by_path.result_int(), 200u) << by_path.body();
  EXPECT_EQ(json::parse(by_path.body())["value"], "11111111-1111-1111-1111-111111111111");
  auto by_host = call(http::verb::get, "/secrets/myregistry-pull-pwd?api-version=7.5", "", vault,
                      "mykeyvault.vault.azure.net:8443");
  ASSERT_EQ(by_host.result_int(), 200u) << by_host.body();
  const auto password = json::parse(by_host.body())["value"].get<std::string>();
  EXPECT_TRUE(emulator_.directory().check_password("11111111-1111-1111-1111-111111111111", password))
      << "the generated seed password is the one stored in the vault";
}

TEST_F(EmulatorTest, RotationThroughGraphReachesAcrAfterPropagation) {
  const auto graph = token("https://graph.microsoft.com/.default");
  auto added = call(http::verb::post, "/v1.0/applications(appId='11111111-1111-1111-1111-111111111111')/addPassword",
                    R"({"passwordCredential":{"displayName":"aci-operator rotation 1"}})", graph, "graph.microsoft.com");
  ASSERT_EQ(added.result_int(), 200u) << added.body();
  EXPECT_FALSE(added["request-id"].empty());
  const auto secret = json::parse(added.body())["secretText"].get<std::string>();
  const std::string basic = "Basic " + crypto::base64_encode("11111111-1111-1111-1111-111111111111:" + secret);
  auto v2 = [&] {
    http::request<http::string_body> request{http::verb::get, "/v2/", 11};
    request.set(http::field::host, "myregistry.azurecr.io");
    request.set(http::field::authorization, basic);
    return emulator_.process(request).response.result_int();
  };
  EXPECT_EQ(v2(), 401u);
  now_ += 5s;
  EXPECT_EQ(v2(), 200u);
}

TEST_F(EmulatorTest, RequestCountsPerRoute) {
  call(http::verb::get, arm_path());
  call(http::verb::get, arm_path());
  call(http::verb::put, arm_path("/cg1"), "{}");
  auto counts = json::parse(call(http::verb::get, "/_emulator/requests").body());
  EXPECT_EQ(counts["counts"]["GET containerGroups (list)"], 2);
  EXPECT_EQ(counts["counts"]["PUT containerGroups"], 1);
  EXPECT_EQ(counts["total"], 3);
  EXPECT_EQ(call(http::verb::delete_, "/_emulator/requests").result_int(), 204u);
  EXPECT_EQ(json::parse(call(http::verb::get, "/_emulator/requests").body())["total"], 0);
}

TEST_F(EmulatorTest, StateDumpHasNoSecretValues) {
  const auto vault = token("https://vault.azure.net/.default");
  const auto password = json::parse(call(http::verb::get, "/keyvault/mykeyvault/secrets/myregistry-pull-pwd?api-version=7.5", "",
                                         vault).body())["value"].get<std::string>();
  auto state = call(http::verb::get, "/_emulator/state");
  ASSERT_EQ(state.result_int(), 200u);
  EXPECT_EQ(state.body().find(password), std::string::npos);
  EXPECT_EQ(state.body().find("demo-only-secret"), std::string::npos);
  EXPECT_NE(state.body().find("myregistry-pull"), std::string::npos);
}

TEST_F(EmulatorTest, ResetReturnsToTheSeededWorld) {
  const auto graph = token("https://graph.microsoft.com/.default");
  call(http::verb::post, "/v1.0/applications/11111111-0000-0000-0000-000000000001/addPassword", "{}", graph);
  EXPECT_EQ(emulator_.directory().application_by_app_id("11111111-1111-1111-1111-111111111111")->passwords.size(), 2u);
  EXPECT_EQ(call(http::verb::post, "/_emulator/reset").result_int(), 200u);
  EXPECT_EQ(emulator_.directory().application_by_app_id("11111111-1111-1111-1111-111111111111")->passwords.size(), 1u);
}

TEST_F(EmulatorTest, BadInputGetsAzureShaped4xx) {
  const auto arm = token("https://management.azure.com/.default");
  EXPECT_EQ(call(http::verb::put, arm_path("/cg1"), std::string(std::size_t{70} * 1024, 'x'), arm).result_int(), 413u);
  auto malformed = call(http::verb::put, arm_path("/cg1"), "{not json", arm);
  EXPECT_EQ(malformed.result_int() / 100, 4u);
  EXPECT_TRUE(json::parse(malformed.body()).contains("error"));
  auto unknown = call(http::verb::get, "/nothing/here");
  EXPECT_EQ(unknown.result_int(), 404u);
  EXPECT_TRUE(json::parse(unknown.body())["error"].contains("code"));
  EXPECT_EQ(call(http::verb::post, "/_emulator/faults", "{bad").result_int(), 400u);
  EXPECT_EQ(call(http::verb::post, "/_emulator/faults", R"({"routes":[{"errorRate":5}]})").result_int(), 400u);
}

TEST_F(EmulatorTest, SettingsChangeThePropagationDelay) {
  auto response = call(http::verb::post, "/_emulator/settings", R"({"propagationDelaySeconds": 0})");
  EXPECT_EQ(json::parse(response.body())["propagationDelaySeconds"], 0);
  EXPECT_EQ(emulator_.directory().propagation_delay(), 0s);
  EXPECT_EQ(call(http::verb::post, "/_emulator/settings", R"({"propagationDelaySeconds": -1})").result_int(), 400u);
}

class EmulatorStateFileTest : public EmulatorTest {
 public:
  ~EmulatorStateFileTest() override { std::remove(path().c_str()); }

 protected:
  EmulatorStateFileTest() : EmulatorTest(path()) {}
  static std::string path() {
    return ::testing::TempDir() + "emulator-state-" + std::to_string(::getpid()) + ".json";
  }
};

TEST_F(EmulatorStateFileTest, RestartedEmulatorKeepsItsWorld) {
  const auto graph = token("https://graph.microsoft.com/.default");
  auto added = call(http::verb::post, "/v1.0/applications/11111111-0000-0000-0000-000000000001/addPassword", "{}", graph);
  const auto secret = json::parse(added.body())["secretText"].get<std::string>();
  const auto stored = StateFile(path()).load();
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->dump().find(secret), std::string::npos) << "password text never reaches the file";

  boost::asio::io_context io;
  Emulator restarted(io.get_executor(), [this] { return now_ + 10s; }, emulator_signing_key(), test_options(path()));
  auto restored = restarted.restore();
  ASSERT_TRUE(restored) << restored.error();
  EXPECT_TRUE(*restored);
  EXPECT_TRUE(restarted.directory().check_password("11111111-1111-1111-1111-111111111111", secret));
  EXPECT_EQ(restarted.vaults().latest_value("mykeyvault", "myregistry-pull-usr"), "11111111-1111-1111-1111-111111111111");
}

TEST_F(EmulatorStateFileTest, LoadRefusesAForeignDocument) {
  EXPECT_FALSE(emulator_.load(json{{"version", 7}}));
  EXPECT_FALSE(emulator_.load(json{{"version", 1}, {"directory", {{"applications", {{{"appId", 1}}}}}}}));
  EXPECT_NE(emulator_.directory().application_by_app_id(kOperator), nullptr);
}

TEST(RedactSecretsTest, ReplacesSecretMembersAtAnyDepth) {
  auto redacted = redact_secrets(json::parse(R"({"a":{"value":"s1","name":"n"},"b":[{"password":"p","secureValue":"v"}],"value":null})"));
  EXPECT_EQ(redacted["a"]["value"], "<redacted>");
  EXPECT_EQ(redacted["a"]["name"], "n");
  EXPECT_EQ(redacted["b"][0]["password"], "<redacted>");
  EXPECT_EQ(redacted["b"][0]["secureValue"], "<redacted>");
  EXPECT_TRUE(redacted["value"].is_null());
}

}  // namespace
}  // namespace aci::emulator
