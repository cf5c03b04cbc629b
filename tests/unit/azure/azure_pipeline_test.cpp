#include "daemon/azure/azure_pipeline.hpp"

#include <gtest/gtest.h>

#include "tests/unit/azure/azure_fixture.hpp"
#include "tests/unit/core/metric_reader.hpp"

namespace aci::azure {
namespace {

using namespace std::chrono_literals;
using test::answer;
using verb = boost::beast::http::verb;

class AzurePipelineTest : public test::AzureFixture {
 protected:
  AzureRequest request(verb method = verb::get) {
    AzureRequest r;
    r.service = "arm";
    r.operation = "containerGroups.get";
    r.method = method;
    r.url = "https://management.azure.com/subscriptions/s/x?api-version=2023-05-01";
    r.scope = "https://management.azure.com/.default";
    return r;
  }

  double requests(const std::string& code) {
    return test::metric_value(registry_, "aci_operator_azure_requests_total",
                              {{"service", "arm"}, {"operation", "containerGroups.get"}, {"code", code}});
  }
};

TEST_F(AzurePipelineTest, RetriesServerErrorsWithBackoffKeepingOneClientRequestId) {
  transport_.set_handler([](const http::Request&, std::size_t index) {
    return index < 2 ? answer(500, R"({"error":{"code":"InternalServerError","message":"x"}})") : answer(200, "{}");
  });
  auto pipeline = make_pipeline(&tokens_);
  const auto started = clock_.steady_now();
  auto response = run(pipeline->send(request()));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  ASSERT_EQ(transport_.sent.size(), 3u);
  // Backoff 100 ms then 200 ms (random pinned at 0: no jitter).
  EXPECT_EQ(clock_.steady_now() - started, 300ms);
  const auto id = transport_.sent[0].header("x-ms-client-request-id");
  EXPECT_EQ(id.size(), 36u);
  for (const auto& sent : transport_.sent) EXPECT_EQ(sent.header("x-ms-client-request-id"), id);
  EXPECT_EQ(transport_.sent[0].header("Authorization"), "Bearer token-https://management.azure.com/.default-1");
  EXPECT_EQ(requests("500"), 2);
  EXPECT_EQ(requests("200"), 1);
  // Each logical call gets a new id.
  ASSERT_TRUE(run(pipeline->send(request())));
  EXPECT_NE(transport_.sent.back().header("x-ms-client-request-id"), id);
}

TEST_F(AzurePipelineTest, HonoursRetryAfterOn429AndCountsThrottling) {
  transport_.set_handler([](const http::Request&, std::size_t index) {
    return index == 0 ? answer(429, "", {{"Retry-After", "7"}}) : answer(200, "{}");
  });
  auto pipeline = make_pipeline(&tokens_);
  const auto started = clock_.steady_now();
  auto response = run(pipeline->send(request(verb::put)));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(clock_.steady_now() - started, 7s);
  EXPECT_EQ(test::metric_value(registry_, "aci_operator_azure_throttled_total", {{"service", "arm"}}), 1);
}

TEST_F(AzurePipelineTest, DoesNotRepeatAPutAfterAServerError) {
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(500); });
  auto pipeline = make_pipeline(&tokens_);
  auto response = run(pipeline->send(request(verb::put)));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500u);
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(AzurePipelineTest, RepeatsAPostOnlyWhenItNeverLeft) {
  transport_.set_handler([](const http::Request&, std::size_t index) {
    return index == 0 ? test::transport_failure(http::ErrorKind::connect, "https://h:443: connecting: refused")
                      : answer(200, "{}");
  });
  auto pipeline = make_pipeline(&tokens_);
  ASSERT_TRUE(run(pipeline->send(request(verb::post))));
  EXPECT_EQ(transport_.sent.size(), 2u);

  transport_.sent.clear();
  transport_.set_handler([](const http::Request&, std::size_t) {
    return test::transport_failure(http::ErrorKind::closed, "https://h:443: reading the response header: reset");
  });
  auto failed = run(pipeline->send(request(verb::post)));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, AzureErrorKind::transport);
  EXPECT_EQ(transport_.sent.size(), 1u);
}

