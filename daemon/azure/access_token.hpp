#pragma once
// AccessToken: an OAuth access token and when it expires, as every TokenSource returns
// it. The token is a secret: it is registered with the log redactor where it is
// obtained and never logged.

#include <optional>
#include <string>

#include "daemon/core/time_types.hpp"

namespace aci::azure {

struct AccessToken {
  std::string token;
  core::WallTime expires_on;
  // When the issuer suggests refreshing (Entra's refresh_in); the cache may refresh earlier.
  std::optional<core::WallTime> refresh_on;
};

}  // namespace aci::azure
