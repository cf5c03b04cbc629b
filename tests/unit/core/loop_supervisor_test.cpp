#include "daemon/core/loop_supervisor.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/core/test_fault.hpp"
#include "tests/unit/core/virtual_time_test.hpp"

namespace aci::core {
namespace {

using namespace std::chrono_literals;

class LoopSupervisorTest : public test::VirtualTimeTest {
 protected:
  LoopSupervisorTest() {
    LoopSupervisorOptions options;
    options.first_backoff = 1s;
    options.max_backoff = 8s;
    options.healthy_after = 60s;
    options.down_after = 3;
    supervisor().configure(clock_, log::Logger(sink_, "test"),
                           {[this](const std::string& name) { seen_.push_back(name); },
                            [this](const std::string& name) { failed_.push_back(name); }},
                           options);
  }

  LoopSupervisor& supervisor() { return loop_supervisor(executor()); }

  // A loop body that records when it started, throws its first `throws` runs, then
  // either returns or (forever) waits.
  std::function<boost::asio::awaitable<void>()> loop_body(int throws, bool then_return) {
    return [this, throws, then_return]() -> boost::asio::awaitable<void> {
      starts_.push_back(clock_.steady_now() - origin_);
      if (static_cast<int>(starts_.size()) <= throws) throw std::runtime_error("boom " + std::to_string(starts_.size()));
      if (!then_return) co_await clock_.sleep_for(executor(), std::chrono::hours(1000));
    };
  }

  std::string log_text() const { return log_.str(); }

  // Runs what is ready (a spawned loop's first run) before virtual time moves.
  void run_for(Duration step) {
    poll();
    advance(step);
  }

  std::ostringstream log_;
  std::shared_ptr<log::LogSink> sink_ = std::make_shared<log::LogSink>(log_, log::Level::debug);
  std::vector<std::string> seen_;
  std::vector<std::string> failed_;
  std::vector<Duration> starts_;
  SteadyTime origin_ = clock_.steady_now();
};

TEST_F(LoopSupervisorTest, RestartsAThrowingLoopAfterADoublingBackoff) {
  auto handle = supervisor().spawn(executor(), "resync", loop_body(4, true));
  run_for(30s);
  EXPECT_EQ(starts_, (std::vector<Duration>{0s, 1s, 3s, 7s, 15s}));
  EXPECT_EQ(failed_, std::vector<std::string>(4, "resync"));
  EXPECT_EQ(seen_, std::vector<std::string>{"resync"});
  EXPECT_NE(log_text().find("background loop failed; restarting it after a backoff"), std::string::npos);
  EXPECT_NE(log_text().find("boom 4"), std::string::npos);
}

TEST_F(LoopSupervisorTest, BackoffStopsGrowingAtItsMaximum) {
  auto handle = supervisor().spawn(executor(), "resync", loop_body(6, true));
  run_for(60s);
  // 1, 2, 4, 8, then 8 again (max_backoff).
  EXPECT_EQ(starts_, (std::vector<Duration>{0s, 1s, 3s, 7s, 15s, 23s, 31s}));
}

TEST_F(LoopSupervisorTest, ALoopThatReturnsIsNotRestarted) {
  auto handle = supervisor().spawn(executor(), "once", loop_body(0, true));
  run_for(10min);
  EXPECT_EQ(starts_.size(), 1u);
  EXPECT_TRUE(failed_.empty());
  EXPECT_EQ(clock_.sleeper_count(), 0u);
}

TEST_F(LoopSupervisorTest, ARunOfHealthyAfterResetsTheBackoff) {
  int runs = 0;
  auto handle = supervisor().spawn(executor(), "resync", [&]() -> boost::asio::awaitable<void> {
    ++runs;
    starts_.push_back(clock_.steady_now() - origin_);
    if (runs == 3) co_await clock_.sleep_for(executor(), 70s);  // a long, healthy run
    if (runs <= 4) throw std::runtime_error("boom");
  });
  run_for(2min);
  // 0 fails, +1 s fails, +2 s runs 70 s then fails, +1 s (reset, not 4 s) fails, +2 s returns.
  EXPECT_EQ(starts_, (std::vector<Duration>{0s, 1s, 3s, 74s, 76s}));
}

TEST_F(LoopSupervisorTest, OneFailureIsNotDown) {
  auto handle = supervisor().spawn(executor(), "resync", loop_body(1, false));
  run_for(5s);
  EXPECT_EQ(failed_.size(), 1u);
  EXPECT_TRUE(supervisor().down_loops().empty());
}

TEST_F(LoopSupervisorTest, RepeatedFailuresAreDownUntilARestartRunsForHealthyAfter) {
  auto handle = supervisor().spawn(executor(), "resync", loop_body(3, false));
  run_for(2s);  // two failures: not yet down
  EXPECT_TRUE(supervisor().down_loops().empty());
  run_for(2s);  // the third failure, at 3 s
  const auto down = supervisor().down_loops();
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].name, "resync");
  EXPECT_EQ(down[0].consecutive_failures, 3u);
  EXPECT_EQ(down[0].last_error, "boom 3");
  run_for(4s);  // restarted at 7 s and running, but not for long
  EXPECT_EQ(starts_.size(), 4u);
  EXPECT_EQ(supervisor().down_loops().size(), 1u);
  run_for(60s);
  EXPECT_TRUE(supervisor().down_loops().empty());
}

