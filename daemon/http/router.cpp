#include "daemon/http/router.hpp"

namespace aci::http {

namespace beast = boost::beast;

void Router::add(beast::http::verb method, std::string path, Handler handler) {
  routes_[std::move(path)][method] = std::move(handler);
}

void Router::add_prefix(beast::http::verb method, std::string prefix, Handler handler) {
  prefix_routes_[std::move(prefix)][method] = std::move(handler);
}

const Router::Methods* Router::find(std::string_view path) const {
  if (const auto exact = routes_.find(path); exact != routes_.end()) return &exact->second;
  for (const auto& [prefix, methods] : prefix_routes_) {
    if (path.size() > prefix.size() && path.starts_with(prefix)) return &methods;
  }
  return nullptr;
}

Handler Router::handler() {
  return [this](ServerRequest& request, const RequestContext& context) { return dispatch(request, context); };
}

boost::asio::awaitable<ServerResponse> Router::dispatch(ServerRequest& request, const RequestContext& context) {
  std::string_view target = request.target();
  const auto path = target.substr(0, target.find('?'));
  const auto* route = find(path);
  if (route == nullptr) co_return make_response(404, "not found\n");
  auto method = request.method() == beast::http::verb::head ? beast::http::verb::get : request.method();
  const auto handler = route->find(method);
  if (handler == route->end()) {
    auto response = make_response(405, "method not allowed\n");
    std::string allow;
    for (const auto& [verb, unused] : *route) {
      allow += (allow.empty() ? "" : ", ") + std::string(beast::http::to_string(verb));
    }
    response.set(beast::http::field::allow, allow);
    co_return response;
  }
  co_return co_await handler->second(request, context);
}

}  // namespace aci::http
