#pragma once
// TokenSource: anything that produces OAuth access tokens for a scope
// ("https://management.azure.com/.default"): the credentials, the chain of them, and
// the TokenCache in front of them. Implementations never log or return the token in
// an error, and register every token with the log redactor. Used on one executor;
// co_await token() in the expression that calls it, as the scope is taken by reference.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "daemon/azure/access_token.hpp"
#include "daemon/azure/azure_error.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/expected.hpp"

namespace aci::azure {


class TokenSource {
 public:
  virtual ~TokenSource() = default;

  // A token valid for `scope`. Failures carry Entra's code ("AADSTS7000215") when it gave one.
  virtual boost::asio::awaitable<Expected<AccessToken, AzureError>> token(const std::string& scope) = 0;

  // The service refused `scope`'s current token (401 with a token): forget it, so the
  // next token() fetches a new one. Sources that cache nothing ignore this.
  virtual void invalidate(const std::string& scope) { (void)scope; }
};

// "https://vault.azure.net/.default" -> "https://vault.azure.net": IMDS and the v1
// endpoint take a resource, not a scope.
std::string scope_to_resource(const std::string& scope);

}  // namespace aci::azure
