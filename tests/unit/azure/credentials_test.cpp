#include <gtest/gtest.h>

#include <map>

#include "daemon/azure/chained_token_source.hpp"
#include "daemon/azure/client_certificate_credential.hpp"
#include "daemon/azure/client_secret_credential.hpp"
#include "daemon/azure/credential_factory.hpp"
#include "daemon/azure/managed_identity_credential.hpp"
#include "daemon/azure/token_endpoint.hpp"
#include "daemon/http/url_encoding.hpp"
#include "daemon/azure/workload_identity_credential.hpp"
#include "daemon/crypto/certificate.hpp"
#include "daemon/crypto/jwt.hpp"
#include "tests/support/child_process.hpp"
#include "tests/unit/azure/azure_fixture.hpp"

namespace aci::azure {
namespace {

using namespace std::chrono_literals;
using test::answer;
using json = nlohmann::json;

const std::string kAuthority = "https://login.example.test";
const std::string kScope = "https://management.azure.com/.default";
const std::string kEndpoint = "https://login.example.test/tenant-1/oauth2/v2.0/token";

// Decodes an x-www-form-urlencoded body (percent escapes only; we never send '+').
std::map<std::string, std::string> form(const std::string& body) {
  auto decode = [](std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        out.push_back(text[i]);
      }
    }
    return out;
  };
  std::map<std::string, std::string> fields;
  std::size_t start = 0;
  while (start <= body.size()) {
    const auto end = std::min(body.find('&', start), body.size());
    const auto pair = std::string_view(body).substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos) fields[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return fields;
}

Expected<http::Response, http::Error> token_reply() {
  return answer(200, R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ.tok.en"})");
}

class CredentialTest : public test::AzureFixture {
 protected:
  void SetUp() override {
    pipeline_ = make_pipeline();
    transport_.set_handler([](const http::Request&, std::size_t) { return token_reply(); });
  }
  std::map<std::string, std::string> sent_form(std::size_t index = 0) {
    return form(transport_.sent.at(index).request.body);
  }

  testing::TempDir dir_;
  std::unique_ptr<AzurePipeline> pipeline_;
};

TEST_F(CredentialTest, ClientSecretPostsTheFormAndRereadsTheSecretFile) {
  const auto file = dir_.write("secret", "first-secret-value\n");
  ClientSecretCredential credential(*pipeline_, kAuthority + "/", "tenant-1", "app-1", file, "");
  auto token = run(credential.token(kScope));
  ASSERT_TRUE(token) << token.error().to_string();
  EXPECT_EQ(token->token, "eyJ.tok.en");
  EXPECT_EQ(token->expires_on, clock_.now() + 3599s);
  EXPECT_EQ(transport_.sent[0].request.url, kEndpoint);
  EXPECT_EQ(transport_.sent[0].header("Content-Type"), "application/x-www-form-urlencoded");
  auto fields = sent_form();
  EXPECT_EQ(fields["grant_type"], "client_credentials");
  EXPECT_EQ(fields["client_id"], "app-1");
  EXPECT_EQ(fields["client_secret"], "first-secret-value");
  EXPECT_EQ(fields["scope"], kScope);

  dir_.write("secret", "second-secret-value");
  ASSERT_TRUE(run(credential.token(kScope)));
  EXPECT_EQ(sent_form(1)["client_secret"], "second-secret-value");
  logger_.info("x", {{"a", "first-secret-value"}, {"b", "second-secret-value"}});
  EXPECT_EQ(log_text().find("secret-value"), std::string::npos);
}

TEST_F(CredentialTest, WrongSecretFailsWithTheAadstsCodeAndIsNotRetried) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]})");
  });
  ClientSecretCredential credential(*pipeline_, kAuthority, "tenant-1", "app-1", "", "wrong-secret");
  auto token = run(credential.token(kScope));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().kind, AzureErrorKind::unauthorized);
  EXPECT_EQ(token.error().code, "AADSTS7000215");
  EXPECT_EQ(token.error().message.find("wrong-secret"), std::string::npos);
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(CredentialTest, TokenEndpointServerErrorsAreRetried) {
  transport_.set_handler([](const http::Request&, std::size_t index) {
    return index == 0 ? answer(503, R"({"error":"temporarily_unavailable"})") : token_reply();
  });
  ClientSecretCredential credential(*pipeline_, kAuthority, "tenant-1", "app-1", "", "some-secret");
  ASSERT_TRUE(run(credential.token(kScope)));
  EXPECT_EQ(transport_.sent.size(), 2u);
}

