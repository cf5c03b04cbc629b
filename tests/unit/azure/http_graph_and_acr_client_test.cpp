#include <gtest/gtest.h>

#include "daemon/azure/http_acr_client.hpp"
#include "daemon/azure/http_graph_client.hpp"
#include "daemon/core/iso8601.hpp"
#include "daemon/crypto/base64.hpp"
#include "tests/unit/azure/azure_fixture.hpp"

namespace aci::azure {
namespace {

using test::answer;
using json = nlohmann::json;
using verb = boost::beast::http::verb;

class HttpGraphClientTest : public test::AzureFixture {
 protected:
  void SetUp() override {
    pipeline_ = make_pipeline(&tokens_);
    client_ = std::make_unique<HttpGraphClient>(
        *pipeline_, GraphClientOptions{"https://graph.microsoft.com", "https://graph.microsoft.com/.default"});
  }
  std::unique_ptr<AzurePipeline> pipeline_;
  std::unique_ptr<HttpGraphClient> client_;
};

TEST_F(HttpGraphClientTest, ListsPasswordCredentials) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(200, R"({"id":"obj-1","passwordCredentials":[
      {"keyId":"k1","displayName":"aci-operator r1","hint":"Q~a","secretText":null,
       "startDateTime":"2026-01-01T00:00:00Z","endDateTime":"2026-07-01T00:00:00.0000000Z"}]})");
  });
  auto passwords = run(client_->list_passwords("obj-1"));
  ASSERT_TRUE(passwords) << passwords.error().to_string();
  ASSERT_EQ(passwords->size(), 1u);
  EXPECT_EQ((*passwords)[0].key_id, "k1");
  EXPECT_EQ((*passwords)[0].display_name, "aci-operator r1");
  EXPECT_TRUE((*passwords)[0].secret_text.empty());
  EXPECT_EQ((*passwords)[0].end, core::parse_iso8601("2026-07-01T00:00:00Z"));
  EXPECT_EQ(transport_.sent[0].request.url,
            "https://graph.microsoft.com/v1.0/applications/obj-1?$select=id,appId,passwordCredentials");
}

TEST_F(HttpGraphClientTest, AddPasswordIsNeverRepeatedAfterAServerError) {
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(503); });
  auto added = run(client_->add_password("obj-1", {"aci-operator r2", std::nullopt, std::nullopt}));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().kind, AzureErrorKind::server);
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(HttpGraphClientTest, AddPasswordReturnsTheSecretAndRedactsIt) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(200, R"({"keyId":"k2","displayName":"aci-operator r2","hint":"Q~x",
                           "secretText":"Q~xSuperSecretGraphText123","endDateTime":"2026-07-01T00:00:00Z"})");
  });
  const auto end = core::parse_iso8601("2026-07-01T00:00:00Z");
  auto added = run(client_->add_password("obj-1", {"aci-operator r2", std::nullopt, end}));
  ASSERT_TRUE(added) << added.error().to_string();
  EXPECT_EQ(added->secret_text, "Q~xSuperSecretGraphText123");
  const auto body = json::parse(transport_.sent[0].request.body);
  EXPECT_EQ(body["passwordCredential"]["displayName"], "aci-operator r2");
  EXPECT_EQ(body["passwordCredential"]["endDateTime"], "2026-07-01T00:00:00Z");
  EXPECT_EQ(transport_.sent[0].request.method, verb::post);
  logger_.info("x", {{"secret", added->secret_text}});
  EXPECT_EQ(log_text().find("Q~xSuperSecretGraphText123"), std::string::npos);
}

TEST_F(HttpGraphClientTest, RemovePasswordPostsTheKeyId) {
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(204); });
  ASSERT_TRUE(run(client_->remove_password("obj-1", "k1")));
  EXPECT_EQ(transport_.sent[0].request.url, "https://graph.microsoft.com/v1.0/applications/obj-1/removePassword");
  EXPECT_EQ(json::parse(transport_.sent[0].request.body), (json{{"keyId", "k1"}}));
}

class HttpAcrClientTest : public test::AzureFixture {};

TEST_F(HttpAcrClientTest, ProbesV2WithBasicAuth) {
  auto pipeline = make_pipeline();
  HttpAcrClient client(*pipeline, "https://127.0.0.1:8443/acr/{registry}");
  transport_.set_handler([](const http::Request& request, std::size_t) {
    const auto auth = std::string(request.headers[boost::beast::http::field::authorization]);
    return auth == "Basic " + crypto::base64_encode("app-id:right-password") ? answer(200, "{}")
                                                                              : answer(401, R"({"errors":[{"code":"UNAUTHORIZED"}]})");
  });
  auto ok = run(client.login_probe("MyReg.azurecr.io", "app-id", "right-password"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, AcrLoginResult::ok);
  EXPECT_EQ(transport_.sent[0].request.url, "https://127.0.0.1:8443/acr/myreg/v2/");
  auto refused = run(client.login_probe("myreg.azurecr.io", "app-id", "wrong-password"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, AcrLoginResult::unauthorized);
}

TEST_F(HttpAcrClientTest, AnOutageIsAnErrorNotAVerdict) {
  auto pipeline = make_pipeline();
  HttpAcrClient client(*pipeline, "https://{server}");
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(503); });
  auto probed = run(client.login_probe("myreg.azurecr.io", "app-id", "password-x"));
  ASSERT_FALSE(probed);
  EXPECT_EQ(probed.error().kind, AzureErrorKind::server);
  EXPECT_EQ(transport_.sent[0].request.url, "https://myreg.azurecr.io/v2/");
  EXPECT_FALSE(client.registry_url("evil.io/path"));
}

}  // namespace
}  // namespace aci::azure
