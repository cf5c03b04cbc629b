#include "emulator/directory/directory.hpp"

#include <gtest/gtest.h>

#include "daemon/crypto/certificate.hpp"
#include "daemon/crypto/jwt.hpp"
#include "emulator/iso_time.hpp"

namespace aci::emulator {
namespace {

using namespace std::chrono_literals;

class DirectoryTest : public ::testing::Test {
 protected:
  DirectoryTest() : directory_([this] { return now_; }, random_, 5s) {
    EXPECT_TRUE(directory_.add_tenant({"tenant-1", {"contoso.example"}}));
    Application app;
    app.display_name = "pull";
    app.app_id = "app-1";
    auto added = directory_.add_application(app);
    EXPECT_TRUE(added);
  }

  Application& app() { return *directory_.application_by_app_id("app-1"); }

  TimePoint now_ = *parse_iso8601("2025-01-01T00:00:00Z");
  RandomSource random_{7};
  Directory directory_;
};

TEST_F(DirectoryTest, NewPasswordIsRefusedUntilPropagationDelayPasses) {
  auto password = directory_.add_password(app(), false, "p1");
  auto early = directory_.sign_in_with_secret("tenant-1", "app-1", password.secret_text);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().aadsts, 7000215);
  EXPECT_EQ(early.error().status, 401u);
  now_ += 5s;
  auto later = directory_.sign_in_with_secret("tenant-1", "app-1", password.secret_text);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->app_id, "app-1");
  EXPECT_EQ(later->object_id, app().service_principal_id);
}

TEST_F(DirectoryTest, PasswordsAddedWhileRejectingNeverSignIn) {
  auto before = directory_.add_password(app(), false, "before");
  directory_.set_reject_new_passwords(true);
  auto during = directory_.add_password(app(), false, "during");
  now_ += 10s;
  EXPECT_TRUE(directory_.sign_in_with_secret("tenant-1", "app-1", before.secret_text));
  auto refused = directory_.sign_in_with_secret("tenant-1", "app-1", during.secret_text);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().aadsts, 7000215);
  EXPECT_FALSE(directory_.check_password("app-1", during.secret_text));
  directory_.set_reject_new_passwords(false);
  EXPECT_FALSE(directory_.check_password("app-1", during.secret_text));  // stays refused once added so

  Directory reloaded([this] { return now_; }, random_, 5s);
  ASSERT_TRUE(reloaded.load(directory_.save()));
  EXPECT_FALSE(reloaded.check_password("app-1", during.secret_text));
  EXPECT_TRUE(reloaded.check_password("app-1", before.secret_text));
}

TEST_F(DirectoryTest, SecretTextIsNeverStored) {
  auto password = directory_.add_password(app(), false, "p1");
  EXPECT_EQ(directory_.save().dump().find(password.secret_text), std::string::npos);
  EXPECT_EQ(password.credential.hint, password.secret_text.substr(0, 3));
}

TEST_F(DirectoryTest, ExpiredPasswordGivesAadsts7000222) {
  auto password = directory_.add_password(app(), false, "p1", now_ - 10h, now_ + 1h);
  now_ += 2h;
  auto result = directory_.sign_in_with_secret("tenant-1", "app-1", password.secret_text);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().aadsts, 7000222);
}

TEST_F(DirectoryTest, PasswordNotYetStartedIsRefused) {
  auto password = directory_.add_password(app(), false, "p1", now_ + 1h, now_ + 2h);
  now_ += 10s;
  EXPECT_FALSE(directory_.sign_in_with_secret("tenant-1", "app-1", password.secret_text));
  now_ += 1h;
  EXPECT_TRUE(directory_.sign_in_with_secret("tenant-1", "app-1", password.secret_text));
}

TEST_F(DirectoryTest, RemovedPasswordKeepsWorkingForThePropagationDelay) {
  auto password = directory_.add_password(app(), false, "p1");
  now_ += 10s;
  ASSERT_TRUE(directory_.remove_password(app(), false, password.credential.key_id));
  EXPECT_TRUE(directory_.sign_in_with_secret("tenant-1", "app-1", password.secret_text));
  now_ += 5s;
  EXPECT_FALSE(directory_.sign_in_with_secret("tenant-1", "app-1", password.secret_text));
  EXPECT_FALSE(directory_.remove_password(app(), false, password.credential.key_id));
}

TEST_F(DirectoryTest, UnknownTenantAndApplicationHaveTheirOwnCodes) {
  auto tenant = directory_.sign_in_with_secret("nope", "app-1", "x");
  ASSERT_FALSE(tenant);
  EXPECT_EQ(tenant.error().aadsts, 90002);
  auto app = directory_.sign_in_with_secret("contoso.example", "app-2", "x");
  ASSERT_FALSE(app);
  EXPECT_EQ(app.error().aadsts, 700016);
}

