#include "daemon/azure/token_cache.hpp"

#include <gtest/gtest.h>

#include "tests/unit/azure/azure_fixture.hpp"
#include "tests/unit/core/metric_reader.hpp"

namespace aci::azure {
namespace {

using namespace std::chrono_literals;

const std::string kScope = "https://management.azure.com/.default";

class TokenCacheTest : public test::AzureFixture {
 protected:
  TokenCacheOptions options() {
    TokenCacheOptions o;
    o.failure_backoff = core::BackoffOptions{2s, 60s, 2.0, 0.0};
    return o;
  }
  std::unique_ptr<TokenCache> make_cache() {
    return std::make_unique<TokenCache>(executor(), tokens_, clock_, [] { return 0.0; }, logger_, &metrics_, options());
  }
  double refreshes(const std::string& result) {
    return test::metric_value(registry_, "aci_operator_token_refresh_total", {{"result", result}});
  }
};

TEST(TokenCacheRefreshTimeTest, HalfLifeOrFiveMinutesBeforeExpiryWhicheverIsFirst) {
  const core::WallTime t0{std::chrono::seconds(1767225600)};
  // 60 min token: half-life (30 min) comes before expiry - 5 min (55 min).
  EXPECT_EQ(refresh_time(AccessToken{"t", t0 + 60min, {}}, t0, 300s), t0 + 30min);
  // 8 min token: expiry - 5 min (3 min) comes before half-life (4 min).
  EXPECT_EQ(refresh_time(AccessToken{"t", t0 + 8min, {}}, t0, 300s), t0 + 3min);
  // 4 min token: the margin is longer than the token; half-life it is.
  EXPECT_EQ(refresh_time(AccessToken{"t", t0 + 4min, {}}, t0, 300s), t0 + 2min);
  // The issuer's refresh_in wins when earlier.
  EXPECT_EQ(refresh_time(AccessToken{"t", t0 + 60min, t0 + 10min}, t0, 300s), t0 + 10min);
}

TEST_F(TokenCacheTest, ConcurrentCallersShareOneFetch) {
  tokens_.latency = 500ms;
  auto cache = make_cache();
  auto a = start(cache->token(kScope));
  auto b = start(cache->token(kScope));
  auto c = start(cache->token(kScope));
  run(clock_.sleep_for(executor(), 1s));
  ASSERT_TRUE(a->finished && b->finished && c->finished);
  EXPECT_EQ(tokens_.calls, 1);
  ASSERT_TRUE(**a->value && **b->value && **c->value);
  EXPECT_EQ((**a->value)->token, (**c->value)->token);
  EXPECT_EQ(refreshes("success"), 1);
}

TEST_F(TokenCacheTest, ServesTheCachedTokenUntilItIsDueThenRefreshesAhead) {
  auto cache = make_cache();
  auto first = run(cache->token(kScope));
  ASSERT_TRUE(first);
  EXPECT_EQ(cache->refresh_at(kScope), clock_.now() + 30min);
  advance(29min);
  EXPECT_EQ(run(cache->token(kScope))->token, first->token);
  EXPECT_EQ(tokens_.calls, 1);
  advance(2min);  // past half-life, still 29 min before expiry
  auto second = run(cache->token(kScope));
  ASSERT_TRUE(second);
  EXPECT_NE(second->token, first->token);
  EXPECT_EQ(tokens_.calls, 2);
  // Scopes are cached separately.
  ASSERT_TRUE(run(cache->token("https://vault.azure.net/.default")));
  EXPECT_EQ(tokens_.calls, 3);
}

TEST_F(TokenCacheTest, CallersWithAValidTokenDoNotWaitForARefresh) {
  auto cache = make_cache();
  auto first = run(cache->token(kScope));
  advance(31min);
  tokens_.latency = 10s;
  auto refreshing = start(cache->token(kScope));
  poll();
  auto meanwhile = start(cache->token(kScope));
  poll();
  ASSERT_TRUE(meanwhile->finished);
  EXPECT_EQ((**meanwhile->value)->token, first->token);
  EXPECT_FALSE(refreshing->finished);
  run(clock_.sleep_for(executor(), 10s));
  ASSERT_TRUE(refreshing->finished);
  EXPECT_NE((**refreshing->value)->token, first->token);
  EXPECT_EQ(tokens_.calls, 2);
}

TEST_F(TokenCacheTest, FailedFetchIsRetriedOnlyAfterBackoffByTheNextCaller) {
  tokens_.fail = true;
  auto cache = make_cache();
  auto failed = run(cache->token(kScope));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "AADSTS7000215");
  EXPECT_EQ(tokens_.calls, 1);
  // Within the 2 s backoff: the same error, no new fetch, and when to come back.
  advance(1s);
  auto again = run(cache->token(kScope));
  ASSERT_FALSE(again);
  EXPECT_EQ(tokens_.calls, 1);
  EXPECT_EQ(again.error().retry_after, std::chrono::milliseconds(1000));
  advance(1s);
  ASSERT_FALSE(run(cache->token(kScope)));
  EXPECT_EQ(tokens_.calls, 2);
  // The next failure doubles the backoff.
  advance(3s);
  ASSERT_FALSE(run(cache->token(kScope)));
  EXPECT_EQ(tokens_.calls, 2);
  advance(1s);
  tokens_.fail = false;
  ASSERT_TRUE(run(cache->token(kScope)));
  EXPECT_EQ(tokens_.calls, 3);
  EXPECT_EQ(refreshes("error"), 2);
  EXPECT_EQ(refreshes("success"), 1);
}

TEST_F(TokenCacheTest, FailedRefreshAheadKeepsServingTheValidToken) {
  auto cache = make_cache();
  auto first = run(cache->token(kScope));
  advance(31min);
  tokens_.fail = true;
  auto during_outage = run(cache->token(kScope));
  ASSERT_TRUE(during_outage);
  EXPECT_EQ(during_outage->token, first->token);
  EXPECT_EQ(tokens_.calls, 2);
  EXPECT_TRUE(run(cache->token(kScope)));  // inside the backoff: no new fetch
  EXPECT_EQ(tokens_.calls, 2);
}

TEST_F(TokenCacheTest, InvalidateForcesANewFetchAndTokensAreRedacted) {
  auto cache = make_cache();
  auto first = run(cache->token(kScope));
  ASSERT_TRUE(first);
  cache->invalidate(kScope);
  auto second = run(cache->token(kScope));
  ASSERT_TRUE(second);
  EXPECT_EQ(tokens_.calls, 2);
  logger_.info("leak attempt", {{"token", second->token}});
  EXPECT_EQ(log_text().find(second->token), std::string::npos);
  EXPECT_NE(log_text().find("[REDACTED]"), std::string::npos);
}

TEST_F(TokenCacheTest, ShortLivedTokensAreRefreshedAtHalfLife) {
  tokens_.lifetime = 60s;
  auto cache = make_cache();
  ASSERT_TRUE(run(cache->token(kScope)));
  advance(29s);
  ASSERT_TRUE(run(cache->token(kScope)));
  EXPECT_EQ(tokens_.calls, 1);
  advance(2s);
  ASSERT_TRUE(run(cache->token(kScope)));
  EXPECT_EQ(tokens_.calls, 2);
}

}  // namespace
}  // namespace aci::azure
