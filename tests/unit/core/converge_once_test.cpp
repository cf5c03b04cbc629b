#include "daemon/core/converge_once.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <map>
#include <optional>
#include <vector>

namespace aci::core {
namespace {

// Answers each key with the next result from its script.
class ScriptedReconciler final : public Reconciler {
 public:
  std::map<std::string, std::vector<Result>> script;

  boost::asio::awaitable<Result> reconcile(const std::string& key) override {
    auto& results = script.at(key);
    auto result = results.front();
    if (results.size() > 1) results.erase(results.begin());
    co_return result;
  }
};

class ConvergeOnceTest : public ::testing::Test {
 protected:
  Result run(ConvergeOnce& once, const std::string& key) {
    std::optional<Result> result;
    // co_spawn needs a default-constructible result; Result is not, so store it here.
    auto task = [&]() -> boost::asio::awaitable<void> { result = co_await once.reconcile(key); };
    boost::asio::co_spawn(io_, task(), boost::asio::detached);
    io_.restart();
    io_.run();
    return result.value_or(Result::terminal("did not finish"));
  }

  boost::asio::io_context io_;
  ScriptedReconciler inner_;
  int settled_calls_ = 0;
};

TEST_F(ConvergeOnceTest, FiresOnceWhenEveryExpectedKeySettled) {
  inner_.script["a"] = {Result::done()};
  inner_.script["b"] = {Result::retry("flaky"), Result::requeue_after(std::chrono::seconds(5))};
  ConvergeOnce once(inner_, 3, [&] { ++settled_calls_; });
  once.expect("a");
  once.expect("b");
  once.arm();
  EXPECT_EQ(run(once, "a").kind(), Result::Kind::done);
  EXPECT_EQ(run(once, "b").kind(), Result::Kind::retry);
  EXPECT_EQ(settled_calls_, 0);
  run(once, "b");
  EXPECT_EQ(settled_calls_, 1);
  EXPECT_TRUE(once.all_ok());
  EXPECT_EQ(once.outcomes().at("b").attempts, 2u);
}

TEST_F(ConvergeOnceTest, ARetryPastTheAttemptLimitBecomesTerminal) {
  inner_.script["a"] = {Result::retry("Azure said no")};
  ConvergeOnce once(inner_, 2, [&] { ++settled_calls_; });
  once.expect("a");
  once.arm();
  EXPECT_EQ(run(once, "a").kind(), Result::Kind::retry);
  const auto last = run(once, "a");
  EXPECT_EQ(last.kind(), Result::Kind::terminal);
  EXPECT_EQ(last.error(), "Azure said no");
  EXPECT_EQ(settled_calls_, 1);
  EXPECT_FALSE(once.all_ok());
  EXPECT_EQ(once.outcomes().at("a").error, "Azure said no");
}

TEST_F(ConvergeOnceTest, NothingExpectedFiresAtArm) {
  ConvergeOnce once(inner_, 1, [&] { ++settled_calls_; });
  once.arm();
  EXPECT_EQ(settled_calls_, 1);
}

TEST_F(ConvergeOnceTest, KeysNotExpectedPassThroughUncounted) {
  inner_.script["late"] = {Result::retry("x")};
  ConvergeOnce once(inner_, 1, [&] { ++settled_calls_; });
  once.expect("a");
  once.arm();
  EXPECT_EQ(run(once, "late").kind(), Result::Kind::retry);
  EXPECT_EQ(settled_calls_, 0);
  EXPECT_FALSE(once.outcomes().contains("late"));
}

}  // namespace
}  // namespace aci::core