TEST_F(DirectoryTest, TenantDomainResolvesLikeItsId) {
  auto password = directory_.add_password(app(), true, "sp");
  now_ += 6s;
  EXPECT_TRUE(directory_.sign_in_with_secret("CONTOSO.example", "app-1", password.secret_text));
}

TEST_F(DirectoryTest, CheckPasswordFollowsTheSameValidityRules) {
  auto password = directory_.add_password(app(), false, "p1");
  EXPECT_FALSE(directory_.check_password("app-1", password.secret_text));
  now_ += 5s;
  EXPECT_TRUE(directory_.check_password("app-1", password.secret_text));
  EXPECT_FALSE(directory_.check_password("app-1", "wrong"));
}

TEST_F(DirectoryTest, RoleOnParentScopeCoversChildren) {
  directory_.add_role_assignment("sp-1", "AcrPull", "/subscriptions/s1/resourceGroups/rg");
  EXPECT_TRUE(directory_.has_role("sp-1", "acrpull", "/subscriptions/s1/resourceGroups/RG/providers/x/registries/r"));
  EXPECT_TRUE(directory_.has_role("sp-1", "AcrPull", "/subscriptions/s1/resourceGroups/rg"));
  EXPECT_FALSE(directory_.has_role("sp-1", "AcrPull", "/subscriptions/s1/resourceGroups/rg2"));
  EXPECT_FALSE(directory_.has_role("sp-1", "AcrPush", "/subscriptions/s1/resourceGroups/rg"));
  EXPECT_FALSE(directory_.has_role("sp-2", "AcrPull", "/subscriptions/s1/resourceGroups/rg"));
}

TEST_F(DirectoryTest, GraphManagementNeedsOwnershipOrReadWriteAll) {
  Application manager;
  manager.display_name = "manager";
  manager.app_id = "app-m";
  manager.graph_app_roles = {"Application.ReadWrite.OwnedBy"};
  ASSERT_TRUE(directory_.add_application(manager));
  const auto manager_sp = directory_.application_by_app_id("app-m")->service_principal_id;
  EXPECT_FALSE(directory_.may_manage(manager_sp, app()));
  app().owners.push_back(manager_sp);
  EXPECT_TRUE(directory_.may_manage(manager_sp, app()));
  directory_.application_by_app_id("app-m")->graph_app_roles = {"Application.ReadWrite.All"};
  app().owners.clear();
  EXPECT_TRUE(directory_.may_manage(manager_sp, app()));
}

TEST_F(DirectoryTest, SaveAndLoadKeepCredentialsUsable) {
  auto password = directory_.add_password(app(), false, "p1");
  const auto state = directory_.save();
  RandomSource other_random(9);
  Directory restored([this] { return now_; }, other_random, 5s);
  ASSERT_TRUE(restored.load(state));
  now_ += 6s;
  EXPECT_TRUE(restored.sign_in_with_secret("tenant-1", "app-1", password.secret_text));
  EXPECT_EQ(restored.save(), state);
}

TEST_F(DirectoryTest, LoadRejectsMalformedStateAndKeepsTheOld) {
  EXPECT_FALSE(directory_.load(nlohmann::json::parse(R"({"applications":[{"appId":1}]})")));
  EXPECT_NE(directory_.application_by_app_id("app-1"), nullptr);
}

class DirectoryAssertionTest : public DirectoryTest {
 protected:
  static void SetUpTestSuite() {
    auto ca = crypto::make_certificate_authority("assertion CA", std::chrono::hours(24 * 365 * 30));
    ASSERT_TRUE(ca);
    auto leaf = crypto::make_leaf_certificate(*ca, "client", {"client"}, {}, std::chrono::hours(24 * 365 * 30));
    ASSERT_TRUE(leaf);
    cert_ = new crypto::KeyAndCertificate(*leaf);
    other_ = new crypto::KeyAndCertificate(*ca);
  }
  static void TearDownTestSuite() {
    delete cert_;
    delete other_;
  }

  std::string assertion(const crypto::KeyAndCertificate& signer, nlohmann::json header, const nlohmann::json& claims) {
    auto token = crypto::jwt_sign(std::move(header), claims, signer.key_pem);
    EXPECT_TRUE(token);
    return *token;
  }
  nlohmann::json claims(const std::string& aud) {
    const auto now = unix_seconds(now_);
    return {{"iss", "app-1"}, {"sub", "app-1"}, {"aud", aud}, {"jti", "j"}, {"nbf", now}, {"iat", now}, {"exp", now + 600}};
  }
  const std::vector<std::string> endpoints_{"https://login.test/tenant-1/oauth2/v2.0/token"};

