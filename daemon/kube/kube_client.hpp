#pragma once
// KubeClient: JSON requests to a Kubernetes API server, and watch streams, for
// coroutines on one executor. It authenticates with a client certificate or a bearer
// token (a token file is re-read every minute, as the kubelet rotates it, and at once
// after a 401) and always verifies the server. Requests are paced by a client-side
// token bucket (qps, burst); 429, 5xx and broken connections are retried with backoff,
// honouring Retry-After. Failures are values; no exception escapes; a token never
// reaches a log or an error.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/backoff.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/expected.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/rate_limiter.hpp"
#include "daemon/http/client.hpp"
#include "daemon/kube/kube_config.hpp"
#include "daemon/metrics/kube_metrics.hpp"

namespace aci::kube {

struct KubeError {
  unsigned status = 0;  // the HTTP status; 0 when no response came
  std::string reason;   // the Status object's reason: "NotFound", "Conflict", "Expired", ...
  std::string message;  // valid UTF-8, bounded

  bool not_found() const { return status == 404; }
  bool conflict() const { return status == 409; }
  bool expired() const { return status == 410; }
  // "409 Conflict: <message>"
  std::string to_string() const;
};

// Reads a Status object (an error body, or a watch ERROR event) into a KubeError.
KubeError error_from_status(unsigned http_status, const nlohmann::json& status);

// GCC 12 destroys temporaries inside a co_await expression twice: name a request
// first, then `co_await client.request(std::move(request))`.
struct KubeRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target{};  // path and query: "/apis/..."
  std::optional<nlohmann::json> body{};
  std::string content_type = "application/json";
};

struct KubeClientOptions {
  double qps = 20;          // client-side limit, as client-go's rest.Config.QPS
  std::uint32_t burst = 30;
  std::uint32_t attempts = 5;  // per request, the first included
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::string user_agent = "aci-operator";
  // Each open watch holds a connection (HTTP/1.1): room for them plus requests.
  std::size_t watches = 2;
};

class KubeClient {
 public:
  // Fails when the TLS material is unusable. The clock, logger sink and metrics
  // (which may be null) must outlive the client.
  static Expected<std::unique_ptr<KubeClient>, std::string> create(boost::asio::any_io_executor executor,
                                                                   KubeConfig config, KubeClientOptions options,
                                                                   const core::Clock& clock, log::Logger logger,
                                                                   metrics::KubeMetrics* metrics);
  ~KubeClient();
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  // Answers the response body (an empty object for an empty one).
  boost::asio::awaitable<Expected<nlohmann::json, KubeError>> request(KubeRequest call);

  // Opens a watch (`target` carries watch=1); lines are then read from the stream.
  // Not retried: the caller decides between resuming and relisting.
  boost::asio::awaitable<Expected<std::unique_ptr<http::ResponseStream>, KubeError>> watch(KubeRequest call);

  const KubeConfig& config() const noexcept { return config_; }
  // Ends every call in flight (ErrorKind::cancelled) and fails later ones.
  void shutdown();

 private:
  KubeClient(boost::asio::any_io_executor executor, KubeConfig config, KubeClientOptions options,
             const core::Clock& clock, log::Logger logger, metrics::KubeMetrics* metrics,
             std::unique_ptr<http::HttpClient> http, std::string host);

  // Authorization for the next request; re-reads the token file when due or `force`d.
  std::string authorization(bool force);
  boost::asio::awaitable<void> pace();
  http::Request make_request(boost::beast::http::verb method, const std::string& target, const std::string& body,
                             const std::string& content_type, bool fresh_token);
  void count(boost::beast::http::verb method, const std::string& code, core::SteadyTime started);

  boost::asio::any_io_executor executor_;
  KubeConfig config_;
  KubeClientOptions options_;
  const core::Clock& clock_;
  log::Logger logger_;
  metrics::KubeMetrics* metrics_;
  std::unique_ptr<http::HttpClient> http_;
  std::string host_;  // "host:port", the metrics' host label
  core::TokenBucketRateLimiter limiter_;
  core::UniformRandom random_;  // jitter of retry delays
  std::string file_token_;
  std::optional<core::SteadyTime> file_token_read_;
};

}  // namespace aci::kube
