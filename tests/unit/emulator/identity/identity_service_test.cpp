#include "emulator/identity/identity_service.hpp"

#include <gtest/gtest.h>

#include "daemon/crypto/certificate.hpp"
#include "daemon/crypto/jwt.hpp"
#include "emulator/iso_time.hpp"

namespace aci::emulator {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;
using nlohmann::json;

const std::string kBase = "https://127.0.0.1:8443";

crypto::KeyAndCertificate signing_key() {
  static const crypto::KeyAndCertificate key = [] {
    auto ca = crypto::make_certificate_authority("identity test CA", std::chrono::hours(24 * 365 * 30));
    auto leaf = crypto::make_leaf_certificate(*ca, "token signing", {}, {}, std::chrono::hours(24 * 365 * 30));
    return *leaf;
  }();
  return key;
}

class IdentityServiceTest : public ::testing::Test {
 protected:
  IdentityServiceTest()
      : directory_(now(), random_, 0s),
        tokens_(now(), random_, signing_key()),
        service_(now(), random_, directory_, tokens_) {
    EXPECT_TRUE(directory_.add_tenant({"tenant-1", {"contoso.example"}}));
    Application app;
    app.app_id = "app-1";
    app.graph_app_roles = {"Application.ReadWrite.OwnedBy"};
    EXPECT_TRUE(directory_.add_application(app));
    secret_ = directory_.add_password(*directory_.application_by_app_id("app-1"), false, "p").secret_text;
    EXPECT_TRUE(directory_.add_managed_identity({"tenant-1", "mi", "mi-client", "mi-principal", "/subscriptions/s/mi"}));
  }

  NowFunction now() {
    return [this] { return now_; };
  }

  http::response<http::string_body> post_token(const std::string& tenant, const std::string& body,
                                               const std::string& content_type = "application/x-www-form-urlencoded") {
    http::request<http::string_body> request{http::verb::post, "/" + tenant + "/oauth2/v2.0/token", 11};
    request.set(http::field::content_type, content_type);
    request.body() = body;
    return service_.handle(request, parse_request_target(request.target()), kBase);
  }

  http::response<http::string_body> get(const std::string& target, bool metadata = false) {
    http::request<http::string_body> request{http::verb::get, target, 11};
    if (metadata) request.set("Metadata", "true");
    return service_.handle(request, parse_request_target(target), kBase);
  }

  std::string secret_form(const std::string& secret, const std::string& scope = "https%3A%2F%2Fvault.azure.net%2F.default") {
    return "grant_type=client_credentials&client_id=app-1&client_secret=" + percent_encode(secret) + "&scope=" + scope;
  }

  TimePoint now_ = *parse_iso8601("2025-01-01T00:00:00Z");
  RandomSource random_{3};
  Directory directory_;
  TokenService tokens_;
  IdentityService service_;
  std::string secret_;
};

TEST_F(IdentityServiceTest, ClientSecretGetsATokenForTheScopeResource) {
  auto response = post_token("tenant-1", secret_form(secret_));
  ASSERT_EQ(response.result_int(), 200u) << response.body();
  auto body = json::parse(response.body());
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_TRUE(body["expires_in"].is_number_integer());
  EXPECT_EQ(response[http::field::cache_control], "no-store, no-cache");
  auto claims = tokens_.validate_token(body["access_token"].get<std::string>(), "https://vault.azure.net");
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->app_id, "app-1");
  EXPECT_EQ(claims->tenant_id, "tenant-1");
  EXPECT_EQ(claims->audience, "https://vault.azure.net");
  auto decoded = crypto::jwt_decode(body["access_token"].get<std::string>());
  EXPECT_EQ(decoded->claims["roles"], json::array({"Application.ReadWrite.OwnedBy"}));
}

