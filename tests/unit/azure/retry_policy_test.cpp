#include "daemon/azure/retry_policy.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace aci::azure {
namespace {

using namespace std::chrono_literals;
using verb = boost::beast::http::verb;

RetryOptions options() {
  RetryOptions o;
  o.max_retries = 4;
  o.base_delay = 800ms;
  o.max_delay = 5s;
  o.jitter = 0.5;
  o.max_retry_after = 60s;
  return o;
}

TEST(RetryPolicyTest, SafeMethodsRetryThrottlingTimeoutsAndServerErrors) {
  for (const auto method : {verb::get, verb::head, verb::delete_}) {
    for (const unsigned status : {408u, 429u, 500u, 502u, 503u, 504u})
      EXPECT_TRUE(is_retryable_status(method, RetryMode::by_method, status)) << status;
    for (const unsigned status : {400u, 401u, 403u, 404u, 409u, 501u, 505u})
      EXPECT_FALSE(is_retryable_status(method, RetryMode::by_method, status)) << status;
  }
}

TEST(RetryPolicyTest, UnsafeMethodsRetryOnlyThrottling) {
  for (const auto method : {verb::put, verb::post, verb::patch}) {
    EXPECT_TRUE(is_retryable_status(method, RetryMode::by_method, 429));
    for (const unsigned status : {408u, 500u, 502u, 503u, 504u})
      EXPECT_FALSE(is_retryable_status(method, RetryMode::by_method, status)) << status;
  }
  EXPECT_TRUE(is_retryable_status(verb::post, RetryMode::idempotent, 503));
}

TEST(RetryPolicyTest, ManagedIdentityAlsoRetriesNotFoundAndGone) {
  EXPECT_TRUE(is_retryable_status(verb::get, RetryMode::managed_identity, 404));
  EXPECT_TRUE(is_retryable_status(verb::get, RetryMode::managed_identity, 410));
  EXPECT_FALSE(is_retryable_status(verb::get, RetryMode::by_method, 410));
  EXPECT_FALSE(is_retryable_status(verb::get, RetryMode::managed_identity, 400));
}

TEST(RetryPolicyTest, UnsafeMethodsRetryTransportErrorsOnlyBeforeSending) {
  const http::Error refused{http::ErrorKind::connect, "https://h:443: connecting: Connection refused"};
  const http::Error handshake{http::ErrorKind::tls, "https://h:443: TLS handshake: stream truncated"};
  const http::Error pool{http::ErrorKind::timeout, "h:443: waiting for a connection: deadline exceeded"};
  const http::Error reset{http::ErrorKind::closed, "https://h:443: reading the response header: reset"};
  const http::Error slow{http::ErrorKind::timeout, "https://h:443: reading the response header: deadline exceeded"};
  EXPECT_TRUE(is_retryable_transport(verb::put, RetryMode::by_method, refused));
  EXPECT_TRUE(is_retryable_transport(verb::post, RetryMode::by_method, handshake));
  EXPECT_TRUE(is_retryable_transport(verb::put, RetryMode::by_method, pool));
  EXPECT_FALSE(is_retryable_transport(verb::put, RetryMode::by_method, reset));
  EXPECT_FALSE(is_retryable_transport(verb::post, RetryMode::by_method, slow));
  EXPECT_TRUE(is_retryable_transport(verb::get, RetryMode::by_method, reset));
  EXPECT_TRUE(is_retryable_transport(verb::delete_, RetryMode::by_method, slow));
}

TEST(RetryPolicyTest, NeverRetriesCancellationRefusedCertificatesOrBadRequests) {
  EXPECT_FALSE(is_retryable_transport(verb::get, RetryMode::by_method,
                                      {http::ErrorKind::cancelled, "h: reading: cancelled"}));
  EXPECT_FALSE(is_retryable_transport(
      verb::get, RetryMode::by_method,
      {http::ErrorKind::tls, "https://h:443: TLS handshake: certificate verification failed: self-signed"}));
  EXPECT_FALSE(is_retryable_transport(verb::get, RetryMode::by_method, {http::ErrorKind::protocol, "invalid URL"}));
}

TEST(RetryPolicyTest, BackoffDoublesToTheCapAndStopsAfterMaxRetries) {
  const core::UniformRandom pinned = [] { return 0.0; };
  RetryPolicy policy(options(), pinned);
  std::vector<std::chrono::milliseconds> delays;
  while (const auto delay = policy.next_delay(std::nullopt)) delays.push_back(*delay);
  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{800ms, 1600ms, 3200ms, 5000ms}));
  EXPECT_EQ(policy.retries(), 4);
}

TEST(RetryPolicyTest, JitterShortensDelaysByThePinnedFraction) {
  const core::UniformRandom pinned = [] { return 0.5; };
  RetryPolicy policy(options(), pinned);
  EXPECT_EQ(policy.next_delay(std::nullopt), 600ms);   // 800 * (1 - 0.5 * 0.5)
  EXPECT_EQ(policy.next_delay(std::nullopt), 1200ms);  // 1600 * 0.75
}

TEST(RetryPolicyTest, ServerRetryAfterReplacesBackoffUnlessTooLong) {
  const core::UniformRandom pinned = [] { return 0.0; };
  RetryPolicy policy(options(), pinned);
  EXPECT_EQ(policy.next_delay(2s), 2000ms);
  EXPECT_EQ(policy.next_delay(std::nullopt), 1600ms);  // the curve kept moving
  EXPECT_EQ(policy.next_delay(61s), std::nullopt);     // hand back to the reconcile loop
}

}  // namespace
}  // namespace aci::azure
