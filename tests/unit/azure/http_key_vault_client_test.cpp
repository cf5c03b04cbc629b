#include "daemon/azure/http_key_vault_client.hpp"

#include <gtest/gtest.h>

#include "tests/unit/azure/azure_fixture.hpp"

namespace aci::azure {
namespace {

using test::answer;
using json = nlohmann::json;

const std::string kChallenge =
    R"(Bearer authorization="https://login.microsoftonline.com/tenant-1", resource="https://vault.azure.net")";

json bundle(const std::string& value, const std::string& version, std::int64_t created) {
  return json{{"value", value},
              {"id", "https://myvault.vault.azure.net/secrets/pull-pwd/" + version},
              {"contentType", "text/plain"},
              {"tags", {{"keyId", "k1"}}},
              {"attributes", {{"enabled", true}, {"created", created}, {"exp", 1800000000}}}};
}

class HttpKeyVaultClientTest : public test::AzureFixture {
 protected:
  void SetUp() override {
    pipeline_ = make_pipeline(&tokens_);
    client_ = std::make_unique<HttpKeyVaultClient>(
        *pipeline_, KeyVaultClientOptions{"https://127.0.0.1:8443/keyvault/{vault}", "https://vault.azure.net", "7.5"});
    // The emulated vault: a challenge without a token, the secret with one.
    transport_.set_handler([](const http::Request& request, std::size_t) {
      if (request.headers.find(boost::beast::http::field::authorization) == request.headers.end())
        return answer(401, R"({"error":{"code":"Unauthorized","message":"AKV10000"}})",
                      {{"WWW-Authenticate", kChallenge}});
      if (request.method == boost::beast::http::verb::put) {
        const auto body = json::parse(request.body);
        auto reply = bundle(body["value"], "v9", 1767225600);
        reply["tags"] = body.value("tags", json::object());
        return answer(200, reply.dump());
      }
      return answer(200, bundle("s3cret-value-1", "abc123", 1767225600).dump());
    });
  }

  std::unique_ptr<AzurePipeline> pipeline_;
  std::unique_ptr<HttpKeyVaultClient> client_;
};

TEST_F(HttpKeyVaultClientTest, LearnsTheScopeFromTheChallengeOncePerVault) {
  auto secret = run(client_->get_secret("myvault", "pull-pwd"));
  ASSERT_TRUE(secret) << secret.error().to_string();
  EXPECT_EQ(secret->value, "s3cret-value-1");
  EXPECT_EQ(secret->properties.name, "pull-pwd");
  EXPECT_EQ(secret->properties.version, "abc123");
  EXPECT_EQ(secret->properties.tags.at("keyId"), "k1");
  EXPECT_EQ(secret->properties.attributes.expires, core::WallTime(std::chrono::seconds(1800000000)));
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].header("Authorization"), "");
  EXPECT_EQ(transport_.sent[1].header("Authorization"), "Bearer token-https://vault.azure.net/.default-1");
  EXPECT_EQ(transport_.sent[1].request.url, "https://127.0.0.1:8443/keyvault/myvault/secrets/pull-pwd?api-version=7.5");
  EXPECT_EQ(client_->cached_scope("myvault"), "https://vault.azure.net/.default");

  ASSERT_TRUE(run(client_->get_secret("myvault", "pull-pwd", "abc123")));
  EXPECT_EQ(transport_.sent.size(), 3u);  // no second challenge
  EXPECT_EQ(transport_.sent[2].request.url,
            "https://127.0.0.1:8443/keyvault/myvault/secrets/pull-pwd/abc123?api-version=7.5");
}

TEST_F(HttpKeyVaultClientTest, SetSendsTheBodyOnlyWithTheToken) {
  SetSecretOptions options;
  options.content_type = "text/plain";
  options.tags = {{"keyId", "k2"}};
  options.expires = core::WallTime(std::chrono::seconds(1800000000));
  auto stored = run(client_->set_secret("myvault", "pull-pwd", "new-secret-value", options));
  ASSERT_TRUE(stored) << stored.error().to_string();
  EXPECT_EQ(stored->properties.version, "v9");
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_TRUE(transport_.sent[0].request.body.empty());
  const auto body = json::parse(transport_.sent[1].request.body);
  EXPECT_EQ(body["value"], "new-secret-value");
  EXPECT_EQ(body["attributes"]["exp"], 1800000000);
  EXPECT_EQ(body["tags"]["keyId"], "k2");
}

