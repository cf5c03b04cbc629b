#pragma once
// VirtualTimeTest: a fixture owning an io_context and a FakeClock. run() drives a
// coroutine to completion, jumping virtual time to each next deadline whenever
// nothing is ready, under a wall-clock guard so a deadlock fails instead of hanging.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>

#include "tests/support/fake_clock.hpp"

namespace aci::test {

// Where a spawned coroutine leaves its result; outlives the coroutine.
template <class T>
struct Spawned {
  std::optional<T> value;
  std::exception_ptr error;
  bool finished = false;
};

class VirtualTimeTest : public ::testing::Test {
 protected:
  boost::asio::any_io_executor executor() { return io_.get_executor(); }

  // Starts a coroutine; its result appears in the returned slot once it finishes.
  template <class T>
  std::shared_ptr<Spawned<T>> spawn(boost::asio::awaitable<T> task) {
    auto slot = std::make_shared<Spawned<T>>();
    boost::asio::co_spawn(io_, std::move(task), [slot](const std::exception_ptr& e, T value) {
      slot->finished = true;
      slot->error = e;
      if (!e) slot->value = std::move(value);
    });
    return slot;
  }

  // Runs `task` to completion, advancing virtual time as needed; fails on deadlock.
  template <class T>
  T run(boost::asio::awaitable<T> task) {
    auto slot = spawn(std::move(task));
    const auto guard = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!slot->finished && std::chrono::steady_clock::now() < guard) {
      clock_.poll();
      if (slot->finished) break;
      const auto next = clock_.next_deadline();
      if (!next) break;
      clock_.advance_to(*next);
    }
    if (!slot->finished) throw std::runtime_error("coroutine did not finish: deadlock or wall-clock guard");
    if (slot->error) std::rethrow_exception(slot->error);
    return std::move(*slot->value);
  }

  void poll() { clock_.poll(); }
  void advance(std::chrono::steady_clock::duration step) {
    clock_.advance(step);
    clock_.poll();
  }

  boost::asio::io_context io_;
  FakeClock clock_{io_};
};

}  // namespace aci::test
