#include "daemon/azure/azure_error.hpp"

#include <nlohmann/json.hpp>

#include <cctype>

#include "daemon/azure/json_field.hpp"
#include "daemon/http/retry_after.hpp"
#include "daemon/core/utf8.hpp"

namespace aci::azure {

namespace {

using json = nlohmann::json;

// Entra descriptions end in "\r\nTrace ID: ...\r\nCorrelation ID: ...": people want the first line.
std::string first_line(std::string_view text) {
  const auto end = text.find_first_of("\r\n");
  return std::string(text.substr(0, end));
}

// Service texts are echoed into logs and status: a runaway body must not flood them,
// and whatever bytes a service or a proxy sends, they must stay valid UTF-8 there.
std::string bounded(std::string_view text) {
  constexpr std::size_t kLimit = 512;
  const auto prefix = core::utf8_prefix(text, kLimit);
  auto shown = core::to_valid_utf8(prefix);
  if (prefix.size() < text.size()) shown += "...";
  return shown;
}

}  // namespace

std::string_view to_string(AzureErrorKind kind) {
  switch (kind) {
    case AzureErrorKind::transport: return "transport";
    case AzureErrorKind::timeout: return "timeout";
    case AzureErrorKind::throttled: return "throttled";
    case AzureErrorKind::unauthorized: return "unauthorized";
    case AzureErrorKind::forbidden: return "forbidden";
    case AzureErrorKind::not_found: return "not_found";
    case AzureErrorKind::conflict: return "conflict";
    case AzureErrorKind::bad_request: return "bad_request";
    case AzureErrorKind::server: return "server";
    case AzureErrorKind::cancelled: return "cancelled";
  }
  return "unknown";
}

std::string AzureError::to_string() const {
  std::string out(azure::to_string(kind));
  if (status != 0 || !code.empty()) {
    out += " (";
    if (status != 0) out += "HTTP " + std::to_string(status);
    if (status != 0 && !code.empty()) out += ", ";
    out += code;
    out += ")";
  }
  if (!message.empty()) out += ": " + message;
  if (!request_id.empty()) out += " [request " + request_id + "]";
  return out;
}

AzureErrorKind kind_for_status(unsigned status) {
  switch (status) {
    case 401: return AzureErrorKind::unauthorized;
    case 403: return AzureErrorKind::forbidden;
    case 404:
    case 410: return AzureErrorKind::not_found;
    case 408: return AzureErrorKind::timeout;
    case 409:
    case 412: return AzureErrorKind::conflict;
    case 429: return AzureErrorKind::throttled;
    default: break;
  }
  if (status >= 500) return AzureErrorKind::server;
  return AzureErrorKind::bad_request;
}

std::string entra_error_code(std::string_view body) {
  const auto parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return {};
  if (const auto codes = parsed.find("error_codes");
      codes != parsed.end() && codes->is_array() && !codes->empty() && (*codes)[0].is_number_integer())
    return "AADSTS" + std::to_string((*codes)[0].get<long long>());
  const std::string description = string_field(parsed, "error_description");
  if (description.rfind("AADSTS", 0) == 0) {
    std::size_t end = 6;
    while (end < description.size() && std::isdigit(static_cast<unsigned char>(description[end]))) ++end;
    if (end > 6) return description.substr(0, end);
  }
  return {};
}

AzureError error_from_response(std::string_view service, const http::Response& response, core::WallTime now) {
  AzureError error;
  error.status = response.status;
  error.kind = kind_for_status(response.status);
  error.request_id = response_request_id(response);
  error.retry_after = http::retry_after_from_headers(response, now);
  const auto parsed = json::parse(response.body, nullptr, false);
  if (parsed.is_object()) {
    const auto found = parsed.find("error");
    if (found != parsed.end() && found->is_object()) {
      // ARM, Key Vault and Graph: {"error":{"code","message","innererror":{"code"}}}.
      error.code = string_field(*found, "code");
      error.message = first_line(string_field(*found, "message"));
      for (const char* inner : {"innererror", "innerError"}) {
        if (const auto detail = found->find(inner); detail != found->end() && detail->is_object()) {
          if (const auto inner_code = string_field(*detail, "code"); !inner_code.empty())
            error.message += " (" + inner_code + ")";
        }
      }
    } else if (found != parsed.end() && found->is_string()) {
      // Entra and IMDS: {"error":"invalid_client","error_description":"AADSTS7000215: ..."}.
      const std::string oauth_error = found->get<std::string>();
      error.code = entra_error_code(response.body);
      if (error.code.empty()) error.code = oauth_error;
      error.message = first_line(string_field(parsed, "error_description"));
      if (error.message.empty()) error.message = oauth_error;
      // Entra answers a refused credential with 400 or 401; both mean the same to callers.
      if (oauth_error == "invalid_client" || oauth_error == "unauthorized_client" || oauth_error == "invalid_grant")
        error.kind = AzureErrorKind::unauthorized;
      if (oauth_error == "temporarily_unavailable") error.kind = AzureErrorKind::server;
      if (const auto trace = string_field(parsed, "trace_id"); !trace.empty() && error.request_id.empty())
        error.request_id = trace;
    } else if (const auto errors = parsed.find("errors"); errors != parsed.end() && errors->is_array() &&
                                                          !errors->empty() && (*errors)[0].is_object()) {
      // Container registry: {"errors":[{"code":"UNAUTHORIZED","message":"..."}]}.
      error.code = string_field((*errors)[0], "code");
      error.message = string_field((*errors)[0], "message");
    }
  }
  if (error.code.empty()) error.code = response.header("x-ms-error-code");
  if (error.message.empty()) error.message = std::string(service) + " answered HTTP " + std::to_string(response.status);
  error.message = bounded(error.message);
  // Headers carry any bytes; codes and ids are shown as they are, only made printable.
  error.code = bounded(error.code);
  error.request_id = bounded(error.request_id);
  return error;
}

AzureError error_from_transport(const http::Error& error) {
  AzureError out;
  switch (error.kind) {
    case http::ErrorKind::timeout: out.kind = AzureErrorKind::timeout; break;
    case http::ErrorKind::cancelled: out.kind = AzureErrorKind::cancelled; break;
    default: out.kind = AzureErrorKind::transport; break;
  }
  out.code = std::string(http::to_string(error.kind));
  out.message = bounded(error.message);
  return out;
}

std::string response_request_id(const http::Response& response) {
  auto id = response.header("x-ms-request-id");
  if (id.empty()) id = response.header("request-id");
  return id;
}

AzureError malformed_response(std::string_view service, std::string_view what, const http::Response& response) {
  AzureError error;
  error.kind = AzureErrorKind::bad_request;
  error.status = response.status;
  error.code = "MalformedResponse";
  error.message = std::string(service) + " response: " + std::string(what);
  error.request_id = bounded(response_request_id(response));
  return error;
}

}  // namespace aci::azure
