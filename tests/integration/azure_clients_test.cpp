// The Azure clients against the real azure-emulator binary over HTTPS: credentials,
// Key Vault through its challenge, Graph passwords, the ACR login probe, ARM with
// long-running operations, retries of injected 429s and 500s, and a log that never
// shows a secret. One emulator serves the suite; each test resets its world.

#include <gtest/gtest.h>

#include <set>
#include <prometheus/registry.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "daemon/azure/azure_services.hpp"
#include "daemon/azure/client_secret_credential.hpp"
#include "daemon/azure/http_transport.hpp"
#include "daemon/crypto/jwt.hpp"
#include "daemon/http/client.hpp"
#include "daemon/metrics/azure_metrics.hpp"
#include "tests/support/child_process.hpp"

namespace aci::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
namespace asio = boost::asio;

const std::string kTenant = "00000000-0000-0000-0000-0000000000aa";
const std::string kOperatorAppId = "22222222-2222-2222-2222-222222222222";
const std::string kOperatorSecret = "demo-only-secret";
const std::string kPullAppId = "11111111-1111-1111-1111-111111111111";
const std::string kPullAppObjectId = "11111111-0000-0000-0000-000000000001";
const std::string kSubscription = "00000000-0000-0000-0000-000000000001";
const std::string kResourceGroup = "demo-rg";
const std::string kVault = "mykeyvault";
const std::string kRegistry = "myregistry.azurecr.io";
const std::string kArmScope = "https://management.azure.com/.default";

// The emulator process, shared by the suite.
struct Emulator {
  Emulator() {
    process = std::make_unique<ChildProcess>(std::vector<std::string>{
        ACI_EMULATOR_BIN, "--seed", std::string(ACI_SOURCE_DIR) + "/config/emulator-demo.yaml", "--port", "0",
        "--state-dir", state.path(), "--propagation-delay", "1s", "--provisioning-duration", "500ms"});
    const auto listening = process->wait_for_line(
        [](const std::string& line) { return line.rfind("azure-emulator listening on ", 0) == 0; }, 60s);
    const auto ca = process->wait_for_line([](const std::string& line) { return line.rfind("ca: ", 0) == 0; }, 10s);
    if (!listening || !ca) return;
    base_url = listening->substr(std::string("azure-emulator listening on ").size());
    ca_file = ca->substr(4);
  }

  TempDir state;
  std::unique_ptr<ChildProcess> process;
  std::string base_url;  // "https://127.0.0.1:PORT"
  std::string ca_file;
};

Emulator* emulator = nullptr;

template <class T>
asio::awaitable<std::optional<T>> optional_result(asio::awaitable<T> task) {
  co_return co_await std::move(task);
}

class AzureClientsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { emulator = new Emulator(); }
  static void TearDownTestSuite() {
    delete emulator;  // kills the process
    emulator = nullptr;
  }

  void SetUp() override {
    ASSERT_FALSE(emulator->base_url.empty()) << "emulator did not start:\n" << emulator->process->output();
    auto client = http::HttpClient::create(io_.get_executor(), http::ClientOptions{.tls = {.extra_ca_file = emulator->ca_file}});
    ASSERT_TRUE(client) << client.error();
    admin_ = std::move(*client);
    ASSERT_EQ(admin("POST", "/_emulator/reset").status, 200u);
    ASSERT_EQ(admin("DELETE", "/_emulator/faults").status, 200u);
    ASSERT_EQ(admin("DELETE", "/_emulator/requests").status, 204u);
    secret_file_ = dir_.write("client-secret", kOperatorSecret + "\n");
    services_ = make_services(secret_file_);
    ASSERT_NE(services_, nullptr);
  }

  void TearDown() override {
    if (services_) services_->shutdown();
    if (admin_) admin_->shutdown();
    // Whatever else a test did, the daemon's own secret never reaches its log.
    EXPECT_EQ(log_.str().find(kOperatorSecret), std::string::npos);
  }

  azure::AzureConfig config(const std::string& secret_file) const {
    azure::AzureConfig config;
    config.cloud = azure::AzureCloud::custom;
    const auto& base = emulator->base_url;
    config.endpoints = azure::AzureEndpoints{base,
                                             base,
                                             "https://management.azure.com",
                                             base,
                                             "https://graph.microsoft.com",
                                             base + "/keyvault/{vault}",
                                             "https://vault.azure.net",
                                             base + "/acr/{registry}",
                                             base + "/metadata/identity/oauth2/token"};
    config.credential.type = azure::CredentialType::client_secret;
    config.credential.tenant_id = kTenant;
    config.credential.client_id = kOperatorAppId;
    config.credential.client_secret_file = secret_file;
    config.ca_file = emulator->ca_file;
    config.request_timeout = 10s;
    config.retry.base_delay = 100ms;
    config.retry.max_delay = 2s;
    config.lro.poll_interval = 200ms;
    return config;
  }

  std::unique_ptr<azure::AzureServices> make_services(const std::string& secret_file) {
    azure::AzureServices::Options options;
    options.environment = [](const std::string&) { return std::optional<std::string>(); };
    options.seed = 7;
    auto services = azure::AzureServices::create(io_.get_executor(), config(secret_file), clock_, logger_, &metrics_,
                                                 options);
    EXPECT_TRUE(services) << services.error();
    return services ? std::move(*services) : nullptr;
  }

  // Runs a coroutine on the test's io_context to completion (bounded in wall time).
  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<std::optional<T>> result;
    std::exception_ptr failure;
    asio::co_spawn(io_, optional_result(std::move(task)), [&](std::exception_ptr e, std::optional<T> value) {
      failure = std::move(e);
      result.emplace(std::move(value));
    });
    io_.restart();
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (!result && std::chrono::steady_clock::now() < deadline) io_.run_for(100ms);
    if (failure) std::rethrow_exception(failure);
    if (!result || !*result) throw std::runtime_error("coroutine did not finish in time");
    return std::move(**result);
  }

  http::Response admin(const std::string& method, const std::string& path, const json& body = nullptr) {
    http::Request request;
    request.method = boost::beast::http::string_to_verb(method);
    request.url = emulator->base_url + path;
    if (!body.is_null()) {
      request.body = body.dump();
      request.headers.set(boost::beast::http::field::content_type, "application/json");
    }
    auto response = run(admin_->send(std::move(request)));
    if (!response) throw std::runtime_error("admin call failed: " + response.error().message);
    return std::move(*response);
  }

  long count(const std::string& route) {
    const auto counts = json::parse(admin("GET", "/_emulator/requests").body)["counts"];
    return counts.contains(route) ? counts[route].get<long>() : 0;
  }

  double metric(const std::string& name, const std::map<std::string, std::string>& labels) {
    for (const auto& family : registry_.Collect()) {
      if (family.name != name) continue;
      for (const auto& series : family.metric) {
        std::map<std::string, std::string> have;
        for (const auto& label : series.label) have.emplace(label.name, label.value);
        if (have == labels) return series.counter.value;
      }
    }
    return 0;
  }

  // The registry credential as the vault holds it.
  std::pair<std::string, std::string> pull_credentials() {
    auto user = run(services_->key_vault().get_secret(kVault, "myregistry-pull-usr"));
    auto password = run(services_->key_vault().get_secret(kVault, "myregistry-pull-pwd"));
    EXPECT_TRUE(user && password);
    if (!user || !password) return {};
    return {user->value, password->value};
  }

  // Polls the registry until the probe gives `wanted` (the directory's propagation delay).
  bool probe_until(const std::string& user, const std::string& password, azure::AcrLoginResult wanted) {
    for (int i = 0; i < 50; ++i) {
      auto result = run(services_->acr().login_probe(kRegistry, user, password));
      EXPECT_TRUE(result) << result.error().to_string();
      if (result && *result == wanted) return true;
      run(clock_.sleep_for(io_.get_executor(), 200ms));
    }
    return false;
  }

  json container_group_body(const std::string& user, const std::string& password) {
    return json{
        {"location", "westeurope"},
        {"tags", {{"acioperator.io/owner", "integration-test"}}},
        {"properties",
         {{"osType", "Linux"},
          {"restartPolicy", "Always"},
          {"containers",
           json::array({{{"name", "hello"},
                         {"properties",
                          {{"image", kRegistry + "/aci-helloworld:v1"},
                           {"ports", json::array({{{"port", 80}}})},
                           {"resources", {{"requests", {{"cpu", 1.0}, {"memoryInGB", 1.5}}}}}}}}})},
          {"imageRegistryCredentials",
           json::array({{{"server", kRegistry}, {"username", user}, {"password", password}}})},
          {"ipAddress", {{"type", "Public"}, {"ports", json::array({{{"port", 80}, {"protocol", "TCP"}}})}}}}}};
  }

  asio::io_context io_;
  core::RealClock clock_;
  std::ostringstream log_;
  std::shared_ptr<log::LogSink> sink_ = std::make_shared<log::LogSink>(log_, log::Level::debug);
  log::Logger logger_{sink_, "azure"};
  prometheus::Registry registry_;
  metrics::AzureMetrics metrics_{registry_};
  TempDir dir_;
  std::string secret_file_;
  std::unique_ptr<http::HttpClient> admin_;
  std::unique_ptr<azure::AzureServices> services_;
};

