#pragma once
// Reading a token response from Entra ID or managed identity (IMDS), without any I/O:
// access_token with its lifetime, as Entra sends numbers and IMDS numeric strings. The
// token never appears in an error.

#include <string_view>

#include "daemon/azure/access_token.hpp"
#include "daemon/azure/azure_error.hpp"
#include "daemon/core/expected.hpp"
#include "daemon/core/time_types.hpp"
#include "daemon/http/response.hpp"

namespace aci::azure {

// A 200 token response: access_token plus expires_in (number or numeric string), else
// expires_on (Unix seconds); refresh_in when present. `service` names who answered.
Expected<AccessToken, AzureError> parse_token_response(std::string_view service, const http::Response& response,
                                                       core::WallTime now);

}  // namespace aci::azure
