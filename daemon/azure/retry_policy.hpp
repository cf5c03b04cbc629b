#pragma once
// RetryPolicy: the one retry rule of every Azure call. Which failures may be retried
// depends on whether repeating the request is safe: GET, HEAD and DELETE (and calls
// marked idempotent, like token requests) retry on 408, 429, 5xx and transport
// errors; PUT, POST and PATCH only on 429 and on failures before the request left
// (a PUT restarts an ACI group; Graph addPassword mints a second secret). Delays are
// exponential with injected jitter unless the server said how long to wait. One
// RetryPolicy object is the schedule of one logical call; not thread-safe.

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <optional>

#include "daemon/core/backoff.hpp"
#include "daemon/http/http_error.hpp"

namespace aci::azure {

struct RetryOptions {
  int max_retries = 4;  // attempts = max_retries + 1
  std::chrono::milliseconds base_delay{800};
  std::chrono::milliseconds max_delay{std::chrono::seconds(60)};
  double jitter = 0.5;  // fraction of each backoff delay that is random (see core::BackoffOptions)
  // A server asking to wait longer than this ends the call with the throttled error and
  // its retry_after, so the reconcile loop requeues instead of parking a worker.
  std::chrono::milliseconds max_retry_after{std::chrono::seconds(60)};
};

enum class RetryMode {
  by_method,         // safety follows the HTTP method
  idempotent,        // safe to repeat whatever the method (token endpoint POSTs)
  managed_identity,  // IMDS: also 404 and 410 while it updates (Azure IMDS docs)
};

// Whether a response status may be retried for this method and mode.
bool is_retryable_status(boost::beast::http::verb method, RetryMode mode, unsigned status);

// Whether a transport failure may be retried: never when cancelled, a certificate was
// refused or the request was malformed; for unsafe methods only if nothing was sent.
bool is_retryable_transport(boost::beast::http::verb method, RetryMode mode, const http::Error& error);

// True when the failure happened before any request byte was written (resolve,
// connect, TLS handshake, waiting for a pooled connection), so even a PUT may go again.
bool failed_before_sending(const http::Error& error);

class RetryPolicy {
 public:
  // `random` must outlive the policy; it supplies the jitter.
  RetryPolicy(const RetryOptions& options, const core::UniformRandom& random);

  // The wait before the next attempt, or nullopt to stop: retries are used up, or
  // `retry_after` (the server's wish) exceeds max_retry_after. A server's wish is
  // used as it is; otherwise the jittered exponential delay.
  std::optional<std::chrono::milliseconds> next_delay(std::optional<std::chrono::milliseconds> retry_after);

  int retries() const noexcept { return retries_; }

 private:
  RetryOptions options_;  // a copy: callers pass temporaries
  core::Backoff backoff_;
  int retries_ = 0;
};

}  // namespace aci::azure
