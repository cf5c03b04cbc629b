#include "daemon/azure/token_response.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "daemon/core/iso8601.hpp"

namespace aci::azure {

namespace {

using json = nlohmann::json;

// Entra sends integers, IMDS numeric strings; accept both.
std::optional<std::int64_t> number_field(const json& body, const char* key) {
  const auto found = body.find(key);
  if (found == body.end()) return std::nullopt;
  if (found->is_number_unsigned()) {
    const auto value = found->get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(value);
  }
  if (found->is_number_integer()) return found->get<std::int64_t>();
  if (found->is_number_float()) {
    // Converting a double beyond int64 is undefined; no real lifetime comes near 2^62.
    const double value = found->get<double>();
    if (!std::isfinite(value) || std::fabs(value) >= 4.6e18) return std::nullopt;
    return static_cast<std::int64_t>(value);
  }
  if (found->is_string()) {
    const auto& text = found->get_ref<const std::string&>();
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) return value;
  }
  return std::nullopt;
}

}  // namespace

Expected<AccessToken, AzureError> parse_token_response(std::string_view service, const http::Response& response,
                                                       core::WallTime now) {
  const auto body = json::parse(response.body, nullptr, false);
  if (!body.is_object()) return unexpected(malformed_response(service, "token response is not a JSON object", response));
  const auto token = body.find("access_token");
  if (token == body.end() || !token->is_string() || token->get_ref<const std::string&>().empty())
    return unexpected(malformed_response(service, "token response has no access_token", response));
  AccessToken out;
  out.token = token->get<std::string>();
  // Lifetimes that put the expiry beyond what a WallTime holds are malformed, not wrapped around.
  if (const auto expires_in = number_field(body, "expires_in"); expires_in && *expires_in > 0) {
    const auto expires_on = core::add_seconds(now, *expires_in);
    if (!expires_on) return unexpected(malformed_response(service, "token response expires_in is out of range", response));
    out.expires_on = *expires_on;
  } else if (const auto expires_on = number_field(body, "expires_on"); expires_on && *expires_on > 0) {
    const auto time = core::from_unix_seconds(*expires_on);
    if (!time) return unexpected(malformed_response(service, "token response expires_on is out of range", response));
    out.expires_on = *time;
  } else {
    return unexpected(malformed_response(service, "token response has no expires_in", response));
  }
  if (const auto refresh_in = number_field(body, "refresh_in"); refresh_in && *refresh_in > 0)
    out.refresh_on = core::add_seconds(now, *refresh_in);  // out of range: no hint, the cache decides
  return out;
}

}  // namespace aci::azure
