#include "daemon/azure/azure_pipeline.hpp"

#include "daemon/http/retry_after.hpp"
#include "daemon/http/url_encoding.hpp"
#include "daemon/metrics/azure_metrics.hpp"

namespace aci::azure {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;

namespace {

AzureError cancelled_error() {
  return AzureError{AzureErrorKind::cancelled, 0, "Cancelled", "the Azure call was cancelled by shutdown", {}, {}};
}

double seconds_between(core::SteadyTime start, core::SteadyTime end) {
  return std::chrono::duration<double>(end - start).count();
}

bool is_write(beast_http::verb method) {
  return method != beast_http::verb::get && method != beast_http::verb::head;
}

}  // namespace

AzurePipeline::AzurePipeline(asio::any_io_executor executor, HttpTransport& transport, const core::Clock& clock,
                             core::UniformRandom random, IdGenerator ids, log::Logger logger,
                             PipelineOptions options, TokenSource* tokens, ArmThrottle* throttle,
                             metrics::AzureMetrics* metrics)
    : executor_(std::move(executor)),
      transport_(transport),
      clock_(clock),
      random_(std::move(random)),
      ids_(std::move(ids)),
      logger_(std::move(logger)),
      options_(options),
      tokens_(tokens),
      throttle_(throttle),
      metrics_(metrics) {}

void AzurePipeline::shutdown() {
  stopped_ = true;
  for (auto* timer : waiting_) timer->cancel();
}

asio::awaitable<bool> AzurePipeline::sleep(std::chrono::steady_clock::duration delay) {
  if (stopped_) co_return false;
  if (delay <= std::chrono::steady_clock::duration::zero()) co_return true;
  auto timer = clock_.make_timer(executor_);
  waiting_.insert(timer.get());
  const bool reached = co_await timer->wait_until(clock_.steady_now() + delay);
  waiting_.erase(timer.get());
  co_return reached && !stopped_;
}

asio::awaitable<Expected<http::Response, AzureError>> AzurePipeline::send(AzureRequest request) {
  if (stopped_) co_return unexpected(cancelled_error());
  const std::string client_request_id = ids_();
  const std::string path(http::without_query(request.url));
  RetryOptions retry = options_.retry;
  if (request.max_retries) retry.max_retries = *request.max_retries;
  RetryPolicy policy(retry, random_);
  const auto timeout = request.timeout.value_or(options_.request_timeout);
  bool reauthenticated = false;

  for (int attempt = 1;; ++attempt) {
    if (throttle_ && request.throttle) {
      const auto delay = throttle_->reserve(request.throttle->subscription, request.throttle->operation);
      if (!co_await sleep(delay)) co_return unexpected(cancelled_error());
    }

    http::Request outgoing{request.method, request.url, request.headers, request.body};
    outgoing.headers.set("x-ms-client-request-id", client_request_id);
    outgoing.headers.set("x-ms-return-client-request-id", "true");
    if (request.scope) {
      if (!tokens_) {
        co_return unexpected(AzureError{AzureErrorKind::unauthorized, 0, "NoCredential",
                                        "no credential is configured for " + request.service, {}, {}});
      }
      auto token = co_await tokens_->token(*request.scope);
      if (!token) co_return unexpected(std::move(token.error()));
      outgoing.headers.set(beast_http::field::authorization, "Bearer " + token->token);
    }

    const auto started = clock_.steady_now();
    auto result = co_await transport_.send(std::move(outgoing), http::RequestOptions{timeout});
    const auto finished = clock_.steady_now();
    const auto duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(finished - started).count();

    if (!result) {
      const auto& failure = result.error();
      if (metrics_)
        metrics_->observe_request(request.service, request.operation, http::to_string(failure.kind),
                                  seconds_between(started, finished));
      auto error = error_from_transport(failure);
      if (stopped_) co_return unexpected(cancelled_error());
      if (!is_retryable_transport(request.method, request.retry_mode, failure)) co_return unexpected(std::move(error));
      const auto delay = policy.next_delay(std::nullopt);
      if (!delay) co_return unexpected(std::move(error));
      logger_.warn("azure request failed, retrying",
                   {{"service", request.service}, {"operation", request.operation},
                    {"method", std::string(beast_http::to_string(request.method))}, {"path", path},
                    {"attempt", attempt}, {"error", error.message}, {"client_request_id", client_request_id},
                    {"retry_in_ms", delay->count()}});
      if (!co_await sleep(*delay)) co_return unexpected(cancelled_error());
      continue;
    }

    http::Response response = std::move(*result);
    const auto retry_after = http::retry_after_from_headers(response, clock_.now());
    const std::string request_id = response_request_id(response);
    if (metrics_) {
      metrics_->observe_request(request.service, request.operation, std::to_string(response.status),
                                seconds_between(started, finished));
      if (response.status == 429) metrics_->count_throttled(request.service);
    }
    if (throttle_ && request.throttle)
      throttle_->observe(request.throttle->subscription, request.throttle->operation, response, retry_after);

    nlohmann::json fields{{"service", request.service},
                          {"operation", request.operation},
                          {"method", std::string(beast_http::to_string(request.method))},
                          {"path", path},
                          {"status", response.status},
                          {"attempt", attempt},
                          {"duration_ms", duration_ms},
                          {"client_request_id", client_request_id},
                          {"request_id", request_id}};

    // A refused token may simply be stale (revoked, or rotated keys): one fresh token, one more try.
    if (response.status == 401 && request.scope && !reauthenticated) {
      reauthenticated = true;
      tokens_->invalidate(*request.scope);
      logger_.info("azure refused the access token, fetching a new one", std::move(fields));
      continue;
    }

    const bool success = response.status < 400;
    if (success || !is_retryable_status(request.method, request.retry_mode, response.status)) {
      if (is_write(request.method) || !success) {
        logger_.info("azure request", std::move(fields));
      } else {
        logger_.debug("azure request", std::move(fields));
      }
      co_return response;
    }
    const auto delay = policy.next_delay(retry_after);
    if (!delay) {
      logger_.warn("azure request failed, not retrying", std::move(fields));
      co_return response;
    }
    fields["retry_in_ms"] = delay->count();
    logger_.warn("azure request failed, retrying", std::move(fields));
    if (!co_await sleep(*delay)) co_return unexpected(cancelled_error());
  }
}

}  // namespace aci::azure