TEST_F(CredentialTest, ClientCertificateSignsAnAssertionForTheTokenEndpoint) {
  const auto ca = crypto::make_certificate_authority("client", 24h);
  ASSERT_TRUE(ca);
  const auto file = dir_.write("client.pem", ca->certificate_pem + ca->key_pem);
  ClientCertificateCredential credential(*pipeline_, kAuthority, "tenant-1", "app-1", file, "");
  ASSERT_TRUE(run(credential.token(kScope)));
  auto fields = sent_form();
  EXPECT_EQ(fields["client_assertion_type"], "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(fields.count("client_secret"), 0u);
  auto jwt = crypto::jwt_decode(fields["client_assertion"]);
  ASSERT_TRUE(jwt);
  EXPECT_EQ(jwt->header["alg"], "RS256");
  EXPECT_EQ(jwt->header["x5t"], *crypto::certificate_thumbprint_sha1(ca->certificate_pem));
  EXPECT_EQ(jwt->header["x5t#S256"], *crypto::certificate_thumbprint_sha256(ca->certificate_pem));
  EXPECT_EQ(jwt->claims["aud"], kEndpoint);
  EXPECT_EQ(jwt->claims["iss"], "app-1");
  EXPECT_EQ(jwt->claims["sub"], "app-1");
  EXPECT_EQ(jwt->claims["exp"].get<std::int64_t>() - jwt->claims["nbf"].get<std::int64_t>(), 600);
  EXPECT_EQ(jwt->claims["jti"].get<std::string>().size(), 36u);
  EXPECT_TRUE(crypto::jwt_verify(*jwt, ca->certificate_pem));
  // Every assertion is new.
  ASSERT_TRUE(run(credential.token(kScope)));
  EXPECT_NE(crypto::jwt_decode(sent_form(1)["client_assertion"])->claims["jti"], jwt->claims["jti"]);
}

TEST_F(CredentialTest, ClientCertificateWithoutAKeyFailsBeforeSending) {
  const auto ca = crypto::make_certificate_authority("client", 24h);
  const auto file = dir_.write("cert-only.pem", ca->certificate_pem);
  ClientCertificateCredential credential(*pipeline_, kAuthority, "tenant-1", "app-1", file, "");
  auto token = run(credential.token(kScope));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, "InvalidCertificate");
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(CredentialTest, WorkloadIdentityReadsTheTokenFileAtEveryRequest) {
  const auto file = dir_.write("federated", "federated-jwt-one");
  WorkloadIdentityCredential credential(*pipeline_, kAuthority, "tenant-1", "app-1", file);
  ASSERT_TRUE(run(credential.token(kScope)));
  dir_.write("federated", "federated-jwt-two");
  ASSERT_TRUE(run(credential.token(kScope)));
  EXPECT_EQ(sent_form(0)["client_assertion"], "federated-jwt-one");
  EXPECT_EQ(sent_form(1)["client_assertion"], "federated-jwt-two");
  EXPECT_EQ(sent_form(1)["client_id"], "app-1");
}

TEST_F(CredentialTest, ManagedIdentityAsksImdsForAResourceAndReadsStringNumbers) {
  transport_.set_handler([](const http::Request&, std::size_t index) {
    if (index == 0) return answer(410);  // IMDS is updating
    return answer(200, R"({"access_token":"mi-token","expires_in":"86399","expires_on":"1767312000",
                           "resource":"https://management.azure.com","token_type":"Bearer"})");
  });
  ManagedIdentityCredential credential(*pipeline_, "http://169.254.169.254/metadata/identity/oauth2/token", "mi-client",
                                       "");
  auto token = run(credential.token(kScope));
  ASSERT_TRUE(token) << token.error().to_string();
  EXPECT_EQ(token->token, "mi-token");
  EXPECT_EQ(token->expires_on, clock_.now() + 86399s);
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[1].request.url,
            "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2F"
            "management.azure.com&client_id=mi-client");
  EXPECT_EQ(transport_.sent[1].header("Metadata"), "true");
}

