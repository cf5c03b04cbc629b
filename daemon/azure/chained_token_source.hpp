#pragma once
// ChainedTokenSource: DefaultAzureCredential's rule over a list of credentials. The
// first token request tries each in order; one that reports CredentialUnavailable
// (not configured here, no managed identity endpoint) passes to the next, while a real
// refusal (wrong secret) stops the chain with that error. The first that succeeds is
// used from then on. Owns its credentials; one executor.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/azure/token_source.hpp"
#include "daemon/core/log.hpp"

namespace aci::azure {

class ChainedTokenSource final : public TokenSource {
 public:
  struct Link {
    std::string name;  // "EnvironmentCredential(ClientSecret)", "WorkloadIdentity", "ManagedIdentity"
    std::unique_ptr<TokenSource> source;
  };

  ChainedTokenSource(std::vector<Link> links, log::Logger logger);

  // TokenSource
  boost::asio::awaitable<Expected<AccessToken, AzureError>> token(const std::string& scope) override;

  // The names of the links, in order.
  std::vector<std::string> names() const;
  // The link in use, "" before the first success.
  std::string selected() const;

 private:
  std::vector<Link> links_;
  log::Logger logger_;
  std::optional<std::size_t> selected_;
};

}  // namespace aci::azure
