#include "daemon/azure/http_arm_client.hpp"

#include <gtest/gtest.h>

#include "tests/unit/azure/azure_fixture.hpp"

namespace aci::azure {
namespace {

using namespace std::chrono_literals;
using test::answer;
using json = nlohmann::json;

const ContainerGroupRef kGroup{"sub-1", "rg-1", "web"};
const std::string kBase = "https://management.azure.com";
const std::string kOperationUrl =
    kBase + "/subscriptions/sub-1/providers/Microsoft.ContainerInstance/locations/westeurope/operations/op1"
            "?api-version=2023-05-01";

class HttpArmClientTest : public test::AzureFixture {
 protected:
  void SetUp() override {
    pipeline_ = make_pipeline(&tokens_);
    client_ = std::make_unique<HttpArmClient>(
        *pipeline_, ArmClientOptions{kBase + "/", kBase + "/.default", "2023-05-01", std::chrono::seconds(5)});
  }
  std::string target(std::size_t index) const { return transport_.sent.at(index).request.url; }

  std::unique_ptr<AzurePipeline> pipeline_;
  std::unique_ptr<HttpArmClient> client_;
};

TEST_F(HttpArmClientTest, BuildsContainerGroupUrls) {
  EXPECT_EQ(client_->container_group_url(kGroup),
            kBase + "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.ContainerInstance/"
                    "containerGroups/web?api-version=2023-05-01");
}

TEST_F(HttpArmClientTest, MissingGroupIsNotFound) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(404, R"({"error":{"code":"ResourceNotFound","message":"not found"}})");
  });
  auto got = run(client_->get_container_group(kGroup));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, AzureErrorKind::not_found);
  EXPECT_EQ(got.error().code, "ResourceNotFound");
}

TEST_F(HttpArmClientTest, ListFollowsNextLinkThroughEmptyPages) {
  transport_.set_handler([](const http::Request& request, std::size_t) {
    if (request.url.find("page=2") != std::string::npos)
      return answer(200, json{{"value", json::array()}, {"nextLink", kBase + "/x?page=3"}}.dump());
    if (request.url.find("page=3") != std::string::npos)
      return answer(200, json{{"value", json::array({json{{"name", "c"}}})}}.dump());
    return answer(200, json{{"value", json::array({json{{"name", "a"}}, json{{"name", "b"}}})},
                            {"nextLink", kBase + "/x?page=2"}}
                           .dump());
  });
  auto groups = run(client_->list_container_groups("sub-1", "rg-1"));
  ASSERT_TRUE(groups);
  ASSERT_EQ(groups->size(), 3u);
  EXPECT_EQ((*groups)[2]["name"], "c");
  EXPECT_EQ(transport_.sent.size(), 3u);
}

TEST_F(HttpArmClientTest, RefusesANextLinkToAnotherHost) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(200, json{{"value", json::array()}, {"nextLink", "https://attacker.example/x"}}.dump());
  });
  auto groups = run(client_->list_container_groups("sub-1", "rg-1"));
  ASSERT_FALSE(groups);
  EXPECT_EQ(groups.error().code, "UntrustedUrl");
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(HttpArmClientTest, PutThenFollowsAzureAsyncOperationToSucceeded) {
  int polls = 0;
  transport_.set_handler([&](const http::Request& request, std::size_t) {
    if (request.method == boost::beast::http::verb::put)
      return answer(201, R"({"name":"web","properties":{"provisioningState":"Creating"}})",
                    {{"Azure-AsyncOperation", kOperationUrl}, {"Retry-After", "2"}});
    if (request.url == kOperationUrl) {
      ++polls;
      return polls < 3 ? answer(200, R"({"status":"InProgress"})", {{"Retry-After", "3"}})
                       : answer(200, R"({"status":"succeeded"})");
    }
    return answer(200, R"({"name":"web","properties":{"provisioningState":"Succeeded"}})");
  });
  auto put = run(client_->put_container_group(kGroup, json{{"location", "westeurope"}}));
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 201u);
  EXPECT_FALSE(put->operation.done);
  EXPECT_EQ(json::parse(transport_.sent[0].request.body)["location"], "westeurope");
  EXPECT_EQ(transport_.sent[0].header("Content-Type"), "application/json");
  const auto started = clock_.steady_now();
  auto outcome = run(client_->wait_for_operation(put->operation, 10min));
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->succeeded());
  EXPECT_EQ(outcome->resource["properties"]["provisioningState"], "Succeeded");
  // Waits: 2 s (PUT's Retry-After), then 3 s and 3 s from the polls.
  EXPECT_EQ(clock_.steady_now() - started, 8s);
  EXPECT_EQ(polls, 3);
}

TEST_F(HttpArmClientTest, FailedOperationIsAnOutcomeWithItsError) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(200, R"({"status":"Failed","error":{"code":"InaccessibleImage","message":"no pull"}})");
  });
  LongRunningOperation operation;
  operation.group = kGroup;
  operation.async_operation_url = kOperationUrl;
  auto outcome = run(client_->wait_for_operation(operation, 1min));
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->status, "Failed");
  EXPECT_EQ(outcome->error_code, "InaccessibleImage");
  EXPECT_EQ(outcome->error_message, "no pull");
}

TEST_F(HttpArmClientTest, WithoutOperationHeadersPollsProvisioningStateUntilTheDeadline) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(200, R"({"properties":{"provisioningState":"Updating"}})");
  });
  LongRunningOperation operation;
  operation.group = kGroup;
  const auto started = clock_.steady_now();
  auto outcome = run(client_->wait_for_operation(operation, 12s));
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, AzureErrorKind::timeout);
  EXPECT_EQ(clock_.steady_now() - started, 12s);
  // Polls at 5 s, 10 s and at the deadline.
  EXPECT_EQ(transport_.sent.size(), 3u);
  EXPECT_EQ(target(0), client_->container_group_url(kGroup));
}

TEST_F(HttpArmClientTest, DeleteFollowsLocationUntilDone) {
  transport_.set_handler([](const http::Request& request, std::size_t index) {
    if (request.method == boost::beast::http::verb::delete_)
      return answer(202, "", {{"Location", kBase + "/subscriptions/sub-1/operationResults/op2"}});
    return index < 2 ? answer(202) : answer(204);
  });
  auto removed = run(client_->delete_container_group(kGroup));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 202u);
  auto outcome = run(client_->wait_for_operation(removed->operation, 1min));
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->succeeded());
  EXPECT_EQ(transport_.sent.size(), 3u);
}

TEST_F(HttpArmClientTest, DeletingAMissingGroupSucceedsAtOnce) {
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(204); });
  auto removed = run(client_->delete_container_group(kGroup));
  ASSERT_TRUE(removed);
  EXPECT_TRUE(removed->operation.done);
  auto outcome = run(client_->wait_for_operation(removed->operation, 1min));
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->succeeded());
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(HttpArmClientTest, PatchSendsOnlyTags) {
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(200, R"({"name":"web"})"); });
  auto patched = run(client_->patch_container_group_tags(kGroup, {{"owner", "me"}}));
  ASSERT_TRUE(patched);
  EXPECT_EQ(json::parse(transport_.sent[0].request.body), (json{{"tags", {{"owner", "me"}}}}));
  EXPECT_EQ(transport_.sent[0].request.method, boost::beast::http::verb::patch);
}

}  // namespace
}  // namespace aci::azure
