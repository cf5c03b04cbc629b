#include "daemon/app/operator_endpoints.hpp"

#include <string>
#include <vector>

#include "daemon/metrics/exposition.hpp"

namespace aci::app {

namespace beast = boost::beast;
using http::RequestContext;
using http::ServerRequest;
using http::ServerResponse;

namespace {

// "ok", or one line per loop that is down, for a person reading a failed probe.
std::string describe_health(const std::vector<core::LoopSupervisor::DownLoop>& down) {
  if (down.empty()) return "ok\n";
  std::string body;
  for (const auto& loop : down) {
    body += "loop " + loop.name + " is down: " + std::to_string(loop.consecutive_failures) +
            " consecutive failures, the last: " + loop.last_error + "\n";
  }
  return body;
}

}  // namespace

void add_operator_endpoints(http::Router& router, prometheus::Registry& registry, const Readiness& readiness,
                            const core::LoopSupervisor& loops) {
  router.add(beast::http::verb::get, "/metrics",
             [&registry](ServerRequest&, const RequestContext&) -> boost::asio::awaitable<ServerResponse> {
               co_return http::make_response(200, metrics::expose(registry), metrics::kTextContentType);
             });
  router.add(beast::http::verb::get, "/healthz",
             [&loops](ServerRequest&, const RequestContext&) -> boost::asio::awaitable<ServerResponse> {
               const auto down = loops.down_loops();
               co_return http::make_response(down.empty() ? 200 : 503, describe_health(down));
             });
  router.add(beast::http::verb::get, "/readyz",
             [&readiness](ServerRequest&, const RequestContext&) -> boost::asio::awaitable<ServerResponse> {
               co_return http::make_response(readiness.ready() ? 200 : 503, readiness.describe());
             });
}

}  // namespace aci::app
