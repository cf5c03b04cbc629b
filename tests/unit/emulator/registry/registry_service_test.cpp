#include "emulator/registry/registry_service.hpp"

#include <gtest/gtest.h>

#include "daemon/crypto/base64.hpp"
#include "daemon/crypto/certificate.hpp"
#include "emulator/iso_time.hpp"

namespace aci::emulator {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;
using nlohmann::json;

crypto::KeyAndCertificate registry_signing_key() {
  static const crypto::KeyAndCertificate key = [] {
    auto ca = crypto::make_certificate_authority("acr test CA", std::chrono::hours(24 * 365 * 30));
    return *crypto::make_leaf_certificate(*ca, "signing", {}, {}, std::chrono::hours(24 * 365 * 30));
  }();
  return key;
}

class RegistryServiceTest : public ::testing::Test {
 protected:
  RegistryServiceTest()
      : directory_(now(), random_, 0s), tokens_(now(), random_, registry_signing_key()),
        registries_(now(), directory_, tokens_) {
    EXPECT_TRUE(directory_.add_tenant({"t1", {}}));
    EXPECT_TRUE(registries_.seed(json::parse(R"([{"name":"myregistry","subscription":"s1","resourceGroup":"rg",
        "images":["aci-helloworld:v1", {"repository":"team/api","tags":["1.0","2.0"]}]}])")));
    Application puller;
    puller.app_id = "pull-app";
    EXPECT_TRUE(directory_.add_application(puller));
    Application other;
    other.app_id = "other-app";
    EXPECT_TRUE(directory_.add_application(other));
    pull_secret_ = directory_.add_password(*directory_.application_by_app_id("pull-app"), false, "p").secret_text;
    other_secret_ = directory_.add_password(*directory_.application_by_app_id("other-app"), false, "p").secret_text;
    directory_.add_role_assignment(directory_.application_by_app_id("pull-app")->service_principal_id, "AcrPull",
                                   registries_.find("myregistry")->resource_id);
    EXPECT_TRUE(directory_.add_managed_identity({"t1", "mi", "mi-client", "mi-principal", "/subscriptions/s1/mi"}));
    directory_.add_role_assignment("mi-principal", "AcrPull", "/subscriptions/s1/resourceGroups/rg");
  }

  NowFunction now() {
    return [this] { return now_; };
  }

  http::response<http::string_body> call(http::verb method, const std::string& path, const std::string& authorization = "",
                                         const std::string& form = "") {
    http::request<http::string_body> request{method, path, 11};
    request.set(http::field::host, "myregistry.azurecr.io");
    if (!authorization.empty()) request.set(http::field::authorization, authorization);
    if (!form.empty()) {
      request.set(http::field::content_type, "application/x-www-form-urlencoded");
      request.body() = form;
    }
    return registries_.handle("myregistry.azurecr.io", path, request);
  }

  static std::string basic(const std::string& user, const std::string& password) {
    return "Basic " + crypto::base64_encode(user + ":" + password);
  }

