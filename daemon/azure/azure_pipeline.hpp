#pragma once
// AzurePipeline: how every Azure request is sent. One logical call gets one
// x-ms-client-request-id kept across its retries; a bearer token for its scope; a slot
// from the ARM throttle when it names a subscription; the retry policy (backoff with
// injected jitter, Retry-After honoured, only safe requests repeated); one fresh token
// and one more try after a 401; a metric sample and a log line with the server's
// x-ms-request-id per attempt. It returns the final response whatever its status
// (callers map statuses with error_from_response) or an AzureError when no response
// came. Runs on one executor; the pipeline and everything it borrows must outlive
// the calls in flight. shutdown() ends waits at once with AzureErrorKind::cancelled.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <string>

#include "daemon/azure/arm_throttle.hpp"
#include "daemon/azure/azure_error.hpp"
#include "daemon/azure/http_transport.hpp"
#include "daemon/azure/request_id.hpp"
#include "daemon/azure/retry_policy.hpp"
#include "daemon/azure/token_source.hpp"
#include "daemon/core/backoff.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"

namespace aci::metrics {
class AzureMetrics;
}

namespace aci::azure {

struct ArmLane {
  std::string subscription;
  ArmOperationClass operation = ArmOperationClass::read;
};

struct AzureRequest {
  std::string service;    // "arm", "keyvault", "graph", "acr", "entra", "imds"
  std::string operation;  // a fixed name: "containerGroups.get"
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string url;
  boost::beast::http::fields headers;  // Content-Type, Accept, Basic Authorization, ...
  std::string body;
  std::optional<std::string> scope;  // send a bearer token for this scope
  RetryMode retry_mode = RetryMode::by_method;
  std::optional<ArmLane> throttle;   // pace through the ARM throttle
  // Overrides of the pipeline's options for this call (a quick probe, a one-shot call).
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<int> max_retries;
};

struct PipelineOptions {
  RetryOptions retry;
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};  // per attempt
};

class AzurePipeline {
 public:
  // `tokens` may be null for a pipeline that never sends bearer tokens (the one the
  // credentials use); `throttle` and `metrics` may be null. `random` supplies jitter.
  AzurePipeline(boost::asio::any_io_executor executor, HttpTransport& transport, const core::Clock& clock,
                core::UniformRandom random, IdGenerator ids, log::Logger logger, PipelineOptions options,
                TokenSource* tokens = nullptr, ArmThrottle* throttle = nullptr,
                metrics::AzureMetrics* metrics = nullptr);
  AzurePipeline(const AzurePipeline&) = delete;
  AzurePipeline& operator=(const AzurePipeline&) = delete;

  boost::asio::awaitable<Expected<http::Response, AzureError>> send(AzureRequest request);

  // Ends every backoff or throttle wait now and makes later calls fail, both with
  // AzureErrorKind::cancelled. Requests on the wire end when the HttpClient shuts down.
  void shutdown();

  // Sleeps `delay` on the clock unless shutdown() comes first; false when cancelled.
  boost::asio::awaitable<bool> sleep(std::chrono::steady_clock::duration delay);

  const core::Clock& clock() const noexcept { return clock_; }
  boost::asio::any_io_executor executor() const { return executor_; }
  const log::Logger& logger() const noexcept { return logger_; }
  std::string new_id() { return ids_(); }
  const PipelineOptions& options() const noexcept { return options_; }

 private:
  boost::asio::any_io_executor executor_;
  HttpTransport& transport_;
  const core::Clock& clock_;
  core::UniformRandom random_;
  IdGenerator ids_;
  log::Logger logger_;
  PipelineOptions options_;
  TokenSource* tokens_;
  ArmThrottle* throttle_;
  metrics::AzureMetrics* metrics_;
  std::set<core::Timer*> waiting_;
  bool stopped_ = false;
};

}  // namespace aci::azure
