#include "daemon/app/operator_endpoints.hpp"

#include "daemon/metrics/exposition.hpp"

namespace aci::app {

namespace beast = boost::beast;
using http::RequestContext;
using http::ServerRequest;
using http::ServerResponse;

void add_operator_endpoints(http::Router& router, prometheus::Registry& registry, const Readiness& readiness) {
  router.add(beast::http::verb::get, "/metrics",
             [&registry](ServerRequest&, const RequestContext&) -> boost::asio::awaitable<ServerResponse> {
               co_return http::make_response(200, metrics::expose(registry), metrics::kTextContentType);
             });
  router.add(beast::http::verb::get, "/healthz",
             [](ServerRequest&, const RequestContext&) -> boost::asio::awaitable<ServerResponse> {
               co_return http::make_response(200, "ok\n");
             });
  router.add(beast::http::verb::get, "/readyz",
             [&readiness](ServerRequest&, const RequestContext&) -> boost::asio::awaitable<ServerResponse> {
               co_return http::make_response(readiness.ready() ? 200 : 503, readiness.describe());
             });
}

}  // namespace aci::app
