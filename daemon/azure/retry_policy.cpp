#include "daemon/azure/retry_policy.hpp"

#include <string_view>

namespace aci::azure {

namespace {

namespace beast_http = boost::beast::http;

bool safe_method(beast_http::verb method, RetryMode mode) {
  if (mode != RetryMode::by_method) return true;
  return method == beast_http::verb::get || method == beast_http::verb::head || method == beast_http::verb::delete_;
}

}  // namespace

bool is_retryable_status(beast_http::verb method, RetryMode mode, unsigned status) {
  // 429 means the request was not processed, so even a PUT may go again.
  if (status == 429) return true;
  if (!safe_method(method, mode)) return false;
  if (mode == RetryMode::managed_identity && (status == 404 || status == 410)) return true;
  // 501 and 505 say the server will never do it; repeating cannot help.
  if (status >= 500 && status != 501 && status != 505) return true;
  return status == 408;
}

bool failed_before_sending(const http::Error& error) {
  switch (error.kind) {
    case http::ErrorKind::resolve:
    case http::ErrorKind::connect: return true;
    case http::ErrorKind::tls:
    case http::ErrorKind::timeout:
      // The client's messages are "<origin>: <phase>: <reason>" (http_error.hpp); these
      // phases come before the request is written.
      for (const std::string_view phase : {": TLS handshake:", ": resolving ", ": connecting", ": waiting for a connection:"})
        if (error.message.find(phase) != std::string::npos) return true;
      return false;
    default: return false;
  }
}

bool is_retryable_transport(beast_http::verb method, RetryMode mode, const http::Error& error) {
  if (error.kind == http::ErrorKind::cancelled || error.kind == http::ErrorKind::protocol) return false;
  // A refused certificate stays refused; retrying only delays the error.
  if (error.kind == http::ErrorKind::tls && error.message.find("certificate verification failed") != std::string::npos)
    return false;
  return safe_method(method, mode) || failed_before_sending(error);
}

RetryPolicy::RetryPolicy(const RetryOptions& options, const core::UniformRandom& random)
    : options_(options),
      backoff_(core::BackoffOptions{options.base_delay, options.max_delay, 2.0, options.jitter},
               [&random] { return random(); }) {}

std::optional<std::chrono::milliseconds> RetryPolicy::next_delay(std::optional<std::chrono::milliseconds> retry_after) {
  if (retries_ >= options_.max_retries) return std::nullopt;
  if (retry_after && *retry_after > options_.max_retry_after) return std::nullopt;
  ++retries_;
  const auto computed = backoff_.next();
  return retry_after ? *retry_after : computed;
}

}  // namespace aci::azure
