#include "daemon/azure/graph_wire.hpp"

#include <gtest/gtest.h>

#include "daemon/core/iso8601.hpp"

namespace aci::azure {
namespace {

TEST(GraphWireTest, ReadsAnApplicationsPasswords) {
  const auto passwords = parse_application_passwords(
      R"({"id":"o","passwordCredentials":[{"keyId":"k1","displayName":"d","hint":"Q~x","startDateTime":"2025-01-01T00:00:00Z","endDateTime":"2025-04-01T02:00:00+02:00"}]})");
  ASSERT_TRUE(passwords) << passwords.error();
  ASSERT_EQ(passwords->size(), 1u);
  EXPECT_EQ((*passwords)[0].key_id, "k1");
  EXPECT_EQ((*passwords)[0].end, core::parse_iso8601("2025-04-01T00:00:00Z"));
  EXPECT_FALSE(parse_application_passwords(R"({"passwordCredentials":[{"displayName":"no key id"}]})"));
}

TEST(GraphWireTest, AnAddedPasswordMustCarryItsSecretText) {
  EXPECT_TRUE(parse_added_password(R"({"keyId":"k","secretText":"s"})"));
  const auto missing = parse_added_password(R"({"keyId":"k"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "addPassword returned no secretText");
}

// Found by azure_response_fuzz: an end date after 2262 overflowed the nanosecond clock;
// Graph writes such dates for passwords meant never to expire.
TEST(GraphWireTest, AnEndBeyondWhatAWallTimeHoldsReadsAsAbsent) {
  const auto passwords = parse_application_passwords(
      R"({"passwordCredentials":[{"keyId":"k","endDateTime":"2299-12-31T05:00:00Z"}]})");
  ASSERT_TRUE(passwords);
  EXPECT_FALSE((*passwords)[0].end.has_value());
}

}  // namespace
}  // namespace aci::azure