TEST_F(CredentialTest, ManagedIdentityWithoutAnIdentityIsUnavailable) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(400, R"({"error":"invalid_request","error_description":"Identity not found"})");
  });
  ManagedIdentityCredential credential(*pipeline_, "https://127.0.0.1:1/metadata/identity/oauth2/token", "", "");
  auto token = run(credential.token(kScope));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, "CredentialUnavailable");
}

TEST_F(CredentialTest, ProbingManagedIdentityGivesUpQuicklyWhenNothingAnswers) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return test::transport_failure(http::ErrorKind::timeout, "http://169.254.169.254:80: connecting: deadline exceeded");
  });
  ManagedIdentityCredential credential(*pipeline_, "http://169.254.169.254/metadata/identity/oauth2/token", "", "",
                                       true);
  auto token = run(credential.token(kScope));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, "CredentialUnavailable");
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].options.timeout, std::chrono::milliseconds(2000));
}

// A credential that is either unavailable, refuses, or works.
class ScriptedSource final : public TokenSource {
 public:
  explicit ScriptedSource(std::string mode) : mode_(std::move(mode)) {}
  boost::asio::awaitable<Expected<AccessToken, AzureError>> token(const std::string&) override {
    ++calls;
    if (mode_ == "unavailable") co_return unexpected(credential_unavailable("not here"));
    if (mode_ == "refuses") co_return unexpected(AzureError{AzureErrorKind::unauthorized, 401, "AADSTS7000215", "no", {}, {}});
    co_return AccessToken{"from-" + mode_, core::WallTime::max(), {}};
  }
  int calls = 0;

 private:
  std::string mode_;
};

TEST_F(CredentialTest, ChainSkipsUnavailableCredentialsAndSticksWithTheFirstThatWorks) {
  auto unavailable = std::make_unique<ScriptedSource>("unavailable");
  auto works = std::make_unique<ScriptedSource>("works");
  auto* first = unavailable.get();
  std::vector<ChainedTokenSource::Link> links;
  links.push_back({"A", std::move(unavailable)});
  links.push_back({"B", std::move(works)});
  ChainedTokenSource chain(std::move(links), logger_);
  auto token = run(chain.token(kScope));
  ASSERT_TRUE(token);
  EXPECT_EQ(token->token, "from-works");
  EXPECT_EQ(chain.selected(), "B");
  ASSERT_TRUE(run(chain.token(kScope)));
  EXPECT_EQ(first->calls, 1);
}

TEST_F(CredentialTest, ChainStopsAtARealRefusal) {
  std::vector<ChainedTokenSource::Link> links;
  links.push_back({"A", std::make_unique<ScriptedSource>("refuses")});
  links.push_back({"B", std::make_unique<ScriptedSource>("works")});
  ChainedTokenSource chain(std::move(links), logger_);
  auto token = run(chain.token(kScope));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, "AADSTS7000215");
  EXPECT_EQ(chain.selected(), "");
}

EnvironmentLookup environment(const std::map<std::string, std::string>& values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
}

