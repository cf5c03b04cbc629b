#include "daemon/core/work_queue.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <string>
#include <vector>

#include "daemon/metrics/controller_metrics.hpp"
#include "tests/unit/core/metric_reader.hpp"
#include "tests/unit/core/virtual_time_test.hpp"

namespace aci::core {
namespace {

using namespace std::chrono_literals;
using test::Spawned;

class WorkQueueTest : public test::VirtualTimeTest {
 protected:
  RateLimiterOptions limits(Duration base = 5ms, Duration cap = 1000s) {
    RateLimiterOptions options;
    options.base_delay = base;
    options.max_delay = cap;
    options.qps = 1e9;  // the overall bucket stays out of the way unless a test wants it
    options.burst = 1000000;
    return options;
  }

  WorkQueue make_queue(RateLimiterOptions options) {
    return WorkQueue(executor(), clock_, make_controller_rate_limiter(clock_, options));
  }

  // get() on a non-empty queue completes at once; this takes it synchronously.
  std::string take(WorkQueue& queue) {
    auto got = spawn(queue.get());
    poll();
    EXPECT_TRUE(got->finished);
    if (!got->finished || !got->value || !*got->value) return "<none>";
    return **got->value;
  }

  // How far in the future the queue's next scheduled add is.
  Duration next_delay() {
    const auto next = clock_.next_deadline();
    return next ? *next - clock_.steady_now() : Duration::max();
  }
};

TEST_F(WorkQueueTest, DeduplicatesKeyWhileQueued) {
  WorkQueue queue = make_queue(limits());
  queue.add("a");
  queue.add("b");
  queue.add("a");
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(take(queue), "a");
  EXPECT_EQ(take(queue), "b");
  EXPECT_EQ(queue.size(), 0u);
}

TEST_F(WorkQueueTest, NeverHandsOutAKeyThatIsBeingProcessed) {
  WorkQueue queue = make_queue(limits());
  queue.add("a");
  ASSERT_EQ(take(queue), "a");

  queue.add("a");
  auto second = spawn(queue.get());
  poll();
  EXPECT_FALSE(second->finished) << "a second worker got a key still in process";
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_EQ(queue.depth(), 1u);

  queue.done("a");
  poll();
  ASSERT_TRUE(second->finished);
  EXPECT_EQ(**second->value, "a");
}

TEST_F(WorkQueueTest, KeyAddedDuringProcessingComesBackOnceAfterDone) {
  WorkQueue queue = make_queue(limits());
  queue.add("a");
  ASSERT_EQ(take(queue), "a");
  queue.add("a");
  queue.add("a");
  queue.add("a");
  queue.done("a");
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(take(queue), "a");
  queue.done("a");
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_EQ(queue.processing_count(), 0u);
}

TEST_F(WorkQueueTest, DoneWithoutAnAddDoesNotRequeue) {
  WorkQueue queue = make_queue(limits());
  queue.add("a");
  ASSERT_EQ(take(queue), "a");
  queue.done("a");
  EXPECT_EQ(queue.size(), 0u);
  EXPECT_EQ(queue.depth(), 0u);
}

TEST_F(WorkQueueTest, WaitingGetterReceivesTheNextAdd) {
  WorkQueue queue = make_queue(limits());
  auto got = spawn(queue.get());
  poll();
  EXPECT_FALSE(got->finished);
  queue.add("x");
  poll();
  ASSERT_TRUE(got->finished);
  EXPECT_EQ(**got->value, "x");
}

TEST_F(WorkQueueTest, EachAddWakesOneWaitingGetter) {
  WorkQueue queue = make_queue(limits());
  auto first = spawn(queue.get());
  auto second = spawn(queue.get());
  auto third = spawn(queue.get());
  poll();
  queue.add("a");
  queue.add("b");
  poll();
  ASSERT_TRUE(first->finished);
  ASSERT_TRUE(second->finished);
  EXPECT_FALSE(third->finished);
  EXPECT_EQ(**first->value, "a");
  EXPECT_EQ(**second->value, "b");
}

TEST_F(WorkQueueTest, AddAfterFiresAtTheVirtualDeadline) {
  WorkQueue queue = make_queue(limits());
  queue.add_after("a", 10s);
  poll();
  EXPECT_EQ(queue.waiting_count(), 1u);
  advance(10s - 1ms);
  EXPECT_EQ(queue.size(), 0u);
  advance(1ms);
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue.waiting_count(), 0u);
  EXPECT_EQ(clock_.sleeper_count(), 0u) << "an idle queue should hold no timer";
}

TEST_F(WorkQueueTest, AddAfterKeepsTheEarlierOfTwoTimes) {
  WorkQueue queue = make_queue(limits());
  queue.add_after("a", 10s);
  queue.add_after("a", 20s);
  queue.add_after("a", 5s);
  poll();
  advance(5s);
  ASSERT_EQ(queue.size(), 1u);
  ASSERT_EQ(take(queue), "a");
  queue.done("a");
  advance(30s);
  EXPECT_EQ(queue.size(), 0u) << "the superseded later times must not add the key again";
}

TEST_F(WorkQueueTest, EarlierAddAfterWakesTheSleepingScheduler) {
  WorkQueue queue = make_queue(limits());
  queue.add_after("late", 60s);
  poll();
  queue.add_after("early", 1s);
  poll();
  advance(1s);
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(take(queue), "early");
  advance(59s);
  EXPECT_EQ(take(queue), "late");
}

TEST_F(WorkQueueTest, DelayedKeysArriveInDeadlineOrder) {
  WorkQueue queue = make_queue(limits());
  queue.add_after("c", 3s);
  queue.add_after("a", 1s);
  queue.add_after("b", 2s);
  poll();
  advance(5s);
  EXPECT_EQ(take(queue), "a");
  EXPECT_EQ(take(queue), "b");
  EXPECT_EQ(take(queue), "c");
}

TEST_F(WorkQueueTest, NonPositiveDelayAddsAtOnce) {
  WorkQueue queue = make_queue(limits());
  queue.add_after("a", 0s);
  queue.add_after("b", -5s);
  EXPECT_EQ(queue.size(), 2u);
}

TEST_F(WorkQueueTest, RateLimitedBackoffDoublesToTheCap) {
  WorkQueue queue = make_queue(limits(5ms, 100ms));
  const std::vector<Duration> expected{5ms, 10ms, 20ms, 40ms, 80ms, 100ms, 100ms};
  for (const Duration want : expected) {
    queue.add_rate_limited("a");
    poll();
    EXPECT_EQ(next_delay(), want);
    advance(want - 1ns);
    EXPECT_EQ(queue.size(), 0u);
    advance(1ns);
    ASSERT_EQ(queue.size(), 1u);
    ASSERT_EQ(take(queue), "a");
    queue.done("a");
  }
  EXPECT_EQ(queue.num_requeues("a"), expected.size());
}

TEST_F(WorkQueueTest, ForgetResetsTheBackoff) {
  WorkQueue queue = make_queue(limits(5ms, 100ms));
  for (int i = 0; i < 3; ++i) queue.add_rate_limited("a");
  EXPECT_EQ(queue.num_requeues("a"), 3u);
  poll();
  advance(1s);
  ASSERT_EQ(take(queue), "a");
  queue.done("a");

  queue.forget("a");
  EXPECT_EQ(queue.num_requeues("a"), 0u);
  queue.add_rate_limited("a");
  poll();
  EXPECT_EQ(next_delay(), 5ms);
}

TEST_F(WorkQueueTest, BackoffIsPerKey) {
  WorkQueue queue = make_queue(limits(5ms, 100ms));
  queue.add_rate_limited("a");
  queue.add_rate_limited("a");
  queue.add_rate_limited("b");
  EXPECT_EQ(queue.num_requeues("a"), 2u);
  EXPECT_EQ(queue.num_requeues("b"), 1u);
}

TEST_F(WorkQueueTest, OverallBucketSpacesRetriesOfManyKeys) {
  RateLimiterOptions options = limits(5ms, 100ms);
  options.qps = 10;
  options.burst = 2;
  WorkQueue queue = make_queue(options);
  queue.add_rate_limited("a");  // both tokens go, so the per-key 5 ms wins
  queue.add_rate_limited("b");
  queue.add_rate_limited("c");  // bucket empty: 100 ms
  poll();
  advance(5ms);
  EXPECT_EQ(queue.size(), 2u);
  advance(95ms - 1ns);
  EXPECT_EQ(queue.size(), 2u);
  advance(1ns);
  EXPECT_EQ(queue.size(), 3u);
}

TEST_F(WorkQueueTest, ShutdownWakesAllGetters) {
  WorkQueue queue = make_queue(limits());
  std::vector<std::shared_ptr<Spawned<std::optional<std::string>>>> getters;
  getters.reserve(3);
  for (int i = 0; i < 3; ++i) getters.push_back(spawn(queue.get()));
  poll();
  for (const auto& getter : getters) EXPECT_FALSE(getter->finished);

  queue.shutdown();
  poll();
  for (const auto& getter : getters) {
    ASSERT_TRUE(getter->finished);
    EXPECT_FALSE(getter->value->has_value());
  }
  EXPECT_TRUE(queue.shutting_down());
}

TEST_F(WorkQueueTest, ShutdownStopsHandingOutAndTakingKeys) {
  WorkQueue queue = make_queue(limits());
  queue.add("queued");
  queue.add_after("later", 1s);
  poll();
  queue.shutdown();
  queue.add("after");
  queue.add_rate_limited("after");
  auto got = spawn(queue.get());
  poll();
  ASSERT_TRUE(got->finished);
  EXPECT_FALSE(got->value->has_value());
  advance(2s);
  EXPECT_EQ(clock_.sleeper_count(), 0u) << "the scheduler should have exited";
}

TEST_F(WorkQueueTest, GetterSurvivesTheQueueBeingDestroyed) {
  auto queue = std::make_unique<WorkQueue>(executor(), clock_, make_controller_rate_limiter(clock_, limits()));
  auto got = spawn(queue->get());
  poll();
  queue.reset();
  poll();
  ASSERT_TRUE(got->finished);
  EXPECT_FALSE(got->value->has_value());
}

TEST_F(WorkQueueTest, MetricsFollowAddsGetsAndDone) {
  prometheus::Registry registry;
  metrics::ControllerMetrics families(registry);
  WorkQueue queue(executor(), clock_, make_controller_rate_limiter(clock_, limits()), families.work_queue("q"));
  const std::map<std::string, std::string> labels{{"name", "q"}, {"controller", "q"}};

  queue.add("a");
  queue.add("b");
  queue.add("a");  // coalesced: not an add
  EXPECT_EQ(test::metric_value(registry, "workqueue_adds_total", labels), 2);
  EXPECT_EQ(test::metric_value(registry, "workqueue_depth", labels), 2);

  advance(1s);
  ASSERT_EQ(take(queue), "a");
  EXPECT_EQ(test::metric_value(registry, "workqueue_depth", labels), 1);
  EXPECT_EQ(test::histogram_count(registry, "workqueue_queue_duration_seconds", labels), 1u);
  EXPECT_DOUBLE_EQ(test::histogram_sum(registry, "workqueue_queue_duration_seconds", labels), 1.0);

  advance(2s);
  queue.update_unfinished_work_metrics();
  EXPECT_DOUBLE_EQ(test::metric_value(registry, "workqueue_unfinished_work_seconds", labels), 2.0);
  EXPECT_DOUBLE_EQ(test::metric_value(registry, "workqueue_longest_running_processor_seconds", labels), 2.0);

  ASSERT_EQ(take(queue), "b");
  advance(1s);
  queue.update_unfinished_work_metrics();
  EXPECT_DOUBLE_EQ(test::metric_value(registry, "workqueue_unfinished_work_seconds", labels), 3.0 + 1.0);
  EXPECT_DOUBLE_EQ(test::metric_value(registry, "workqueue_longest_running_processor_seconds", labels), 3.0);

  queue.done("a");
  queue.done("b");
  EXPECT_EQ(test::histogram_count(registry, "workqueue_work_duration_seconds", labels), 2u);
  EXPECT_DOUBLE_EQ(test::histogram_sum(registry, "workqueue_work_duration_seconds", labels), 3.0 + 1.0);
  queue.update_unfinished_work_metrics();
  EXPECT_EQ(test::metric_value(registry, "workqueue_unfinished_work_seconds", labels), 0);

  queue.add_rate_limited("a");
  queue.add_after("b", 1s);
  EXPECT_EQ(test::metric_value(registry, "workqueue_retries_total", labels), 2);
  EXPECT_EQ(test::metric_value(registry, "workqueue_depth", labels), 0) << "a key waiting for its time is not queued yet";
}

}  // namespace
}  // namespace aci::core
