#pragma once
// PasswordSignIn: asks Entra whether a service principal's password works, by
// requesting a client-credentials token with it and throwing the token away. Credential
// rotation verifies a new password this way before anything depends on it. Entra's
// refusal (401, invalid_client) is the answer `rejected`; an outage is an error, so a
// caller never mistakes one for the other. Implementations: HttpPasswordSignIn, fakes.
// Arguments are taken by reference: co_await each call in the expression that makes it.

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>

#include "daemon/azure/azure_error.hpp"
#include "daemon/core/expected.hpp"

namespace aci::azure {

class AzurePipeline;

enum class SignInResult { accepted, rejected };

std::string_view to_string(SignInResult result);

class PasswordSignIn {
 public:
  virtual ~PasswordSignIn() = default;
  virtual boost::asio::awaitable<Expected<SignInResult, AzureError>> try_password(const std::string& tenant,
                                                                                  const std::string& client_id,
                                                                                  const std::string& password) = 0;
};

// Over the identity pipeline (which must outlive it); `scope` is any resource scope
// the principal may ask for, e.g. ARM's.
class HttpPasswordSignIn final : public PasswordSignIn {
 public:
  HttpPasswordSignIn(AzurePipeline& pipeline, std::string authority_host, std::string scope);

  boost::asio::awaitable<Expected<SignInResult, AzureError>> try_password(const std::string& tenant,
                                                                          const std::string& client_id,
                                                                          const std::string& password) override;

 private:
  AzurePipeline& pipeline_;
  std::string authority_host_;
  std::string scope_;
};

}  // namespace aci::azure
