#include "daemon/azure/token_response.hpp"

#include <gtest/gtest.h>

#include "daemon/core/iso8601.hpp"
#include "tests/unit/azure/fake_transport.hpp"

namespace aci::azure {
namespace {

using namespace std::chrono_literals;

const core::WallTime kNow = *core::parse_iso8601("2025-01-01T00:00:00Z");

TEST(TokenResponseTest, ReadsExpiresInAsNumberOrText) {
  const auto entra = parse_token_response("entra", test::respond(200, R"({"access_token":"a","expires_in":3600})"), kNow);
  ASSERT_TRUE(entra);
  EXPECT_EQ(entra->expires_on, kNow + 3600s);
  const auto imds = parse_token_response("imds", test::respond(200, R"({"access_token":"a","expires_in":"60"})"), kNow);
  ASSERT_TRUE(imds);
  EXPECT_EQ(imds->expires_on, kNow + 60s);
}

// Found by azure_response_fuzz: these converted out-of-range numbers (undefined
// behaviour) and wrapped the expiry around instead of failing.
TEST(TokenResponseTest, LifetimesBeyondWhatAWallTimeHoldsAreMalformed) {
  for (const char* body : {R"({"access_token":"a","expires_in":9223372036854775807})",
                           R"({"access_token":"a","expires_on":"9223372036854775807"})",
                           R"({"access_token":"a","expires_in":1e300})",
                           R"({"access_token":"a","expires_in":18446744073709551615})"}) {
    const auto token = parse_token_response("entra", test::respond(200, body), kNow);
    ASSERT_FALSE(token) << body;
    EXPECT_EQ(token.error().code, "MalformedResponse");
  }
  const auto no_hint = parse_token_response(
      "entra", test::respond(200, R"({"access_token":"a","expires_in":60,"refresh_in":9223372036854775807})"), kNow);
  ASSERT_TRUE(no_hint);
  EXPECT_FALSE(no_hint->refresh_on.has_value());
}

}  // namespace
}  // namespace aci::azure
