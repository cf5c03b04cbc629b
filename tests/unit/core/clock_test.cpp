#include "daemon/core/clock.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <string>
#include <vector>

#include "tests/support/fake_clock.hpp"

namespace aci::core {
namespace {

using namespace std::chrono_literals;

struct Woken {
  std::string name;
  Duration at;  // steady time seen on waking, from the start
  bool reached;
};

boost::asio::awaitable<void> sleeper(const Clock& clock, Timer& timer, SteadyTime start, Duration delay,
                                     std::string name, std::vector<Woken>& out) {
  const bool reached = co_await timer.wait_until(start + delay);
  out.push_back({std::move(name), clock.steady_now() - start, reached});
}

TEST(FakeClockTest, WakesSleepersInDeadlineOrderEachAtItsOwnTime) {
  boost::asio::io_context io;
  test::FakeClock clock(io);
  const SteadyTime start = clock.steady_now();
  std::vector<Woken> woken;
  auto t3 = clock.make_timer(io.get_executor());
  auto t1 = clock.make_timer(io.get_executor());
  auto t2 = clock.make_timer(io.get_executor());
  boost::asio::co_spawn(io, sleeper(clock, *t3, start, 3s, "three", woken), boost::asio::detached);
  boost::asio::co_spawn(io, sleeper(clock, *t1, start, 1s, "one", woken), boost::asio::detached);
  boost::asio::co_spawn(io, sleeper(clock, *t2, start, 2s, "two", woken), boost::asio::detached);
  clock.poll();
  EXPECT_EQ(clock.sleeper_count(), 3u);
  EXPECT_EQ(clock.next_deadline(), start + 1s);

  clock.advance(5s);
  ASSERT_EQ(woken.size(), 3u);
  EXPECT_EQ(woken[0].name, "one");
  EXPECT_EQ(woken[0].at, 1s);
  EXPECT_EQ(woken[1].name, "two");
  EXPECT_EQ(woken[1].at, 2s);
  EXPECT_EQ(woken[2].name, "three");
  EXPECT_EQ(woken[2].at, 3s);
  EXPECT_TRUE(woken[2].reached);
  EXPECT_EQ(clock.steady_now() - start, 5s);
}

boost::asio::awaitable<void> sleep_twice(const Clock& clock, boost::asio::any_io_executor executor,
                                         std::vector<SteadyTime>& seen) {
  co_await clock.sleep_for(executor, 1s);
  seen.push_back(clock.steady_now());
  co_await clock.sleep_for(executor, 1s);
  seen.push_back(clock.steady_now());
}

TEST(FakeClockTest, SleepStartedDuringAnAdvanceFiresWithinIt) {
  boost::asio::io_context io;
  test::FakeClock clock(io);
  const SteadyTime start = clock.steady_now();
  std::vector<SteadyTime> seen;
  boost::asio::co_spawn(io, sleep_twice(clock, io.get_executor(), seen), boost::asio::detached);
  clock.poll();
  clock.advance(3s);
  EXPECT_EQ(seen, (std::vector<SteadyTime>{start + 1s, start + 2s}));
}

TEST(FakeClockTest, CancelEndsTheWaitWithFalse) {
  boost::asio::io_context io;
  test::FakeClock clock(io);
  const SteadyTime start = clock.steady_now();
  std::vector<Woken> woken;
  auto timer = clock.make_timer(io.get_executor());
  boost::asio::co_spawn(io, sleeper(clock, *timer, start, 1h, "cancelled", woken), boost::asio::detached);
  clock.poll();
  timer->cancel();
  clock.poll();
  ASSERT_EQ(woken.size(), 1u);
  EXPECT_FALSE(woken[0].reached);
  EXPECT_EQ(woken[0].at, 0s);
  EXPECT_EQ(clock.sleeper_count(), 0u);
}

TEST(FakeClockTest, PassedDeadlineCompletesThroughTheEventLoop) {
  boost::asio::io_context io;
  test::FakeClock clock(io);
  const SteadyTime start = clock.steady_now();
  std::vector<Woken> woken;
  auto timer = clock.make_timer(io.get_executor());
  boost::asio::co_spawn(io, sleeper(clock, *timer, start, -1s, "past", woken), boost::asio::detached);
  io.run_one();  // starts the coroutine, which must yield rather than finish inline
  EXPECT_TRUE(woken.empty());
  clock.poll();
  ASSERT_EQ(woken.size(), 1u);
  EXPECT_TRUE(woken[0].reached);
}

TEST(FakeClockTest, WallTimeFollowsSteadyTimeUntilSetApart) {
  boost::asio::io_context io;
  test::FakeClock clock(io);
  const WallTime wall = clock.now();
  const SteadyTime steady = clock.steady_now();
  EXPECT_EQ(wall, WallTime(std::chrono::seconds(1767225600)));
  clock.advance(90min);
  EXPECT_EQ(clock.now() - wall, 90min);
  EXPECT_EQ(clock.steady_now() - steady, 90min);
  clock.set_wall_time(wall - 24h);  // a wall-clock step does not move monotonic time
  EXPECT_EQ(clock.steady_now() - steady, 90min);
  EXPECT_EQ(clock.now(), wall - 24h);
}

TEST(FakeClockTest, TimerMayOutliveTheClock) {
  boost::asio::io_context io;
  TimerPtr timer;
  {
    test::FakeClock clock(io);
    timer = clock.make_timer(io.get_executor());
  }
  timer->cancel();
  timer.reset();
}

TEST(RealClockTest, CancelEndsAWaitWithFalse) {
  boost::asio::io_context io;
  RealClock clock;
  std::vector<Woken> woken;
  auto timer = clock.make_timer(io.get_executor());
  boost::asio::co_spawn(io, sleeper(clock, *timer, clock.steady_now(), 1h, "cancelled", woken),
                        boost::asio::detached);
  io.poll();
  timer->cancel();
  io.run();
  ASSERT_EQ(woken.size(), 1u);
  EXPECT_FALSE(woken[0].reached);
}

TEST(RealClockTest, PassedDeadlineIsReached) {
  boost::asio::io_context io;
  RealClock clock;
  std::vector<Woken> woken;
  auto timer = clock.make_timer(io.get_executor());
  boost::asio::co_spawn(io, sleeper(clock, *timer, clock.steady_now(), -1s, "past", woken), boost::asio::detached);
  io.run();
  ASSERT_EQ(woken.size(), 1u);
  EXPECT_TRUE(woken[0].reached);
  EXPECT_GT(clock.now().time_since_epoch().count(), 0);
}

}  // namespace
}  // namespace aci::core