TEST_F(LoopSupervisorTest, NoRestartAfterStop) {
  auto handle = supervisor().spawn(executor(), "resync", loop_body(100, false));
  poll();
  ASSERT_EQ(starts_.size(), 1u);
  supervisor().stop();
  poll();
  // The pending backoff ended at once, so nothing keeps the io_context busy.
  EXPECT_EQ(clock_.sleeper_count(), 0u);
  run_for(10min);
  EXPECT_EQ(starts_.size(), 1u);
  // A loop spawned after stop() does not start either.
  auto late = supervisor().spawn(executor(), "late", loop_body(0, true));
  run_for(1s);
  EXPECT_EQ(starts_.size(), 1u);
}

TEST_F(LoopSupervisorTest, NoRestartOnceTheHandleIsGone) {
  auto handle = supervisor().spawn(executor(), "resync", loop_body(100, false));
  poll();
  ASSERT_EQ(starts_.size(), 1u);
  handle = LoopHandle{};
  poll();
  EXPECT_EQ(clock_.sleeper_count(), 0u);
  run_for(10min);
  EXPECT_EQ(starts_.size(), 1u);
  EXPECT_TRUE(supervisor().down_loops().empty());
}

TEST_F(LoopSupervisorTest, ALoopCancelledBeforeItBeganNeverRuns) {
  auto handle = supervisor().spawn(executor(), "resync", loop_body(0, true));
  handle.cancel();  // the start is posted, not run yet
  poll();
  EXPECT_TRUE(starts_.empty());
}

TEST_F(LoopSupervisorTest, AOneShotThatThrowsIsReportedAndNotRestarted) {
  int runs = 0;
  bool handled = false;
  supervisor().spawn_once(
      executor(), "shutdown",
      [&]() -> boost::asio::awaitable<void> {
        ++runs;
        throw std::runtime_error("no way out");
        co_return;
      },
      [&] { handled = true; });
  run_for(10min);
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(handled);
  EXPECT_EQ(failed_, std::vector<std::string>{"shutdown"});
  EXPECT_NE(log_text().find("no way out"), std::string::npos);
}

TEST_F(LoopSupervisorTest, AOneShotThatSucceedsReportsNothing) {
  bool handled = false;
  supervisor().spawn_once(
      executor(), "plan", []() -> boost::asio::awaitable<void> { co_return; }, [&] { handled = true; });
  poll();
  EXPECT_FALSE(handled);
  EXPECT_TRUE(failed_.empty());
  EXPECT_EQ(seen_, std::vector<std::string>{"plan"});
}

TEST_F(LoopSupervisorTest, ThrowingFromAFailureHandlerEscapesNothing) {
  supervisor().spawn_once(
      executor(), "shutdown",
      []() -> boost::asio::awaitable<void> {
        throw std::runtime_error("first");
        co_return;
      },
      [] { throw std::runtime_error("second"); });
  EXPECT_NO_THROW(poll());
  EXPECT_NE(log_text().find("second"), std::string::npos);
}

TEST_F(LoopSupervisorTest, LoopsSeenBeforeConfigureAreReportedToIt) {
  boost::asio::io_context other;
  auto handle = spawn_supervised(other.get_executor(), "early", loop_body(0, true));
  std::vector<std::string> seen;
  loop_supervisor(other.get_executor())
      .configure(clock_, log::Logger(sink_, "test"), {[&](const std::string& name) { seen.push_back(name); }, {}});
  EXPECT_EQ(seen, std::vector<std::string>{"early"});
}

TEST(TestFaultTest, ThrowsAsOftenAsArmedAtTheNamedPointOnly) {
  arm_test_faults("resync,instance_view:2,bad:x");
  EXPECT_THROW(test_fault_point("resync"), std::runtime_error);
  EXPECT_NO_THROW(test_fault_point("resync"));
  EXPECT_THROW(test_fault_point("instance_view"), std::runtime_error);
  EXPECT_THROW(test_fault_point("instance_view"), std::runtime_error);
  EXPECT_NO_THROW(test_fault_point("instance_view"));
  EXPECT_THROW(test_fault_point("bad"), std::runtime_error);  // an unreadable count is 1
  EXPECT_NO_THROW(test_fault_point("directory_watch"));
  arm_test_faults("");
}

}  // namespace
}  // namespace aci::core