TEST_F(AzureClientsTest, ClientSecretCredentialGetsAnArmToken) {
  auto token = run(services_->tokens().token(kArmScope));
  ASSERT_TRUE(token) << token.error().to_string();
  auto decoded = crypto::jwt_decode(token->token);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->claims["aud"], "https://management.azure.com");
  EXPECT_GT(token->expires_on, clock_.now() + 30min);
  // Cached: a second caller causes no second token request.
  ASSERT_TRUE(run(services_->tokens().token(kArmScope)));
  EXPECT_EQ(count("POST token"), 1);
  EXPECT_EQ(metric("aci_operator_token_refresh_total", {{"result", "success"}}), 1);
}

TEST_F(AzureClientsTest, WrongSecretIsRefusedWithItsAadstsCode) {
  const auto wrong = dir_.write("wrong-secret", "not-the-right-secret");
  auto services = make_services(wrong);
  ASSERT_NE(services, nullptr);
  auto token = run(services->tokens().token(kArmScope));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().kind, azure::AzureErrorKind::unauthorized);
  EXPECT_EQ(token.error().code, "AADSTS7000215");
  // A refusal is not retried.
  EXPECT_EQ(count("POST token"), 1);
  // An ARM call with that credential fails the same way, without reaching ARM.
  auto group = run(services->arm().get_container_group({kSubscription, kResourceGroup, "nothing"}));
  ASSERT_FALSE(group);
  EXPECT_EQ(group.error().code, "AADSTS7000215");
  services->shutdown();
  EXPECT_EQ(log_.str().find("not-the-right-secret"), std::string::npos);
}

TEST_F(AzureClientsTest, KeyVaultReadsWritesAndListsThroughTheChallenge) {
  auto user = run(services_->key_vault().get_secret(kVault, "myregistry-pull-usr"));
  ASSERT_TRUE(user) << user.error().to_string();
  EXPECT_EQ(user->value, kPullAppId);
  EXPECT_FALSE(user->properties.version.empty());
  EXPECT_EQ(count("GET secrets"), 2);  // the challenge, then the read

  azure::SetSecretOptions options;
  options.content_type = "text/plain";
  options.tags = {{"keyId", "integration"}};
  options.expires = clock_.now() + 24h;
  auto stored = run(services_->key_vault().set_secret(kVault, "integration-secret", "integration-value-1", options));
  ASSERT_TRUE(stored) << stored.error().to_string();
  auto second = run(services_->key_vault().set_secret(kVault, "integration-secret", "integration-value-2", {}));
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_NE(stored->properties.version, second->properties.version);

  auto latest = run(services_->key_vault().get_secret(kVault, "integration-secret"));
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->value, "integration-value-2");
  auto first = run(services_->key_vault().get_secret(kVault, "integration-secret", stored->properties.version));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->value, "integration-value-1");
  EXPECT_EQ(first->properties.tags.at("keyId"), "integration");
  EXPECT_TRUE(first->properties.attributes.expires);

  auto versions = run(services_->key_vault().list_secret_versions(kVault, "integration-secret"));
  ASSERT_TRUE(versions) << versions.error().to_string();
  ASSERT_EQ(versions->size(), 2u);
  // Both versions were made within one second, Key Vault's time resolution, so
  // their order is not defined; both must be listed.
  std::set<std::string> listed{versions->front().version, versions->back().version};
  EXPECT_EQ(listed, (std::set<std::string>{stored->properties.version, second->properties.version}));

  auto missing = run(services_->key_vault().get_secret(kVault, "does-not-exist"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, azure::AzureErrorKind::not_found);
  // One challenge for the whole test: reads 1 + 1 + 1 + 1, writes 2, listing 1.
  EXPECT_EQ(count("GET secrets"), 1 + 4);
  EXPECT_EQ(count("PUT secrets"), 2);
  EXPECT_EQ(count("GET secrets/versions"), 1);
}

