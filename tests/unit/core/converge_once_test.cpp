#include "daemon/core/converge_once.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>
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

// Throws for its first `throws` calls, then converges.
class ThrowingReconciler final : public Reconciler {
 public:
  int throws = 0;

  boost::asio::awaitable<Result> reconcile(const std::string&) override {
    if (throws-- > 0) throw std::runtime_error("bug in reconcile");
    co_return Result::done();
  }
};

class ConvergeOnceThrowTest : public ::testing::Test {
 protected:
  // One attempt: its result, or what it threw.
  std::pair<std::optional<Result>, std::exception_ptr> attempt(ConvergeOnce& once, const std::string& key) {
    std::optional<Result> result;
    std::exception_ptr error;
    boost::asio::co_spawn(
        io_, [&]() -> boost::asio::awaitable<void> { result = co_await once.reconcile(key); },
        [&](const std::exception_ptr& e) { error = e; });
    io_.restart();
    io_.run();
    return {result, error};
  }

  boost::asio::io_context io_;
  ThrowingReconciler inner_;
  int settled_calls_ = 0;
};

TEST_F(ConvergeOnceThrowTest, AThrowIsAFailedAttemptAndSettlesTheKeyAtTheLimit) {
  inner_.throws = 10;
  ConvergeOnce once(inner_, 2, [&] { ++settled_calls_; });
  once.expect("a");
  once.arm();
  const auto [first, first_error] = attempt(once, "a");
  EXPECT_FALSE(first);
  EXPECT_TRUE(first_error);  // below the limit the Controller sees the throw, as without ConvergeOnce
  EXPECT_EQ(once.outcomes().at("a").attempts, 1u);
  EXPECT_EQ(once.outcomes().at("a").error, "reconcile threw: bug in reconcile");
  EXPECT_EQ(settled_calls_, 0);
  const auto [last, last_error] = attempt(once, "a");
  EXPECT_FALSE(last_error);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->kind(), Result::Kind::terminal);
  EXPECT_EQ(last->error(), "reconcile threw: bug in reconcile");
  EXPECT_EQ(settled_calls_, 1);
  EXPECT_FALSE(once.all_ok());
}

TEST_F(ConvergeOnceThrowTest, AThrowThenASuccessConverges) {
  inner_.throws = 1;
  ConvergeOnce once(inner_, 3, [&] { ++settled_calls_; });
  once.expect("a");
  once.arm();
  EXPECT_TRUE(attempt(once, "a").second);
  const auto [result, error] = attempt(once, "a");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->kind(), Result::Kind::done);
  EXPECT_EQ(settled_calls_, 1);
  EXPECT_TRUE(once.all_ok());
  EXPECT_EQ(once.outcomes().at("a").attempts, 2u);
}

}  // namespace
}  // namespace aci::core