TEST_F(HttpKeyVaultClientTest, SecretValuesNeverReachTheLog) {
  auto secret = run(client_->get_secret("myvault", "pull-pwd"));
  ASSERT_TRUE(secret);
  ASSERT_TRUE(run(client_->set_secret("myvault", "pull-pwd", "another-secret-value", {})));
  logger_.error("oops", {{"value", secret->value}, {"other", "another-secret-value"}});
  EXPECT_EQ(log_text().find("s3cret-value-1"), std::string::npos);
  EXPECT_EQ(log_text().find("another-secret-value"), std::string::npos);
}

TEST_F(HttpKeyVaultClientTest, ListsVersionsAcrossPagesOldestFirst) {
  transport_.set_handler([](const http::Request& request, std::size_t) {
    if (request.headers.find(boost::beast::http::field::authorization) == request.headers.end())
      return answer(401, "", {{"WWW-Authenticate", kChallenge}});
    const std::string base = "https://127.0.0.1:8443/keyvault/myvault";
    auto item = [](const std::string& version, std::int64_t created) {
      auto b = bundle("", version, created);
      b.erase("value");
      return b;
    };
    if (request.url.find("skiptoken=2") != std::string::npos)
      return answer(200, json{{"value", json::array()}, {"nextLink", base + "/secrets/pull-pwd/versions?skiptoken=3"}}.dump());
    if (request.url.find("skiptoken=3") != std::string::npos)
      return answer(200, json{{"value", json::array({item("c", 100)})}, {"nextLink", nullptr}}.dump());
    return answer(200, json{{"value", json::array({item("b", 300), item("a", 200)})},
                            {"nextLink", base + "/secrets/pull-pwd/versions?skiptoken=2"}}
                           .dump());
  });
  auto versions = run(client_->list_secret_versions("myvault", "pull-pwd"));
  ASSERT_TRUE(versions) << versions.error().to_string();
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].version, "c");
  EXPECT_EQ((*versions)[1].version, "a");
  EXPECT_EQ((*versions)[2].version, "b");
}

TEST_F(HttpKeyVaultClientTest, RefusesAChallengeForAnotherAudience) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(401, "", {{"WWW-Authenticate", R"(Bearer authorization="https://x/t", resource="https://evil.example")"}});
  });
  auto secret = run(client_->get_secret("myvault", "pull-pwd"));
  ASSERT_FALSE(secret);
  EXPECT_EQ(secret.error().kind, AzureErrorKind::unauthorized);
  EXPECT_NE(secret.error().message.find("evil.example"), std::string::npos);
  EXPECT_EQ(tokens_.calls, 0);
}

TEST_F(HttpKeyVaultClientTest, MissingSecretIsNotFoundAndBadNamesNeverLeave) {
  transport_.set_handler([](const http::Request& request, std::size_t) {
    if (request.headers.find(boost::beast::http::field::authorization) == request.headers.end())
      return answer(401, "", {{"WWW-Authenticate", kChallenge}});
    return answer(404, R"({"error":{"code":"SecretNotFound","message":"A secret with (name/id) x was not found"}})");
  });
  auto missing = run(client_->get_secret("myvault", "nope"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, AzureErrorKind::not_found);
  EXPECT_EQ(missing.error().code, "SecretNotFound");
  const auto sent = transport_.sent.size();
  EXPECT_FALSE(run(client_->get_secret("my/vault", "x")));
  EXPECT_FALSE(run(client_->get_secret("myvault", "../keys")));
  EXPECT_EQ(transport_.sent.size(), sent);
}

}  // namespace
}  // namespace aci::azure
