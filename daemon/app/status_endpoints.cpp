#include "daemon/app/status_endpoints.hpp"

#include "daemon/core/utf8.hpp"

namespace aci::app {

namespace beast = boost::beast;
using http::RequestContext;
using http::ServerRequest;
using http::ServerResponse;

namespace {

constexpr const char* kJson = "application/json";
constexpr std::string_view kPrefix = "/status/";

}  // namespace

void add_status_endpoints(http::Router& router, const status::StatusStore& statuses) {
  router.add(beast::http::verb::get, "/status",
             [&statuses](ServerRequest&, const RequestContext&) -> boost::asio::awaitable<ServerResponse> {
               co_return http::make_response(200, core::dump_json(statuses.snapshot(), 2) + "\n", kJson);
             });
  router.add_prefix(
      beast::http::verb::get, std::string(kPrefix),
      [&statuses](ServerRequest& request, const RequestContext&) -> boost::asio::awaitable<ServerResponse> {
        const std::string_view target = request.target();
        const auto key = std::string(target.substr(kPrefix.size(), target.find('?') - kPrefix.size()));
        const auto* status = statuses.find(key);
        if (status == nullptr) co_return http::make_response(404, "not found\n");
        co_return http::make_response(200, core::dump_json(*status, 2) + "\n", kJson);
      });
}

}  // namespace aci::app
