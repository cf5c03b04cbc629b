#include "daemon/azure/auth_challenge.hpp"

#include <gtest/gtest.h>

namespace aci::azure {
namespace {

TEST(AuthChallengeTest, ParsesKeyVaultChallengeWithResource) {
  std::string why;
  const auto challenge = key_vault_challenge(
      R"(Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1", resource="https://vault.azure.net")",
      "https://myvault.vault.azure.net", "https://vault.azure.net", why);
  ASSERT_TRUE(challenge) << why;
  EXPECT_EQ(challenge->scope, "https://vault.azure.net/.default");
  EXPECT_EQ(challenge->authority, "https://login.microsoftonline.com/72f988bf-86f1");
  EXPECT_EQ(challenge->tenant_id, "72f988bf-86f1");
}

TEST(AuthChallengeTest, AcceptsAuthorizationUriAndScopeSpellings) {
  std::string why;
  const auto challenge = key_vault_challenge(
      R"(Bearer authorization_uri="https://login.microsoftonline.com/t1",scope="https://vault.azure.net/.default")",
      "https://myvault.vault.azure.net", "https://vault.azure.net", why);
  ASSERT_TRUE(challenge) << why;
  EXPECT_EQ(challenge->scope, "https://vault.azure.net/.default");
  EXPECT_EQ(challenge->authority, "https://login.microsoftonline.com/t1");
}

TEST(AuthChallengeTest, RefusesAnAudienceThatIsNotTheVaults) {
  std::string why;
  EXPECT_FALSE(key_vault_challenge(R"(Bearer authorization="https://login/t", resource="https://evil.example.com")",
                                   "https://myvault.vault.azure.net", "https://vault.azure.net", why));
  EXPECT_NE(why.find("evil.example.com"), std::string::npos);
  // A suffix must end at a label boundary.
  EXPECT_FALSE(key_vault_challenge(R"(Bearer resource="https://ault.azure.net")", "https://myvault.vault.azure.net",
                                   "", why));
}

TEST(AuthChallengeTest, TrustsTheConfiguredAudienceForAVaultOnAnotherHost) {
  std::string why;
  const auto challenge =
      key_vault_challenge(R"(Bearer authorization="https://127.0.0.1:8443/tenant", resource="https://vault.azure.net")",
                          "https://127.0.0.1:8443/keyvault/myvault", "https://vault.azure.net", why);
  ASSERT_TRUE(challenge) << why;
  EXPECT_EQ(challenge->scope, "https://vault.azure.net/.default");
}

TEST(AuthChallengeTest, RequiresABearerChallengeWithAnAudience) {
  std::string why;
  EXPECT_FALSE(key_vault_challenge(R"(Basic realm="x")", "https://v.vault.azure.net", "https://vault.azure.net", why));
  EXPECT_FALSE(key_vault_challenge(R"(Bearer authorization="https://login/t")", "https://v.vault.azure.net",
                                   "https://vault.azure.net", why));
}

TEST(AuthChallengeTest, SplitsSeveralChallengesAndUnescapesQuotes) {
  const auto challenges = parse_www_authenticate(
      R"(Bearer realm="https://r.azurecr.io/oauth2/token",service="r.azurecr.io", Basic realm="say \"hi\"", PoP)");
  ASSERT_EQ(challenges.size(), 3u);
  EXPECT_EQ(challenges[0].scheme, "Bearer");
  EXPECT_EQ(challenges[0].param("realm"), "https://r.azurecr.io/oauth2/token");
  EXPECT_EQ(challenges[0].param("Service"), "r.azurecr.io");
  EXPECT_EQ(challenges[1].scheme, "Basic");
  EXPECT_EQ(challenges[1].param("realm"), "say \"hi\"");
  EXPECT_EQ(challenges[2].scheme, "PoP");
  EXPECT_TRUE(challenges[2].params.empty());
  EXPECT_TRUE(find_challenge("basic realm=x", "Basic"));
  EXPECT_FALSE(find_challenge("", "Bearer"));
}

}  // namespace
}  // namespace aci::azure
