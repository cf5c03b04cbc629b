#pragma once
// GraphClient: the Microsoft Graph calls of credential rotation on one application
// (by object id): list its password credentials, add one (the only moment Graph
// reveals the secret text), remove one by keyId. addPassword is not idempotent, so it
// is never retried after the request may have reached Graph; callers recover by
// listing and matching displayName. Secret texts are registered with the log redactor.
// Implementations: HttpGraphClient and test fakes. Arguments are taken by reference:
// co_await each call in the expression that makes it.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "daemon/azure/azure_error.hpp"
#include "daemon/azure/graph_wire.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/expected.hpp"

namespace aci::azure {

struct AddPasswordRequest {
  std::string display_name;
  std::optional<core::WallTime> start;
  std::optional<core::WallTime> end;
};

class GraphClient {
 public:
  virtual ~GraphClient() = default;

  virtual boost::asio::awaitable<Expected<std::vector<PasswordCredential>, AzureError>> list_passwords(
      const std::string& application_object_id) = 0;

  virtual boost::asio::awaitable<Expected<PasswordCredential, AzureError>> add_password(
      const std::string& application_object_id, const AddPasswordRequest& request) = 0;

  // Graph answers 204; a keyId that is already gone is Graph's 404 (not_found).
  virtual boost::asio::awaitable<Expected<Ok, AzureError>> remove_password(const std::string& application_object_id,
                                                                          const std::string& key_id) = 0;
};

}  // namespace aci::azure
