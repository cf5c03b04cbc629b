#include "emulator/graph/graph_service.hpp"

#include <gtest/gtest.h>

#include "daemon/crypto/certificate.hpp"
#include "emulator/identity/token_service.hpp"
#include "emulator/iso_time.hpp"

namespace aci::emulator {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;
using nlohmann::json;

crypto::KeyAndCertificate graph_signing_key() {
  static const crypto::KeyAndCertificate key = [] {
    auto ca = crypto::make_certificate_authority("graph test CA", std::chrono::hours(24 * 365 * 30));
    return *crypto::make_leaf_certificate(*ca, "signing", {}, {}, std::chrono::hours(24 * 365 * 30));
  }();
  return key;
}

class GraphServiceTest : public ::testing::Test {
 protected:
  GraphServiceTest()
      : directory_(now(), random_, 5s), tokens_(now(), random_, graph_signing_key()),
        graph_(now(), random_, directory_, tokens_) {
    EXPECT_TRUE(directory_.add_tenant({"t1", {}}));
    Application target;
    target.display_name = "pull";
    target.app_id = "pull-app";
    target.object_id = "pull-object";
    EXPECT_TRUE(directory_.add_application(target));
    Application manager;
    manager.display_name = "operator";
    manager.app_id = "op-app";
    manager.service_principal_id = "op-sp";
    manager.graph_app_roles = {"Application.ReadWrite.OwnedBy"};
    EXPECT_TRUE(directory_.add_application(manager));
    directory_.application_by_app_id("pull-app")->owners.push_back("op-sp");
    Application stranger;
    stranger.app_id = "stranger-app";
    stranger.service_principal_id = "stranger-sp";
    EXPECT_TRUE(directory_.add_application(stranger));
  }

  NowFunction now() {
    return [this] { return now_; };
  }

  std::string token_for(const std::string& app_id, const std::string& audience = "https://graph.microsoft.com") {
    auto* app = directory_.application_by_app_id(app_id);
    return *tokens_.issue(Principal{"t1", app->app_id, app->service_principal_id, app->graph_app_roles}, audience, 3600s);
  }

  http::response<http::string_body> call(http::verb method, const std::string& target, const std::string& body = "",
                                         const std::string& app = "op-app") {
    http::request<http::string_body> request{method, target, 11};
    if (!app.empty()) request.set(http::field::authorization, "Bearer " + token_for(app));
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    request.body() = body;
    return graph_.handle(request, parse_request_target(target));
  }

