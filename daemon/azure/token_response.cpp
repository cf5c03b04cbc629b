#include "daemon/azure/token_response.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace aci::azure {

namespace {

using json = nlohmann::json;

// Entra sends integers, IMDS numeric strings; accept both.
std::optional<std::int64_t> number_field(const json& body, const char* key) {
  const auto found = body.find(key);
  if (found == body.end()) return std::nullopt;
  if (found->is_number_integer()) return found->get<std::int64_t>();
  if (found->is_number_float()) return static_cast<std::int64_t>(found->get<double>());
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
  if (const auto expires_in = number_field(body, "expires_in"); expires_in && *expires_in > 0) {
    out.expires_on = now + std::chrono::seconds(*expires_in);
  } else if (const auto expires_on = number_field(body, "expires_on"); expires_on && *expires_on > 0) {
    out.expires_on = core::WallTime(std::chrono::seconds(*expires_on));
  } else {
    return unexpected(malformed_response(service, "token response has no expires_in", response));
  }
  if (const auto refresh_in = number_field(body, "refresh_in"); refresh_in && *refresh_in > 0)
    out.refresh_on = now + std::chrono::seconds(*refresh_in);
  return out;
}

}  // namespace aci::azure