  static crypto::KeyAndCertificate* cert_;
  static crypto::KeyAndCertificate* other_;
};
crypto::KeyAndCertificate* DirectoryAssertionTest::cert_ = nullptr;
crypto::KeyAndCertificate* DirectoryAssertionTest::other_ = nullptr;

TEST_F(DirectoryAssertionTest, CertificateAssertionWithX5tOrX5tS256Succeeds) {
  auto registered = directory_.add_certificate(app(), cert_->certificate_pem, "cert");
  ASSERT_TRUE(registered) << registered.error();
  const auto sha1 = (*registered)->thumbprint_sha1;
  const auto sha256 = (*registered)->thumbprint_sha256;
  EXPECT_TRUE(directory_.sign_in_with_assertion("tenant-1", "app-1",
                                                assertion(*cert_, {{"x5t", sha1}}, claims(endpoints_[0])), endpoints_));
  EXPECT_TRUE(directory_.sign_in_with_assertion(
      "tenant-1", "app-1", assertion(*cert_, {{"x5t#S256", sha256}}, claims(endpoints_[0])), endpoints_));
}

TEST_F(DirectoryAssertionTest, AssertionSignedByAnotherKeyGivesAadsts700027) {
  auto registered = directory_.add_certificate(app(), cert_->certificate_pem, "cert");
  ASSERT_TRUE(registered);
  auto result = directory_.sign_in_with_assertion(
      "tenant-1", "app-1", assertion(*other_, {{"x5t", (*registered)->thumbprint_sha1}}, claims(endpoints_[0])),
      endpoints_);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().aadsts, 700027);
  EXPECT_EQ(result.error().status, 401u);
}

TEST_F(DirectoryAssertionTest, UnregisteredCertificateGivesAadsts700027) {
  auto result = directory_.sign_in_with_assertion("tenant-1", "app-1",
                                                  assertion(*cert_, {{"x5t", "unknown"}}, claims(endpoints_[0])),
                                                  endpoints_);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().aadsts, 700027);
}

TEST_F(DirectoryAssertionTest, ExpiredAssertionGivesAadsts700024) {
  auto registered = directory_.add_certificate(app(), cert_->certificate_pem, "cert");
  ASSERT_TRUE(registered);
  const auto token = assertion(*cert_, {{"x5t", (*registered)->thumbprint_sha1}}, claims(endpoints_[0]));
  now_ += 1h;
  auto result = directory_.sign_in_with_assertion("tenant-1", "app-1", token, endpoints_);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().aadsts, 700024);
}

TEST_F(DirectoryAssertionTest, AssertionForAnotherAudienceIsRefused) {
  auto registered = directory_.add_certificate(app(), cert_->certificate_pem, "cert");
  ASSERT_TRUE(registered);
  EXPECT_FALSE(directory_.sign_in_with_assertion(
      "tenant-1", "app-1", assertion(*cert_, {{"x5t", (*registered)->thumbprint_sha1}}, claims("https://elsewhere/token")),
      endpoints_));
}

TEST_F(DirectoryAssertionTest, FederatedTokenMatchesIssuerSubjectAndAudience) {
  app().federated.push_back({"f1", "k8s", "https://issuer.test", "system:serviceaccount:ns:sa",
                             {"api://AzureADTokenExchange"}, other_->certificate_pem});
  const auto now = unix_seconds(now_);
  nlohmann::json token_claims{{"iss", "https://issuer.test"}, {"sub", "system:serviceaccount:ns:sa"},
                              {"aud", {"api://AzureADTokenExchange"}}, {"exp", now + 600}, {"nbf", now}};
  EXPECT_TRUE(directory_.sign_in_with_assertion("tenant-1", "app-1", assertion(*other_, {}, token_claims), endpoints_));

  auto wrong_subject = token_claims;
  wrong_subject["sub"] = "system:serviceaccount:ns:other";
  auto refused = directory_.sign_in_with_assertion("tenant-1", "app-1", assertion(*other_, {}, wrong_subject), endpoints_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().aadsts, 70021);

  auto bad_signature = directory_.sign_in_with_assertion("tenant-1", "app-1", assertion(*cert_, {}, token_claims), endpoints_);
  ASSERT_FALSE(bad_signature);
  EXPECT_EQ(bad_signature.error().aadsts, 700027);

  const auto token = assertion(*other_, {}, token_claims);
  now_ += 2h;
  auto expired = directory_.sign_in_with_assertion("tenant-1", "app-1", token, endpoints_);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().aadsts, 700024);
}

}  // namespace
}  // namespace aci::emulator
