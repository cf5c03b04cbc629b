#include "daemon/crypto/jwt.hpp"

#include <gtest/gtest.h>

#include "daemon/crypto/base64.hpp"
#include "daemon/crypto/certificate.hpp"

namespace aci::crypto {
namespace {

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto ca = make_certificate_authority("jwt test CA", std::chrono::hours(24));
    ASSERT_TRUE(ca);
    auto leaf = make_leaf_certificate(*ca, "signer", {"signer.test"}, {}, std::chrono::hours(24));
    ASSERT_TRUE(leaf);
    signer_ = new KeyAndCertificate(*leaf);
    other_ = new KeyAndCertificate(*ca);
  }
  static void TearDownTestSuite() {
    delete signer_;
    delete other_;
  }
  static KeyAndCertificate* signer_;
  static KeyAndCertificate* other_;
};
KeyAndCertificate* JwtTest::signer_ = nullptr;
KeyAndCertificate* JwtTest::other_ = nullptr;

TEST_F(JwtTest, SignedTokenVerifiesAgainstTheCertificate) {
  auto token = jwt_sign({{"kid", "k1"}}, {{"sub", "me"}, {"exp", 42}}, signer_->key_pem);
  ASSERT_TRUE(token) << token.error();
  auto decoded = jwt_decode(*token);
  ASSERT_TRUE(decoded) << decoded.error();
  EXPECT_EQ(decoded->header["alg"], "RS256");
  EXPECT_EQ(decoded->header["typ"], "JWT");
  EXPECT_EQ(decoded->header["kid"], "k1");
  EXPECT_EQ(decoded->claims["sub"], "me");
  EXPECT_TRUE(jwt_verify(*decoded, signer_->certificate_pem));
}

TEST_F(JwtTest, Ps256TokenVerifies) {
  auto token = jwt_sign(nlohmann::json::object(), {{"sub", "me"}}, signer_->key_pem, JwtAlgorithm::ps256);
  ASSERT_TRUE(token);
  auto decoded = jwt_decode(*token);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->header["alg"], "PS256");
  EXPECT_TRUE(jwt_verify(*decoded, signer_->certificate_pem));
}

TEST_F(JwtTest, SignatureFromAnotherKeyIsRejected) {
  auto token = jwt_sign(nlohmann::json::object(), {{"sub", "me"}}, other_->key_pem);
  ASSERT_TRUE(token);
  auto decoded = jwt_decode(*token);
  ASSERT_TRUE(decoded);
  EXPECT_FALSE(jwt_verify(*decoded, signer_->certificate_pem));
}

TEST_F(JwtTest, TamperedClaimsFailVerification) {
  auto token = jwt_sign(nlohmann::json::object(), {{"sub", "me"}}, signer_->key_pem);
  ASSERT_TRUE(token);
  const auto first = token->find('.');
  const auto second = token->find('.', first + 1);
  const std::string forged =
      token->substr(0, first + 1) + base64url_encode(R"({"sub":"admin"})") + token->substr(second);
  auto decoded = jwt_decode(forged);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->claims["sub"], "admin");
  EXPECT_FALSE(jwt_verify(*decoded, signer_->certificate_pem));
}

TEST_F(JwtTest, AlgorithmNoneIsRefused) {
  const std::string token = base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(R"({"sub":"x"})") + ".";
  auto decoded = jwt_decode(token);
  ASSERT_TRUE(decoded);
  auto verified = jwt_verify(*decoded, signer_->certificate_pem);
  ASSERT_FALSE(verified);
  EXPECT_NE(verified.error().find("none"), std::string::npos);
}

TEST(JwtDecodeTest, RejectsMalformedTokens) {
  EXPECT_FALSE(jwt_decode(""));
  EXPECT_FALSE(jwt_decode("abc"));
  EXPECT_FALSE(jwt_decode("a.b"));
  EXPECT_FALSE(jwt_decode("a.b.c.d"));
  EXPECT_FALSE(jwt_decode("!!.!!.!!"));
  EXPECT_FALSE(jwt_decode(base64url_encode("[1]") + "." + base64url_encode("{}") + ".sig"));
  EXPECT_FALSE(jwt_decode(base64url_encode("{}") + "." + base64url_encode("not json") + ".sig"));
}

TEST_F(JwtTest, PublicJwkCarriesModulusAndExponent) {
  auto jwk = rsa_public_jwk(signer_->certificate_pem);
  ASSERT_TRUE(jwk) << jwk.error();
  EXPECT_EQ((*jwk)["kty"], "RSA");
  EXPECT_EQ((*jwk)["e"], "AQAB");
  EXPECT_EQ(base64url_decode((*jwk)["n"].get<std::string>())->size(), 256u);
}

TEST_F(JwtTest, SigningWithGarbageKeyFailsWithoutEchoingIt) {
  auto token = jwt_sign(nlohmann::json::object(), {{"sub", "x"}}, "not-a-key-secretvalue");
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().find("secretvalue"), std::string::npos);
}

}  // namespace
}  // namespace aci::crypto