TEST_F(IdentityServiceTest, TokenIsRefusedForAnotherAudienceAndAfterExpiry) {
  auto body = json::parse(post_token("tenant-1", secret_form(secret_, "https://management.azure.com//.default")).body());
  const auto token = body["access_token"].get<std::string>();
  EXPECT_TRUE(tokens_.validate_token(token, "https://management.azure.com/"));
  EXPECT_TRUE(tokens_.validate_token(token, "https://management.core.windows.net/"));
  auto wrong = tokens_.validate_token(token, "https://vault.azure.net");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(), TokenProblem::wrong_audience);
  now_ += 3600s;
  auto expired = tokens_.validate_token(token, "https://management.azure.com");
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error(), TokenProblem::expired);
}

TEST_F(IdentityServiceTest, ValidatorReadsTheAuthorizationHeader) {
  auto token = json::parse(post_token("tenant-1", secret_form(secret_)).body())["access_token"].get<std::string>();
  http::request<http::string_body> request{http::verb::get, "/", 11};
  EXPECT_EQ(tokens_.validate(request, "https://vault.azure.net").error(), TokenProblem::missing);
  request.set(http::field::authorization, "Bearer garbage");
  EXPECT_EQ(tokens_.validate(request, "https://vault.azure.net").error(), TokenProblem::malformed);
  request.set(http::field::authorization, "Bearer " + token);
  EXPECT_TRUE(tokens_.validate(request, "https://vault.azure.net"));
  token[token.size() - 2] = token[token.size() - 2] == 'A' ? 'B' : 'A';
  request.set(http::field::authorization, "Bearer " + token);
  EXPECT_EQ(tokens_.validate(request, "https://vault.azure.net").error(), TokenProblem::bad_signature);
}

TEST_F(IdentityServiceTest, WrongSecretIsInvalidClientWithAadsts7000215) {
  auto response = post_token("tenant-1", secret_form("wrong"));
  EXPECT_EQ(response.result_int(), 401u);
  auto body = json::parse(response.body());
  EXPECT_EQ(body["error"], "invalid_client");
  EXPECT_EQ(body["error_codes"], json::array({7000215}));
  EXPECT_EQ(body["error_description"].get<std::string>().rfind("AADSTS7000215: ", 0), 0u);
  EXPECT_NE(body["error_description"].get<std::string>().find("Trace ID: "), std::string::npos);
  EXPECT_EQ(response.body().find("wrong"), std::string::npos) << "secrets are never echoed";
}

TEST_F(IdentityServiceTest, UnknownTenantIsAadsts90002) {
  auto response = post_token("other-tenant", secret_form(secret_));
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_EQ(json::parse(response.body())["error_codes"][0], 90002);
}

TEST_F(IdentityServiceTest, MissingCredentialIsAadsts7000218) {
  auto response = post_token("tenant-1", "grant_type=client_credentials&client_id=app-1&scope=https://vault.azure.net/.default");
  EXPECT_EQ(response.result_int(), 401u);
  EXPECT_EQ(json::parse(response.body())["error_codes"][0], 7000218);
}

TEST_F(IdentityServiceTest, ScopeWithoutDefaultSuffixIsInvalidScope) {
  auto response = post_token("tenant-1", secret_form(secret_, "https://vault.azure.net/read"));
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_EQ(json::parse(response.body())["error"], "invalid_scope");
}

TEST_F(IdentityServiceTest, OidcScopesBesideTheResourceAreIgnored) {
  auto response = post_token("tenant-1", secret_form(secret_, "https://graph.microsoft.com/.default+openid+offline_access"));
  EXPECT_EQ(response.result_int(), 200u) << response.body();
}

TEST_F(IdentityServiceTest, WrongContentTypeAndGrantTypeAreRefused) {
  EXPECT_EQ(post_token("tenant-1", "{}", "application/json").result_int(), 400u);
  auto response = post_token("tenant-1", "grant_type=password&client_id=app-1");
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_EQ(json::parse(response.body())["error"], "unsupported_grant_type");
}

