#include "daemon/core/work_queue.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <deque>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "daemon/core/test_fault.hpp"

namespace aci::core {

namespace {

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

struct Scheduled {
  SteadyTime ready;
  std::uint64_t sequence;  // keys due at the same time are added in the order scheduled
  std::string key;
  bool operator>(const Scheduled& other) const {
    return std::tie(ready, sequence) > std::tie(other.ready, other.sequence);
  }
};

}  // namespace

struct WorkQueue::State {
  State(boost::asio::any_io_executor ex, const Clock& c, RateLimiterPtr limiter,
        std::optional<WorkQueueSeries> series)
      : executor(std::move(ex)), clock(c), rate_limiter(std::move(limiter)), metrics(series), ready_signal(executor) {
    // A timer that never expires on its own is our condition variable: getters wait
    // on it and cancel_one() wakes exactly one of them.
    ready_signal.expires_at(boost::asio::steady_timer::time_point::max());
  }

  boost::asio::any_io_executor executor;
  const Clock& clock;
  RateLimiterPtr rate_limiter;
  std::optional<WorkQueueSeries> metrics;

  std::deque<std::string> queue;
  std::unordered_set<std::string> dirty;
  std::unordered_map<std::string, SteadyTime> processing;  // key -> when get() handed it out
  std::unordered_map<std::string, SteadyTime> added_at;    // only kept with metrics
  bool shut_down = false;

  boost::asio::steady_timer ready_signal;
  std::size_t idle_getters = 0;

  // Delayed adds: a min-heap with lazy deletion; `waiting` holds each key's live time,
  // so a heap entry whose time differs from it is stale and skipped.
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> heap;
  std::unordered_map<std::string, SteadyTime> waiting;
  std::uint64_t next_sequence = 0;
  // Also true while a delay loop that threw waits for its restart, which drains the heap.
  bool delay_loop_running = false;
  Timer* delay_timer = nullptr;  // owned by the delay loop's frame while it waits
  SteadyTime delay_wake_at = SteadyTime::max();

  void add(const std::string& key) {
    if (shut_down || dirty.contains(key)) return;
    dirty.insert(key);
    if (metrics) {
      metrics->adds->Increment();
      metrics->depth->Increment();
      added_at.try_emplace(key, clock.steady_now());
    }
    // A key in process comes back from done(), never to a second worker now.
    if (processing.contains(key)) return;
    push(key);
  }

