#include "daemon/azure/azure_error.hpp"

#include <gtest/gtest.h>

#include "daemon/core/utf8.hpp"
#include "tests/unit/azure/fake_transport.hpp"

namespace aci::azure {
namespace {

const core::WallTime kNow{std::chrono::seconds(1767225600)};

TEST(AzureErrorTest, ReadsArmCloudErrorAndRequestId) {
  const auto error = error_from_response(
      "arm",
      test::respond(404, R"({"error":{"code":"ResourceNotFound","message":"The Resource 'x' was not found."}})",
                    {{"x-ms-request-id", "req-1"}}),
      kNow);
  EXPECT_EQ(error.kind, AzureErrorKind::not_found);
  EXPECT_EQ(error.status, 404u);
  EXPECT_EQ(error.code, "ResourceNotFound");
  EXPECT_EQ(error.message, "The Resource 'x' was not found.");
  EXPECT_EQ(error.request_id, "req-1");
  EXPECT_EQ(error.to_string(), "not_found (HTTP 404, ResourceNotFound): The Resource 'x' was not found. [request req-1]");
}

TEST(AzureErrorTest, ReadsEntraErrorsWithTheirAadstsCode) {
  const auto error = error_from_response(
      "entra",
      test::respond(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: abc","error_codes":[7000215],"trace_id":"abc"})"),
      kNow);
  EXPECT_EQ(error.kind, AzureErrorKind::unauthorized);
  EXPECT_EQ(error.code, "AADSTS7000215");
  EXPECT_EQ(error.message, "AADSTS7000215: Invalid client secret provided.");
  EXPECT_EQ(entra_error_code(R"({"error":"invalid_grant","error_description":"AADSTS700024: expired"})"),
            "AADSTS700024");
  // Entra answers a refused client with 400 as well.
  EXPECT_EQ(error_from_response("entra", test::respond(400, R"({"error":"invalid_client"})"), kNow).kind,
            AzureErrorKind::unauthorized);
}

TEST(AzureErrorTest, ReadsKeyVaultInnerErrorRegistryErrorsAndThrottling) {
  const auto vault = error_from_response(
      "keyvault",
      test::respond(403, R"({"error":{"code":"Forbidden","message":"denied","innererror":{"code":"ForbiddenByRbac"}}})"),
      kNow);
  EXPECT_EQ(vault.kind, AzureErrorKind::forbidden);
  EXPECT_EQ(vault.message, "denied (ForbiddenByRbac)");
  const auto registry =
      error_from_response("acr", test::respond(500, R"({"errors":[{"code":"UNKNOWN","message":"boom"}]})"), kNow);
  EXPECT_EQ(registry.kind, AzureErrorKind::server);
  EXPECT_EQ(registry.code, "UNKNOWN");
  const auto throttled = error_from_response("graph", test::respond(429, "", {{"Retry-After", "7"}}), kNow);
  EXPECT_EQ(throttled.kind, AzureErrorKind::throttled);
  EXPECT_EQ(throttled.retry_after, std::chrono::milliseconds(7000));
  EXPECT_EQ(throttled.message, "graph answered HTTP 429");
}

TEST(AzureErrorTest, LongOrMalformedTextIsCutOnACharacterAndMadeValidUtf8) {
  // A multi-byte character across the 512-byte limit once aborted the daemon when the
  // message reached a status file.
  const std::string message = std::string(511, 'a') + "\xC3\xA9 and more";
  const auto error = error_from_response(
      "arm", test::respond(400, nlohmann::json{{"error", {{"code", "Bad"}, {"message", message}}}}.dump(),
                           {{"x-ms-request-id", "req-\xFF"}, {"x-ms-error-code", "x"}}),
      kNow);
  EXPECT_EQ(error.message, std::string(511, 'a') + "...");
  EXPECT_EQ(error.request_id, "req-\xEF\xBF\xBD");
  EXPECT_TRUE(core::is_valid_utf8(error.to_string()));
  const auto plain = error_from_response("arm", test::respond(502, "", {{"x-ms-error-code", "Gate\xE9way"}}), kNow);
  EXPECT_EQ(plain.code, "Gate\xEF\xBF\xBDway");
  EXPECT_NO_THROW((void)nlohmann::json(plain.to_string()).dump());
}

TEST(AzureErrorTest, TransportErrorsKeepTimeoutAndCancellationApart) {
  EXPECT_EQ(error_from_transport({http::ErrorKind::timeout, "x"}).kind, AzureErrorKind::timeout);
  EXPECT_EQ(error_from_transport({http::ErrorKind::cancelled, "x"}).kind, AzureErrorKind::cancelled);
  EXPECT_EQ(error_from_transport({http::ErrorKind::connect, "x"}).kind, AzureErrorKind::transport);
  EXPECT_EQ(kind_for_status(409), AzureErrorKind::conflict);
  EXPECT_EQ(kind_for_status(400), AzureErrorKind::bad_request);
  EXPECT_EQ(kind_for_status(503), AzureErrorKind::server);
}

}  // namespace
}  // namespace aci::azure
