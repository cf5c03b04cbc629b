#pragma once
// AzureError: the one failure type of every Azure client, credential and the retry
// pipeline. It carries what callers branch on (kind, HTTP status, the service's own
// error code such as "ResourceNotFound" or "AADSTS7000215") and what people read
// (message, request id). Messages are built from service error codes and texts and
// never contain tokens, secrets or request bodies.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/time_types.hpp"
#include "daemon/http/http_error.hpp"
#include "daemon/http/response.hpp"

namespace aci::azure {

enum class AzureErrorKind {
  transport,     // no usable response: resolve, connect, TLS, connection closed, malformed HTTP
  timeout,       // the request's deadline (or an operation's deadline) passed
  throttled,     // 429; retry_after says when to come back
  unauthorized,  // 401, or Entra refused the credential (invalid_client, invalid_grant)
  forbidden,     // 403
  not_found,     // 404 (and 410)
  conflict,      // 409, 412
  bad_request,   // other 4xx, and responses the client cannot understand
  server,        // 5xx
  cancelled,     // shutdown or the caller cancelled; not a failure of Azure
};

std::string_view to_string(AzureErrorKind kind);

struct AzureError {
  AzureErrorKind kind = AzureErrorKind::server;
  unsigned status = 0;        // HTTP status; 0 when no response arrived
  std::string code;           // service code: "ResourceNotFound", "SecretNotFound", "AADSTS7000215", ...
  std::string message;        // for people; free of secrets
  std::optional<std::chrono::milliseconds> retry_after;
  std::string request_id;     // x-ms-request-id (or Graph's request-id) of the failing response

  // "<kind> (HTTP <status>, <code>): <message> [request <id>]", the shape used in logs and status.
  std::string to_string() const;
};

// The kind a response status maps to (2xx and 3xx map to bad_request: the caller did
// not expect them).
AzureErrorKind kind_for_status(unsigned status);

// Builds an AzureError from a failed response of `service` ("arm", "keyvault", "graph",
// "entra", "imds", "acr"). Understands ARM/Key Vault/Graph `{"error":{"code","message"}}`,
// Entra/IMDS `{"error":"invalid_client","error_description":"AADSTS...","error_codes":[...]}`
// and the registry's `{"errors":[{"code","message"}]}`; anything else keeps the status alone.
// retry_after comes from the response's retry headers, read at wall time `now`.
AzureError error_from_response(std::string_view service, const http::Response& response, core::WallTime now);

// The AADSTS code of an Entra error body ("AADSTS7000215"), from error_codes[0] or
// the start of error_description; "" when there is none.
std::string entra_error_code(std::string_view body);

// The error of a request that got no response.
AzureError error_from_transport(const http::Error& error);

// The server's id for a response: x-ms-request-id, else Graph's request-id.
std::string response_request_id(const http::Response& response);

// A response whose body the client could not understand (missing field, not JSON).
AzureError malformed_response(std::string_view service, std::string_view what, const http::Response& response);

}  // namespace aci::azure
