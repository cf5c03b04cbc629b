#pragma once
// Router: exact-path dispatch for the daemon's own small HTTP API (/metrics,
// probes, /status). Unknown paths answer 404, known paths with another method
// 405 with an Allow header. Routes are added before the server starts.

#include <map>
#include <string>

#include "daemon/http/server.hpp"

namespace aci::http {

class Router {
 public:
  void add(boost::beast::http::verb method, std::string path, Handler handler);
  // The Handler to give HttpServer; the Router must outlive the server.
  Handler handler();

 private:
  boost::asio::awaitable<ServerResponse> dispatch(ServerRequest& request, const RequestContext& context);
  std::map<std::string, std::map<boost::beast::http::verb, Handler>, std::less<>> routes_;
};

}  // namespace aci::http
