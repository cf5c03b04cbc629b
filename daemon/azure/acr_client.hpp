#pragma once
// AcrClient: proves a registry credential works, the way `docker login` would: GET
// /v2/ with Basic auth. ok and unauthorized are answers; anything else (unreachable,
// 5xx) is an error, so a caller never mistakes an outage for a bad password.
// Implementations: HttpAcrClient and test fakes. Arguments are taken by reference:
// co_await each call in the expression that makes it.

#include <boost/asio/awaitable.hpp>
#include <string>

#include "daemon/azure/azure_error.hpp"
#include "daemon/core/expected.hpp"

namespace aci::azure {

enum class AcrLoginResult { ok, unauthorized };

std::string_view to_string(AcrLoginResult result);

class AcrClient {
 public:
  virtual ~AcrClient() = default;

  // `server`: the login server, "myregistry.azurecr.io".
  virtual boost::asio::awaitable<Expected<AcrLoginResult, AzureError>> login_probe(const std::string& server,
                                                                                  const std::string& username,
                                                                                  const std::string& password) = 0;
};

}  // namespace aci::azure