TEST_F(CredentialTest, DefaultChainFollowsTheEnvironmentLikeDefaultAzureCredential) {
  AzureConfig config;
  auto with_secret = make_credential(
      config, *pipeline_,
      environment({{"AZURE_TENANT_ID", "t"}, {"AZURE_CLIENT_ID", "c"}, {"AZURE_CLIENT_SECRET", "env-secret"},
                   {"AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"}}));
  ASSERT_TRUE(with_secret);
  auto* chain = dynamic_cast<ChainedTokenSource*>(with_secret->get());
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->names(), (std::vector<std::string>{"EnvironmentCredential(ClientSecret)", "WorkloadIdentityCredential",
                                                      "ManagedIdentityCredential"}));
  auto bare = make_credential(config, *pipeline_, environment({}));
  ASSERT_TRUE(bare);
  EXPECT_EQ(dynamic_cast<ChainedTokenSource*>(bare->get())->names(),
            std::vector<std::string>{"ManagedIdentityCredential"});
  auto certificate = make_credential(
      config, *pipeline_,
      environment({{"AZURE_TENANT_ID", "t"}, {"AZURE_CLIENT_ID", "c"}, {"AZURE_CLIENT_CERTIFICATE_PATH", "/c.pem"}}));
  EXPECT_EQ(dynamic_cast<ChainedTokenSource*>(certificate->get())->names().front(),
            "EnvironmentCredential(ClientCertificate)");
}

TEST_F(CredentialTest, ExplicitTypesNameWhatIsMissing) {
  AzureConfig config;
  config.credential.type = CredentialType::client_secret;
  auto missing_tenant = make_credential(config, *pipeline_, environment({}));
  ASSERT_FALSE(missing_tenant);
  EXPECT_EQ(missing_tenant.error(), "ClientSecret needs tenantId (or AZURE_TENANT_ID)");
  config.credential.tenant_id = "t";
  config.credential.client_id = "c";
  auto missing_secret = make_credential(config, *pipeline_, environment({}));
  ASSERT_FALSE(missing_secret);
  EXPECT_EQ(missing_secret.error(), "ClientSecret needs clientSecretFile (or AZURE_CLIENT_SECRET)");
  EXPECT_TRUE(make_credential(config, *pipeline_, environment({{"AZURE_CLIENT_SECRET", "s-from-env"}})));
  config.credential.type = CredentialType::workload_identity;
  EXPECT_FALSE(make_credential(config, *pipeline_, environment({})));
  config.credential.type = CredentialType::managed_identity;
  EXPECT_TRUE(make_credential(config, *pipeline_, environment({})));
}

TEST(TokenEndpointTest, ParsesTokenResponses) {
  const core::WallTime now{std::chrono::seconds(1767225600)};
  auto parsed = parse_token_response("entra", test::respond(200, R"({"access_token":"a","expires_in":3600,"refresh_in":1800})"), now);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->expires_on, now + 3600s);
  EXPECT_EQ(parsed->refresh_on, now + 1800s);
  auto from_expires_on = parse_token_response("imds", test::respond(200, R"({"access_token":"a","expires_on":"1767229200"})"), now);
  ASSERT_TRUE(from_expires_on);
  EXPECT_EQ(from_expires_on->expires_on, now + 3600s);
  EXPECT_FALSE(parse_token_response("entra", test::respond(200, R"({"expires_in":3600})"), now));
  EXPECT_FALSE(parse_token_response("entra", test::respond(200, "not json"), now));
  EXPECT_EQ(entra_token_endpoint("https://login.microsoftonline.com/", "contoso.onmicrosoft.com"),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  EXPECT_EQ(scope_to_resource("https://vault.azure.net/.default"), "https://vault.azure.net");
  EXPECT_EQ(http::form_encode({{"a", "x y/z"}, {"b", "~ok"}}), "a=x%20y%2Fz&b=~ok");
}

}  // namespace
}  // namespace aci::azure
