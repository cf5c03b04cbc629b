#pragma once
// Microsoft Graph v1.0 over the emulated directory: applications and service
// principals by object id or (appId='...'), $filter on appId/displayName, $select,
// and addPassword / removePassword. secretText appears only in the addPassword
// answer. Callers need a Graph token; writes need ownership with
// Application.ReadWrite.OwnedBy or Application.ReadWrite.All, as in Graph.

#include <string>

#include "daemon/http/server.hpp"
#include "emulator/directory/directory.hpp"
#include "emulator/request_target.hpp"
#include "emulator/token_validator.hpp"

namespace aci::emulator {

class GraphService {
 public:
  GraphService(NowFunction now, RandomSource& random, Directory& directory, const TokenValidator& tokens);

  // `target` is the whole request target, starting with /v1.0/.
  http::ServerResponse handle(const http::ServerRequest& request, const RequestTarget& target);

  // e.g. "POST applications/addPassword", "GET applications".
  static std::string route_name(const http::ServerRequest& request, const RequestTarget& target);

 private:
  http::ServerResponse error(unsigned status, const std::string& code, const std::string& message,
                             const http::ServerRequest& request);

  NowFunction now_;
  RandomSource& random_;
  Directory& directory_;
  const TokenValidator& tokens_;
};

}  // namespace aci::emulator
