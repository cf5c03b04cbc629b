#pragma once
// Router: path dispatch for the daemon's own small HTTP API (/metrics, probes,
// /status). Exact paths win; otherwise the longest prefix route whose prefix starts
// the path (/status/ for /status/ContainerGroup/web). Unknown paths answer 404,
// known paths with another method 405 with an Allow header. Routes are added
// before the server starts.

#include <map>
#include <string>

#include "daemon/http/server.hpp"

namespace aci::http {

class Router {
 public:
  void add(boost::beast::http::verb method, std::string path, Handler handler);
  // Every path that starts with `prefix` and is longer than it.
  void add_prefix(boost::beast::http::verb method, std::string prefix, Handler handler);
  // The Handler to give HttpServer; the Router must outlive the server.
  Handler handler();

 private:
  boost::asio::awaitable<ServerResponse> dispatch(ServerRequest& request, const RequestContext& context);
  using Methods = std::map<boost::beast::http::verb, Handler>;
  const Methods* find(std::string_view path) const;

  std::map<std::string, Methods, std::less<>> routes_;
  std::map<std::string, Methods, std::greater<>> prefix_routes_;  // longest first among shared starts
};

}  // namespace aci::http