TEST_F(IdentityServiceTest, CertificateAssertionForTheEmulatorTokenEndpointWorks) {
  auto ca = crypto::make_certificate_authority("client CA", std::chrono::hours(24 * 365 * 30));
  auto client = crypto::make_leaf_certificate(*ca, "client", {}, {}, std::chrono::hours(24 * 365 * 30));
  auto registered = directory_.add_certificate(*directory_.application_by_app_id("app-1"), client->certificate_pem);
  ASSERT_TRUE(registered);
  const auto now = unix_seconds(now_);
  auto assertion = crypto::jwt_sign({{"x5t", (*registered)->thumbprint_sha1}},
                                    {{"iss", "app-1"}, {"sub", "app-1"}, {"aud", kBase + "/contoso.example/oauth2/v2.0/token"},
                                     {"jti", "1"}, {"nbf", now}, {"exp", now + 300}},
                                    client->key_pem);
  auto response = post_token("contoso.example",
                             "grant_type=client_credentials&client_id=app-1&scope=https%3A%2F%2Fvault.azure.net%2F.default"
                             "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                             "&client_assertion=" + *assertion);
  EXPECT_EQ(response.result_int(), 200u) << response.body();
}

TEST_F(IdentityServiceTest, OpenIdConfigurationPointsBackAtTheEmulator) {
  auto response = get("/tenant-1/v2.0/.well-known/openid-configuration");
  ASSERT_EQ(response.result_int(), 200u);
  auto body = json::parse(response.body());
  EXPECT_EQ(body["token_endpoint"], kBase + "/tenant-1/oauth2/v2.0/token");
  EXPECT_EQ(body["issuer"], kBase + "/tenant-1/v2.0");
  auto keys = json::parse(get("/tenant-1/discovery/v2.0/keys").body());
  EXPECT_EQ(keys["keys"][0]["kty"], "RSA");
  EXPECT_EQ(get("/nope/v2.0/.well-known/openid-configuration").result_int(), 400u);
}

TEST_F(IdentityServiceTest, InstanceDiscoveryNamesTheAuthorityHostAsItsOwnAlias) {
  auto response = get("/common/discovery/instance?api-version=1.1&authorization_endpoint=https%3A%2F%2F127.0.0.1%3A9%2Ftenant-1%2Foauth2%2Fv2.0%2Fauthorize");
  auto body = json::parse(response.body());
  EXPECT_EQ(body["metadata"][0]["aliases"], json::array({"127.0.0.1:9"}));
  EXPECT_EQ(body["tenant_discovery_endpoint"], "https://127.0.0.1:9/tenant-1/v2.0/.well-known/openid-configuration");
}

TEST_F(IdentityServiceTest, ImdsNeedsTheMetadataHeaderAndAnswersWithStringNumbers) {
  const std::string target = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/";
  auto refused = get(target);
  EXPECT_EQ(refused.result_int(), 400u);
  EXPECT_EQ(json::parse(refused.body())["error_description"], "Required metadata header not specified");
  auto response = get(target + "&client_id=mi-client", true);
  ASSERT_EQ(response.result_int(), 200u) << response.body();
  auto body = json::parse(response.body());
  EXPECT_EQ(body["expires_in"], "86399");
  EXPECT_TRUE(body["expires_on"].is_string());
  EXPECT_EQ(body["resource"], "https://management.azure.com/");
  auto claims = tokens_.validate_token(body["access_token"].get<std::string>(), "https://management.azure.com");
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->object_id, "mi-principal");
  EXPECT_EQ(get(target + "&client_id=unknown", true).result_int(), 400u);
  EXPECT_EQ(get("/metadata/identity/oauth2/token?api-version=2018-02-01", true).result_int(), 400u);
}

TEST(NormalizeAudienceTest, ScopesAndResourcesOfOneServiceAgree) {
  EXPECT_EQ(normalize_audience("https://management.azure.com/.default"), "https://management.azure.com");
  EXPECT_EQ(normalize_audience("https://management.core.windows.net//.default"), "https://management.azure.com");
  EXPECT_EQ(normalize_audience("https://Vault.azure.net/"), "https://vault.azure.net");
}

}  // namespace
}  // namespace aci::emulator