  TimePoint now_ = *parse_iso8601("2025-01-01T00:00:00Z");
  RandomSource random_{5};
  Directory directory_;
  TokenService tokens_;
  GraphService graph_;
};

TEST_F(GraphServiceTest, AddPasswordReturnsSecretTextOnceAndListsItWithoutIt) {
  auto added = call(http::verb::post, "/v1.0/applications/pull-object/addPassword",
                    R"({"passwordCredential":{"displayName":"rotated 1","endDateTime":"2025-07-01T00:00:00Z"}})");
  ASSERT_EQ(added.result_int(), 200u) << added.body();
  auto credential = json::parse(added.body());
  const auto secret = credential["secretText"].get<std::string>();
  EXPECT_GE(secret.size(), 16u);
  EXPECT_EQ(credential["hint"], secret.substr(0, 3));
  EXPECT_EQ(credential["endDateTime"], "2025-07-01T00:00:00Z");
  EXPECT_EQ(credential["startDateTime"], "2025-01-01T00:00:00Z");

  auto listed = call(http::verb::get, "/v1.0/applications(appId='pull-app')?$select=id,appId,passwordCredentials");
  ASSERT_EQ(listed.result_int(), 200u) << listed.body();
  auto app = json::parse(listed.body());
  EXPECT_FALSE(app.contains("displayName")) << "$select limits the fields";
  ASSERT_EQ(app["passwordCredentials"].size(), 1u);
  EXPECT_TRUE(app["passwordCredentials"][0]["secretText"].is_null());
  EXPECT_EQ(listed.body().find(secret), std::string::npos);

  EXPECT_FALSE(directory_.check_password("pull-app", secret)) << "not before the propagation delay";
  now_ += 5s;
  EXPECT_TRUE(directory_.check_password("pull-app", secret));
}

TEST_F(GraphServiceTest, RemovePasswordAnswers204AndHidesTheCredential) {
  auto added = json::parse(call(http::verb::post, "/v1.0/applications(appId='pull-app')/addPassword", "{}").body());
  auto removed = call(http::verb::post, "/v1.0/applications/pull-object/removePassword",
                      json{{"keyId", added["keyId"]}}.dump());
  EXPECT_EQ(removed.result_int(), 204u);
  auto app = json::parse(call(http::verb::get, "/v1.0/applications/pull-object").body());
  EXPECT_TRUE(app["passwordCredentials"].empty());
  EXPECT_EQ(call(http::verb::post, "/v1.0/applications/pull-object/removePassword",
                 json{{"keyId", added["keyId"]}}.dump()).result_int(), 400u);
}

TEST_F(GraphServiceTest, ServicePrincipalPasswordsAreSeparate) {
  const auto sp = directory_.application_by_app_id("pull-app")->service_principal_id;
  auto added = call(http::verb::post, "/v1.0/servicePrincipals/" + sp + "/addPassword", "{}");
  ASSERT_EQ(added.result_int(), 200u) << added.body();
  EXPECT_EQ(json::parse(call(http::verb::get, "/v1.0/servicePrincipals(appId='pull-app')").body())["passwordCredentials"].size(), 1u);
  EXPECT_TRUE(json::parse(call(http::verb::get, "/v1.0/applications/pull-object").body())["passwordCredentials"].empty());
}

TEST_F(GraphServiceTest, NonOwnerIsDenied) {
  auto response = call(http::verb::post, "/v1.0/applications/pull-object/addPassword", "{}", "stranger-app");
  EXPECT_EQ(response.result_int(), 403u);
  EXPECT_EQ(json::parse(response.body())["error"]["code"], "Authorization_RequestDenied");
}

TEST_F(GraphServiceTest, MissingOrForeignTokenIs401) {
  auto missing = call(http::verb::get, "/v1.0/applications/pull-object", "", "");
  EXPECT_EQ(missing.result_int(), 401u);
  EXPECT_EQ(json::parse(missing.body())["error"]["code"], "InvalidAuthenticationToken");
  http::request<http::string_body> request{http::verb::get, "/v1.0/applications/pull-object", 11};
  request.set(http::field::authorization, "Bearer " + token_for("op-app", "https://vault.azure.net"));
  EXPECT_EQ(graph_.handle(request, parse_request_target(request.target())).result_int(), 401u);
}

TEST_F(GraphServiceTest, UnknownApplicationIs404) {
  auto response = call(http::verb::get, "/v1.0/applications/nope");
  EXPECT_EQ(response.result_int(), 404u);
  EXPECT_EQ(json::parse(response.body())["error"]["code"], "Request_ResourceNotFound");
}

TEST_F(GraphServiceTest, BadBodiesGet4xx) {
  EXPECT_EQ(call(http::verb::post, "/v1.0/applications/pull-object/addPassword", "{not json").result_int(), 400u);
  EXPECT_EQ(call(http::verb::post, "/v1.0/applications/pull-object/addPassword",
                 R"({"passwordCredential":{"endDateTime":"yesterday"}})").result_int(), 400u);
  EXPECT_EQ(call(http::verb::post, "/v1.0/applications/pull-object/addPassword",
                 R"({"passwordCredential":{"startDateTime":"2025-02-01T00:00:00Z","endDateTime":"2025-01-15T00:00:00Z"}})")
                .result_int(), 400u);
  EXPECT_EQ(call(http::verb::post, "/v1.0/applications/pull-object/removePassword", "{}").result_int(), 400u);
  EXPECT_EQ(call(http::verb::post, "/v1.0/applications/pull-object/deleteEverything", "{}").result_int(), 400u);
}

TEST_F(GraphServiceTest, PersonalAccountAppsHoldAtMostTwoPasswords) {
  directory_.application_by_app_id("pull-app")->sign_in_audience = "AzureADandPersonalMicrosoftAccount";
  EXPECT_EQ(call(http::verb::post, "/v1.0/applications/pull-object/addPassword", "{}").result_int(), 200u);
  EXPECT_EQ(call(http::verb::post, "/v1.0/applications/pull-object/addPassword", "{}").result_int(), 200u);
  EXPECT_EQ(call(http::verb::post, "/v1.0/applications/pull-object/addPassword", "{}").result_int(), 400u);
}

TEST_F(GraphServiceTest, FilterFindsOwnedApplicationsByAppId) {
  auto response = call(http::verb::get, "/v1.0/applications?$filter=appId%20eq%20'pull-app'");
  ASSERT_EQ(response.result_int(), 200u) << response.body();
  auto value = json::parse(response.body())["value"];
  ASSERT_EQ(value.size(), 1u);
  EXPECT_EQ(value[0]["id"], "pull-object");
}

}  // namespace
}  // namespace aci::emulator