  void push(const std::string& key) {
    queue.push_back(key);
    if (idle_getters > 0) ready_signal.cancel_one();
  }
};

namespace {

// Moves due keys from the heap into the queue, then sleeps until the next is due.
// Exits when nothing waits (add_after restarts it), so an idle queue holds no timer.
boost::asio::awaitable<void> delay_loop(std::shared_ptr<WorkQueue::State> s) {
  auto timer = s->clock.make_timer(s->executor);
  while (!s->shut_down) {
    test_fault_point("work_queue_delay");
    const SteadyTime now = s->clock.steady_now();
    while (!s->heap.empty() && s->heap.top().ready <= now) {
      Scheduled due = s->heap.top();
      s->heap.pop();
      const auto it = s->waiting.find(due.key);
      if (it == s->waiting.end() || it->second != due.ready) continue;  // superseded by an earlier time
      s->waiting.erase(it);
      s->add(due.key);
    }
    if (s->heap.empty()) break;
    s->delay_wake_at = s->heap.top().ready;
    // Published only while waiting, so a throw elsewhere leaves no pointer into this frame.
    s->delay_timer = timer.get();
    co_await timer->wait_until(s->delay_wake_at);
    s->delay_timer = nullptr;
  }
  s->delay_wake_at = SteadyTime::max();
  s->delay_loop_running = false;
}

}  // namespace

WorkQueue::WorkQueue(boost::asio::any_io_executor executor, const Clock& clock, RateLimiterPtr rate_limiter,
                     std::optional<WorkQueueSeries> metrics)
    : state_(std::make_shared<State>(std::move(executor), clock, std::move(rate_limiter), metrics)) {}

WorkQueue::~WorkQueue() { shutdown(); }

void WorkQueue::add(const std::string& key) { state_->add(key); }

void WorkQueue::add_after(const std::string& key, Duration delay) {
  State& s = *state_;
  if (s.shut_down) return;
  if (s.metrics) s.metrics->retries->Increment();
  if (delay <= Duration::zero()) {
    s.add(key);
    return;
  }
  const SteadyTime ready = s.clock.steady_now() + delay;
  const auto [it, inserted] = s.waiting.try_emplace(key, ready);
  if (!inserted) {
    if (it->second <= ready) return;
    it->second = ready;
  }
  s.heap.push(Scheduled{ready, s.next_sequence++, key});
  if (!s.delay_loop_running) {
    s.delay_loop_running = true;
    delay_loop_ = spawn_supervised(s.executor, "work_queue_delay", [state = state_] { return delay_loop(state); });
  } else if (ready < s.delay_wake_at && s.delay_timer != nullptr) {
    s.delay_timer->cancel();  // the loop recomputes its wake-up time
  }
}

void WorkQueue::add_rate_limited(const std::string& key) {
  if (state_->shut_down) return;
  add_after(key, state_->rate_limiter->when(key));
}

void WorkQueue::forget(const std::string& key) { state_->rate_limiter->forget(key); }

std::uint32_t WorkQueue::num_requeues(const std::string& key) const {
  return state_->rate_limiter->num_requeues(key);
}

boost::asio::awaitable<std::optional<std::string>> WorkQueue::get() {
  const std::shared_ptr<State> s = state_;
  for (;;) {
    if (s->shut_down) co_return std::nullopt;
    if (!s->queue.empty()) {
      std::string key = std::move(s->queue.front());
      s->queue.pop_front();
      const SteadyTime now = s->clock.steady_now();
      s->dirty.erase(key);
      s->processing.emplace(key, now);
      if (s->metrics) {
        s->metrics->depth->Decrement();
        if (const auto it = s->added_at.find(key); it != s->added_at.end()) {
          s->metrics->queue_duration->Observe(seconds(now - it->second));
          s->added_at.erase(it);
        }
      }
      co_return key;
    }
    // Woken by cancel_one() after an add, or by shutdown(); either way look again,
    // since another getter may have taken the key first.
    ++s->idle_getters;
    boost::system::error_code ec;
    co_await s->ready_signal.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    --s->idle_getters;
  }
}

void WorkQueue::done(const std::string& key) {
  State& s = *state_;
  const auto it = s.processing.find(key);
  if (it == s.processing.end()) return;
  if (s.metrics) s.metrics->work_duration->Observe(seconds(s.clock.steady_now() - it->second));
  s.processing.erase(it);
  if (!s.shut_down && s.dirty.contains(key)) s.push(key);
}

void WorkQueue::shutdown() {
  State& s = *state_;
  if (s.shut_down) return;
  s.shut_down = true;
  s.ready_signal.cancel();
  if (s.delay_timer != nullptr) s.delay_timer->cancel();
}

bool WorkQueue::shutting_down() const { return state_->shut_down; }

std::size_t WorkQueue::size() const { return state_->queue.size(); }

std::size_t WorkQueue::processing_count() const { return state_->processing.size(); }

std::size_t WorkQueue::waiting_count() const { return state_->waiting.size(); }

std::size_t WorkQueue::depth() const { return state_->dirty.size(); }

void WorkQueue::update_unfinished_work_metrics() {
  State& s = *state_;
  if (!s.metrics) return;
  const SteadyTime now = s.clock.steady_now();
  double total = 0;
  double longest = 0;
  for (const auto& [key, started] : s.processing) {
    const double age = seconds(now - started);
    total += age;
    longest = std::max(longest, age);
  }
  s.metrics->unfinished_work->Set(total);
  s.metrics->longest_running_processor->Set(longest);
}

}  // namespace aci::core
