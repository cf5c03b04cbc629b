#include "daemon/azure/arm_wire.hpp"

#include <gtest/gtest.h>

#include "daemon/core/iso8601.hpp"
#include "tests/unit/azure/fake_transport.hpp"

namespace aci::azure {
namespace {

using namespace std::chrono_literals;

const core::WallTime kNow = *core::parse_iso8601("2025-01-01T00:00:00Z");

TEST(ArmWireTest, TerminalStatesIgnoreCase) {
  EXPECT_EQ(terminal_state("succeeded"), "Succeeded");
  EXPECT_EQ(terminal_state("Cancelled"), "Canceled");
  EXPECT_EQ(terminal_state("Running"), "");
}

TEST(ArmWireTest, ReadsAListPageAndItsNextLink) {
  auto page = parse_container_group_page(
      test::respond(200, R"({"value":[{"name":"a"},{"name":"b"}],"nextLink":"https://management.azure.com/next"})"));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->groups.size(), 2u);
  EXPECT_EQ(page->next_link, "https://management.azure.com/next");
  EXPECT_FALSE(parse_container_group_page(test::respond(200, "[]")));
}

TEST(ArmWireTest, AGroupMustBeAnObject) {
  EXPECT_TRUE(parse_container_group(test::respond(200, R"({"name":"a"})")));
  const auto error = parse_container_group(test::respond(200, "null", {{"x-ms-request-id", "r1"}}));
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error().code, "MalformedResponse");
  EXPECT_EQ(error.error().request_id, "r1");
}

TEST(ArmWireTest, ReadsOperationLinksAndRetryAfter) {
  const auto links = operation_links(
      test::respond(201, "", {{"Azure-AsyncOperation", "https://op"}, {"Location", "https://loc"}, {"Retry-After", "7"}}), kNow);
  EXPECT_EQ(links.async_operation_url, "https://op");
  EXPECT_EQ(links.location_url, "https://loc");
  EXPECT_EQ(links.retry_after, std::chrono::milliseconds(7s));
}

TEST(ArmWireTest, AFailedOperationCarriesItsError) {
  const auto status = parse_operation_status(R"({"status":"Failed","error":{"code":"InaccessibleImage","message":"no"}})");
  EXPECT_EQ(status.terminal, "Failed");
  EXPECT_EQ(status.error_code, "InaccessibleImage");
  EXPECT_EQ(status.error_message, "no");
  EXPECT_EQ(parse_operation_status(R"({"status":"Running"})").terminal, "");
}

// Found by azure_response_fuzz: a non-string code threw nlohmann's type_error out of the poll.
TEST(ArmWireTest, AnErrorThatIsNotTextIsIgnoredNotThrown) {
  const auto status = parse_operation_status(R"({"status":"Canceled","error":{"code":42,"message":["x"]}})");
  EXPECT_EQ(status.terminal, "Canceled");
  EXPECT_EQ(status.error_code, "");
  EXPECT_EQ(status.error_message, "");
}

}  // namespace
}  // namespace aci::azure
