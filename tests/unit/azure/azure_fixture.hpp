#pragma once
// AzureFixture: virtual time, a captured log, a scripted transport, a counting token
// source and pipelines wired over them, for unit tests of the Azure clients.

#include <prometheus/registry.h>

#include <memory>
#include <optional>
#include <type_traits>
#include <sstream>
#include <string>

#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/metrics/azure_metrics.hpp"
#include "tests/unit/azure/fake_transport.hpp"
#include "tests/unit/core/virtual_time_test.hpp"

namespace aci::test {

// Hands out "token-<scope>-<n>" tokens valid for an hour; optionally fails or takes time.
class CountingTokenSource final : public azure::TokenSource {
 public:
  CountingTokenSource(const core::Clock& clock, boost::asio::any_io_executor executor)
      : clock_(clock), executor_(std::move(executor)) {}

  boost::asio::awaitable<Expected<azure::AccessToken, azure::AzureError>> token(const std::string& scope) override {
    ++calls;
    // A copy: `scope` is a reference the caller's frame may drop while this coroutine sleeps.
    const std::string wanted = scope;  // NOLINT(performance-unnecessary-copy-initialization)
    if (latency.count() > 0) co_await clock_.sleep_for(executor_, latency);
    if (fail) co_return unexpected(azure::AzureError{azure::AzureErrorKind::unauthorized, 401, "AADSTS7000215",
                                                     "Invalid client secret provided.", {}, {}});
    co_return azure::AccessToken{"token-" + wanted + "-" + std::to_string(calls), clock_.now() + lifetime, {}};
  }
  void invalidate(const std::string& scope) override { invalidated.push_back(scope); }

  int calls = 0;
  bool fail = false;
  std::chrono::milliseconds latency{0};
  std::chrono::seconds lifetime{3600};
  std::vector<std::string> invalidated;

 private:
  const core::Clock& clock_;
  boost::asio::any_io_executor executor_;
};

// Boost 1.74's co_spawn needs a default-constructible result, which Expected is not;
// these wrap a task's result in std::optional.
template <class T>
boost::asio::awaitable<std::optional<T>> optional_result(boost::asio::awaitable<T> task) {
  co_return co_await std::move(task);
}

class AzureFixture : public VirtualTimeTest {
 protected:
  template <class T>
  T run(boost::asio::awaitable<T> task) {
    if constexpr (std::is_default_constructible_v<T>) {
      return VirtualTimeTest::run(std::move(task));
    } else {
      return std::move(*VirtualTimeTest::run(optional_result(std::move(task))));
    }
  }

  // Starts a task; once slot->finished, the result is **slot->value.
  template <class T>
  std::shared_ptr<Spawned<std::optional<T>>> start(boost::asio::awaitable<T> task) {
    return spawn(optional_result(std::move(task)));
  }

  azure::PipelineOptions pipeline_options() {
    azure::PipelineOptions options;
    options.retry.max_retries = 3;
    options.retry.base_delay = std::chrono::milliseconds(100);
    options.retry.max_delay = std::chrono::seconds(10);
    options.retry.jitter = 0.5;
    options.retry.max_retry_after = std::chrono::seconds(60);
    options.request_timeout = std::chrono::seconds(5);
    return options;
  }

  // Random pinned at 0: jitter never shortens a delay, so schedules are exact.
  std::unique_ptr<azure::AzurePipeline> make_pipeline(azure::TokenSource* tokens = nullptr,
                                                      azure::ArmThrottle* throttle = nullptr) {
    return std::make_unique<azure::AzurePipeline>(executor(), transport_, clock_, [] { return 0.0; },
                                                  azure::make_id_generator(42), logger_, pipeline_options(), tokens,
                                                  throttle, &metrics_);
  }

  std::string log_text() const { return log_stream_.str(); }

  std::ostringstream log_stream_;
  std::shared_ptr<log::LogSink> sink_ = std::make_shared<log::LogSink>(log_stream_, log::Level::debug);
  log::Logger logger_{sink_, "azure"};
  prometheus::Registry registry_;
  metrics::AzureMetrics metrics_{registry_};
  FakeTransport transport_{[](const http::Request&, std::size_t) { return answer(200, "{}"); }};
  CountingTokenSource tokens_{clock_, io_.get_executor()};
};

}  // namespace aci::test
