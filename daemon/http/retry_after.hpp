#pragma once
// Reading how long a server asks us to wait: Retry-After as delta-seconds or an
// HTTP-date (RFC 9110 10.2.3), and Azure's millisecond headers retry-after-ms and
// x-ms-retry-after-ms, which take precedence because they are more precise. Pure
// functions of their inputs; malformed values read as absent, never as zero.

#include <chrono>
#include <optional>
#include <string_view>

#include "daemon/core/time_types.hpp"
#include "daemon/http/response.hpp"

namespace aci::http {

// "120" -> 120 s; "Wed, 21 Oct 2015 07:28:00 GMT" -> that instant minus `now` (0 if past).
// Also accepts the obsolete RFC 850 and asctime date forms.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, core::WallTime now);

// An HTTP-date in any of the three forms RFC 9110 allows; nullopt when malformed.
std::optional<core::WallTime> parse_http_date(std::string_view value);

// retry-after-ms, then x-ms-retry-after-ms, then Retry-After.
std::optional<std::chrono::milliseconds> retry_after_from_headers(const http::Response& response, core::WallTime now);

}  // namespace aci::http