  TimePoint now_ = *parse_iso8601("2025-01-01T00:00:00Z");
  RandomSource random_{8};
  Directory directory_;
  TokenService tokens_;
  RegistryService registries_;
  std::string pull_secret_;
  std::string other_secret_;
};

TEST_F(RegistryServiceTest, V2WithoutCredentialsIsAChallenge) {
  auto response = call(http::verb::get, "/v2/");
  EXPECT_EQ(response.result_int(), 401u);
  EXPECT_EQ(response[http::field::www_authenticate],
            "Bearer realm=\"https://myregistry.azurecr.io/oauth2/token\",service=\"myregistry.azurecr.io\"");
  EXPECT_EQ(json::parse(response.body())["errors"][0]["code"], "UNAUTHORIZED");
}

TEST_F(RegistryServiceTest, BasicAuthNeedsAValidPasswordAndAPullRole) {
  EXPECT_EQ(call(http::verb::get, "/v2/", basic("pull-app", pull_secret_)).result_int(), 200u);
  EXPECT_EQ(call(http::verb::get, "/v2/", basic("pull-app", "wrong")).result_int(), 401u);
  EXPECT_EQ(call(http::verb::get, "/v2/", basic("other-app", other_secret_)).result_int(), 401u);
}

TEST_F(RegistryServiceTest, RemovedPasswordStopsWorkingAfterPropagation) {
  directory_.set_propagation_delay(5s);
  now_ += 5s;
  auto& app = *directory_.application_by_app_id("pull-app");
  ASSERT_TRUE(directory_.remove_password(app, false, app.passwords.front().key_id));
  EXPECT_EQ(call(http::verb::get, "/v2/", basic("pull-app", pull_secret_)).result_int(), 200u);
  now_ += 5s;
  EXPECT_EQ(call(http::verb::get, "/v2/", basic("pull-app", pull_secret_)).result_int(), 401u);
}

TEST_F(RegistryServiceTest, TokenFlowGrantsPullOnTheRepository) {
  auto token = call(http::verb::get, "/oauth2/token?service=myregistry.azurecr.io&scope=repository:team/api:pull",
                    basic("pull-app", pull_secret_));
  ASSERT_EQ(token.result_int(), 200u) << token.body();
  const auto access = json::parse(token.body())["access_token"].get<std::string>();
  auto manifest = call(http::verb::get, "/v2/team/api/manifests/2.0", "Bearer " + access);
  ASSERT_EQ(manifest.result_int(), 200u) << manifest.body();
  EXPECT_EQ(manifest[http::field::content_type], "application/vnd.docker.distribution.manifest.v2+json");
  const std::string digest(manifest["Docker-Content-Digest"]);
  EXPECT_EQ(digest.rfind("sha256:", 0), 0u);
  EXPECT_EQ(call(http::verb::head, "/v2/team/api/manifests/" + digest, "Bearer " + access).result_int(), 200u);
  EXPECT_EQ(call(http::verb::get, "/v2/team/api/manifests/3.0", "Bearer " + access).result_int(), 404u);
  EXPECT_EQ(call(http::verb::get, "/v2/aci-helloworld/manifests/v1", "Bearer " + access).result_int(), 401u)
      << "the token names another repository";
}

TEST_F(RegistryServiceTest, TokenForACallerWithoutRoleGrantsNothing) {
  auto token = call(http::verb::get, "/oauth2/token?service=myregistry.azurecr.io&scope=repository:team/api:pull",
                    basic("other-app", other_secret_));
  ASSERT_EQ(token.result_int(), 200u);
  const auto access = json::parse(token.body())["access_token"].get<std::string>();
  EXPECT_EQ(call(http::verb::get, "/v2/team/api/manifests/1.0", "Bearer " + access).result_int(), 401u);
}

TEST_F(RegistryServiceTest, EntraTokenExchangeThenRefreshTokenGrant) {
  const auto* app = directory_.application_by_app_id("pull-app");
  const auto entra = *tokens_.issue(Principal{"t1", app->app_id, app->service_principal_id, {}},
                                    "https://management.azure.com/.default", 3600s);
  auto exchanged = call(http::verb::post, "/oauth2/exchange", "",
                        "grant_type=access_token&service=myregistry.azurecr.io&tenant=t1&access_token=" + entra);
  ASSERT_EQ(exchanged.result_int(), 200u) << exchanged.body();
  const auto refresh = json::parse(exchanged.body())["refresh_token"].get<std::string>();
  auto token = call(http::verb::post, "/oauth2/token", "",
                    "grant_type=refresh_token&service=myregistry.azurecr.io&scope=repository:aci-helloworld:pull&refresh_token=" +
                        refresh);
  ASSERT_EQ(token.result_int(), 200u) << token.body();
  const auto access = json::parse(token.body())["access_token"].get<std::string>();
  EXPECT_EQ(call(http::verb::get, "/v2/aci-helloworld/manifests/v1", "Bearer " + access).result_int(), 200u);
  EXPECT_EQ(call(http::verb::get, "/v2/", basic("00000000-0000-0000-0000-000000000000", refresh)).result_int(), 200u);
  EXPECT_EQ(call(http::verb::post, "/oauth2/exchange", "", "grant_type=access_token&access_token=garbage").result_int(), 401u);
}

TEST_F(RegistryServiceTest, PullCheckFollowsCredentialsRolesAndImages) {
  const std::string image = "myregistry.azurecr.io/aci-helloworld:v1";
  EXPECT_FALSE(registries_.check(image, {{"myregistry.azurecr.io", "pull-app", pull_secret_, ""}}));
  EXPECT_FALSE(registries_.check(image, {{"MyRegistry.azurecr.io", "", "", "/subscriptions/s1/mi"}}));
  auto wrong = registries_.check(image, {{"myregistry.azurecr.io", "pull-app", "wrong", ""}});
  ASSERT_TRUE(wrong);
  EXPECT_NE(wrong->find("Failed to pull image \"" + image + "\""), std::string::npos);
  EXPECT_NE(wrong->find("401 Unauthorized"), std::string::npos);
  EXPECT_TRUE(registries_.check(image, {}));
  EXPECT_TRUE(registries_.check(image, {{"myregistry.azurecr.io", "other-app", other_secret_, ""}}));
  auto missing = registries_.check("myregistry.azurecr.io/aci-helloworld:v9", {{"myregistry.azurecr.io", "pull-app", pull_secret_, ""}});
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->find("not found"), std::string::npos);
  EXPECT_FALSE(registries_.check("mcr.microsoft.com/azuredocs/aci-helloworld:latest", {}));
  EXPECT_FALSE(registries_.check("nginx", {}));
}

TEST_F(RegistryServiceTest, SaveAndLoadKeepImages) {
  const auto state = registries_.save();
  RegistryService restored(now(), directory_, tokens_);
  ASSERT_TRUE(restored.load(state));
  EXPECT_EQ(restored.save(), state);
  EXPECT_FALSE(restored.load(json::parse(R"([{"name":1}])")));
}

TEST_F(RegistryServiceTest, SeedRejectsBadNamesAndDuplicates) {
  EXPECT_FALSE(registries_.seed(json::parse(R"([{"name":"my-registry!"}])")));
  EXPECT_FALSE(registries_.seed(json::parse(R"([{"name":"myregistry"}])")));
  EXPECT_FALSE(registries_.seed(json::parse(R"({"name":"x"})")));
}

}  // namespace
}  // namespace aci::emulator
