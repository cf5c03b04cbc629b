#include "daemon/azure/key_vault_wire.hpp"

#include <gtest/gtest.h>

namespace aci::azure {
namespace {

TEST(KeyVaultWireTest, ReadsABundleWithNameVersionAndAttributes) {
  const auto secret = parse_secret_bundle(
      R"({"value":"v","id":"https://v.vault.azure.net/secrets/pwd/abc123","attributes":{"enabled":false,"exp":1751328000,"recoveryLevel":"Recoverable"},"tags":{"keyId":"k"}})");
  ASSERT_TRUE(secret) << secret.error();
  EXPECT_EQ(secret->properties.name, "pwd");
  EXPECT_EQ(secret->properties.version, "abc123");
  EXPECT_FALSE(secret->properties.attributes.enabled);
  EXPECT_EQ(secret->properties.attributes.expires, core::WallTime(std::chrono::seconds(1751328000)));
  EXPECT_EQ(secret->properties.attributes.recovery_level, "Recoverable");
  EXPECT_EQ(secret->properties.tags.at("keyId"), "k");
}

TEST(KeyVaultWireTest, ReadsAVersionsPage) {
  const auto page = parse_secret_version_page(
      R"({"value":[{"id":"https://v.vault.azure.net/secrets/pwd/a"},{"id":"https://v.vault.azure.net/secrets/pwd/b"}],"nextLink":"https://v.vault.azure.net/n"})");
  ASSERT_TRUE(page) << page.error();
  ASSERT_EQ(page->versions.size(), 2u);
  EXPECT_EQ(page->versions[1].version, "b");
  EXPECT_EQ(page->next_link, "https://v.vault.azure.net/n");
  EXPECT_FALSE(parse_secret_version_page("nope"));
}

// Found by azure_response_fuzz: each of these threw nlohmann's type_error or converted
// an out-of-range number (undefined behaviour) instead of failing as a malformed answer.
TEST(KeyVaultWireTest, FieldsOfTheWrongTypeAreMalformedNotThrown) {
  EXPECT_FALSE(parse_secret_bundle(R"({"value":"v","id":17})"));
  EXPECT_FALSE(parse_secret_bundle(R"({"value":"v","id":"https://v/secrets/a/b","attributes":{"enabled":"yes"}})"));
  EXPECT_TRUE(parse_secret_bundle(R"({"value":"v","id":"https://v/secrets/a/b","attributes":{"recoveryLevel":1}})"));
}

TEST(KeyVaultWireTest, TimesOutsideWhatAWallTimeHoldsAreMalformed) {
  EXPECT_FALSE(parse_secret_bundle(R"({"value":"v","id":"https://v/secrets/a/b","attributes":{"exp":1e300}})"));
  EXPECT_FALSE(parse_secret_bundle(R"({"value":"v","id":"https://v/secrets/a/b","attributes":{"created":9223372036854775807}})"));
  EXPECT_FALSE(parse_secret_bundle(R"({"value":"v","id":"https://v/secrets/a/b","attributes":{"nbf":18446744073709551615}})"));
  const auto fractional = parse_secret_bundle(R"({"value":"v","id":"https://v/secrets/a/b","attributes":{"nbf":1735689600.5}})");
  ASSERT_TRUE(fractional);
  EXPECT_EQ(fractional->properties.attributes.not_before, core::WallTime(std::chrono::seconds(1735689600)));
}

}  // namespace
}  // namespace aci::azure
