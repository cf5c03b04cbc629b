#include "daemon/app/rotation_endpoint.hpp"

#include <nlohmann/json.hpp>

#include "daemon/core/utf8.hpp"

namespace aci::app {

void add_rotation_endpoint(http::Router& router, RotateFunction rotate) {
  router.add_prefix(
      boost::beast::http::verb::post, std::string(kRotationsPath),
      [rotate = std::move(rotate)](http::ServerRequest& request,
                                   const http::RequestContext&) -> boost::asio::awaitable<http::ServerResponse> {
        const std::string_view target = request.target();
        const auto end = std::min(target.find('?'), target.size());
        const auto name = std::string(target.substr(kRotationsPath.size(), end - kRotationsPath.size()));
        const auto queued = rotate(name);
        nlohmann::json body{{"rotation", name}};
        unsigned status = 202;
        if (!queued) {
          status = 503;
          body["error"] = "the daemon is not running rotations";
        } else if (!*queued) {
          status = 404;
          body["error"] = "no CredentialRotation named " + name;
        } else {
          body["status"] = "queued";
        }
        co_return http::make_response(status, core::dump_json(body) + "\n", "application/json");
      });
}

}  // namespace aci::app