TEST_F(AzurePipelineTest, GivesUpAfterMaxRetriesAndReturnsTheLastResponse) {
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(503); });
  auto pipeline = make_pipeline(&tokens_);
  auto response = run(pipeline->send(request()));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503u);
  EXPECT_EQ(transport_.sent.size(), 4u);  // 1 + max_retries (3)
}

TEST_F(AzurePipelineTest, HandsBackALongRetryAfterInsteadOfSleeping) {
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(429, "", {{"Retry-After", "600"}}); });
  auto pipeline = make_pipeline(&tokens_);
  const auto started = clock_.steady_now();
  auto response = run(pipeline->send(request()));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 429u);
  EXPECT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(clock_.steady_now(), started);
  EXPECT_EQ(error_from_response("arm", *response, clock_.now()).retry_after, std::chrono::milliseconds(600s));
}

TEST_F(AzurePipelineTest, A401WithATokenGetsOneFreshTokenAndOneMoreTry) {
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(401); });
  auto pipeline = make_pipeline(&tokens_);
  auto response = run(pipeline->send(request()));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 401u);
  EXPECT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(tokens_.invalidated, std::vector<std::string>{"https://management.azure.com/.default"});
}

TEST_F(AzurePipelineTest, TokenFailureEndsTheCallWithoutSending) {
  tokens_.fail = true;
  auto pipeline = make_pipeline(&tokens_);
  auto response = run(pipeline->send(request()));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, "AADSTS7000215");
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(AzurePipelineTest, ThrottleDelaysRequestsOfAPacedSubscription) {
  ArmThrottle throttle(clock_, ArmThrottleOptions{{250, 25.0}, {200, 10.0}, 0.2});
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(200, "{}", {{"x-ms-ratelimit-remaining-subscription-reads", "5"}});
  });
  auto pipeline = make_pipeline(&tokens_, &throttle);
  auto paced = request();
  paced.throttle = ArmLane{"sub", ArmOperationClass::read};
  const auto started = clock_.steady_now();
  ASSERT_TRUE(run(pipeline->send(paced)));
  EXPECT_EQ(clock_.steady_now(), started);  // nothing known yet
  EXPECT_EQ(throttle.remaining("sub", ArmOperationClass::read), 5);
  ASSERT_TRUE(run(pipeline->send(paced)));
  ASSERT_TRUE(run(pipeline->send(paced)));
  // 5 left of a 50 threshold: 400 ms between requests.
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(clock_.steady_now() - started), 400ms);
}

TEST_F(AzurePipelineTest, ShutdownEndsABackoffWaitAsCancelled) {
  transport_.set_handler([](const http::Request&, std::size_t) { return answer(503, "", {{"Retry-After", "30"}}); });
  auto pipeline = make_pipeline(&tokens_);
  auto call = start(pipeline->send(request()));
  poll();
  EXPECT_FALSE(call->finished);
  pipeline->shutdown();
  poll();
  ASSERT_TRUE(call->finished);
  const auto& result = **call->value;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, AzureErrorKind::cancelled);
}

TEST_F(AzurePipelineTest, LogsTheServerRequestIdButNeverTheToken) {
  transport_.set_handler([](const http::Request&, std::size_t) {
    return answer(200, "{}", {{"x-ms-request-id", "server-id-123"}});
  });
  auto pipeline = make_pipeline(&tokens_);
  auto put = request(verb::put);
  ASSERT_TRUE(run(pipeline->send(put)));
  const auto text = log_text();
  EXPECT_NE(text.find("server-id-123"), std::string::npos);
  EXPECT_NE(text.find(transport_.sent[0].header("x-ms-client-request-id")), std::string::npos);
  EXPECT_EQ(text.find("token-https"), std::string::npos);
}

}  // namespace
}  // namespace aci::azure