TEST_F(AzureClientsTest, GraphPasswordsGateTheRegistryLogin) {
  auto before = run(services_->graph().list_passwords(kPullAppObjectId));
  ASSERT_TRUE(before) << before.error().to_string();
  const auto seeded = before->size();

  auto added = run(services_->graph().add_password(kPullAppObjectId, {"aci-operator integration", {}, {}}));
  ASSERT_TRUE(added) << added.error().to_string();
  EXPECT_FALSE(added->secret_text.empty());
  EXPECT_FALSE(added->key_id.empty());
  auto listed = run(services_->graph().list_passwords(kPullAppObjectId));
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), seeded + 1);
  for (const auto& password : *listed) EXPECT_TRUE(password.secret_text.empty());

  // The new password works once it has propagated...
  EXPECT_TRUE(probe_until(kPullAppId, added->secret_text, azure::AcrLoginResult::ok));
  auto wrong = run(services_->acr().login_probe(kRegistry, kPullAppId, "definitely-wrong-password"));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(*wrong, azure::AcrLoginResult::unauthorized);

  // ...and stops working once its removal has.
  ASSERT_TRUE(run(services_->graph().remove_password(kPullAppObjectId, added->key_id)));
  EXPECT_TRUE(probe_until(kPullAppId, added->secret_text, azure::AcrLoginResult::unauthorized));
  auto after = run(services_->graph().list_passwords(kPullAppObjectId));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->size(), seeded);
  EXPECT_EQ(log_.str().find(added->secret_text), std::string::npos);
}

TEST_F(AzureClientsTest, ArmCreatesFollowsListsAndDeletesAContainerGroup) {
  const auto [user, password] = pull_credentials();
  ASSERT_FALSE(password.empty());
  const azure::ContainerGroupRef group{kSubscription, kResourceGroup, "integration-hello"};

  auto put = run(services_->arm().put_container_group(group, container_group_body(user, password)));
  ASSERT_TRUE(put) << put.error().to_string();
  EXPECT_EQ(put->status, 201u);
  EXPECT_FALSE(put->operation.done);
  auto outcome = run(services_->arm().wait_for_operation(put->operation, 60s));
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_EQ(outcome->status, "Succeeded") << outcome->error_code << ": " << outcome->error_message;
  EXPECT_EQ(outcome->resource["properties"]["provisioningState"], "Succeeded");

  auto got = run(services_->arm().get_container_group(group));
  ASSERT_TRUE(got) << got.error().to_string();
  EXPECT_EQ((*got)["name"], "integration-hello");
  // ARM never returns the registry password.
  EXPECT_FALSE((*got)["properties"]["imageRegistryCredentials"][0].contains("password"));

  auto patched = run(services_->arm().patch_container_group_tags(group, {{"acioperator.io/owner", "someone"}}));
  ASSERT_TRUE(patched) << patched.error().to_string();
  EXPECT_EQ((*patched)["tags"]["acioperator.io/owner"], "someone");

  auto listed = run(services_->arm().list_container_groups(kSubscription, kResourceGroup));
  ASSERT_TRUE(listed) << listed.error().to_string();
  bool found = false;
  for (const auto& item : *listed) found = found || item["name"] == "integration-hello";
  EXPECT_TRUE(found);

  auto removed = run(services_->arm().delete_container_group(group));
  ASSERT_TRUE(removed) << removed.error().to_string();
  auto deleted = run(services_->arm().wait_for_operation(removed->operation, 60s));
  ASSERT_TRUE(deleted) << deleted.error().to_string();
  EXPECT_TRUE(deleted->succeeded());
  auto gone = run(services_->arm().get_container_group(group));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, azure::AzureErrorKind::not_found);
  EXPECT_EQ(log_.str().find(password), std::string::npos);
}

TEST_F(AzureClientsTest, RetriesAThrottledListAfterItsRetryAfter) {
  ASSERT_EQ(admin("POST", "/_emulator/faults",
                  json{{"routes", json::array({{{"route", "GET containerGroups (list)"},
                                                {"errorRate", 1.0},
                                                {"status", 429},
                                                {"retryAfter", 1},
                                                {"count", 1}}})}})
                .status,
            200u);
  const auto started = std::chrono::steady_clock::now();
  auto listed = run(services_->arm().list_container_groups(kSubscription, kResourceGroup));
  ASSERT_TRUE(listed) << listed.error().to_string();
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1s);
  EXPECT_EQ(count("GET containerGroups (list)"), 2);
  EXPECT_EQ(metric("aci_operator_azure_throttled_total", {{"service", "arm"}}), 1);
  EXPECT_EQ(metric("aci_operator_azure_requests_total",
                   {{"service", "arm"}, {"operation", "containerGroups.list"}, {"code", "429"}}),
            1);
}

TEST_F(AzureClientsTest, RetriesServerErrorsOnReadsButNotOnWrites) {
  ASSERT_EQ(admin("POST", "/_emulator/faults",
                  json{{"routes", json::array({{{"route", "GET containerGroups (list)"},
                                                {"errorRate", 1.0},
                                                {"status", 500},
                                                {"count", 2}}})}})
                .status,
            200u);
  auto listed = run(services_->arm().list_container_groups(kSubscription, kResourceGroup));
  ASSERT_TRUE(listed) << listed.error().to_string();
  EXPECT_EQ(count("GET containerGroups (list)"), 3);

  const auto [user, password] = pull_credentials();
  ASSERT_EQ(admin("POST", "/_emulator/faults",
                  json{{"routes", json::array({{{"route", "PUT containerGroups"},
                                                {"errorRate", 1.0},
                                                {"status", 500},
                                                {"count", 1}}})}})
                .status,
            200u);
  auto put = run(services_->arm().put_container_group({kSubscription, kResourceGroup, "integration-500"},
                                                       container_group_body(user, password)));
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, azure::AzureErrorKind::server);
  EXPECT_EQ(count("PUT containerGroups"), 1);
}

TEST_F(AzureClientsTest, NoSecretValueAppearsInTheLog) {
  const auto [user, password] = pull_credentials();
  ASSERT_FALSE(password.empty());
  auto token = run(services_->tokens().token(kArmScope));
  ASSERT_TRUE(token);
  auto added = run(services_->graph().add_password(kPullAppObjectId, {"aci-operator log check", {}, {}}));
  ASSERT_TRUE(added);
  ASSERT_TRUE(run(services_->key_vault().set_secret(kVault, "log-check", added->secret_text, {})));
  // Failures are logged too: a refused registry login and a throttled, retried read.
  ASSERT_TRUE(run(services_->acr().login_probe(kRegistry, user, "wrong-" + password)));
  ASSERT_EQ(admin("POST", "/_emulator/faults",
                  json{{"routes", json::array({{{"route", "keyvault"}, {"errorRate", 1.0}, {"status", 503},
                                                {"count", 1}}})}})
                .status,
            200u);
  ASSERT_TRUE(run(services_->key_vault().get_secret(kVault, "log-check")));
  ASSERT_TRUE(run(services_->graph().remove_password(kPullAppObjectId, added->key_id)));
  services_->shutdown();

  const auto text = log_.str();
  ASSERT_FALSE(text.empty());
  EXPECT_NE(text.find("request_id"), std::string::npos);
  for (const auto& secret : {kOperatorSecret, password, added->secret_text, token->token})
    EXPECT_EQ(text.find(secret), std::string::npos) << "a secret leaked into the log";
  EXPECT_EQ(log_.str().find("wrong-" + password), std::string::npos);
}

}  // namespace
}  // namespace aci::testing
