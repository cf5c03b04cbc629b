#include "daemon/http/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace aci::http {
namespace {

namespace beast = boost::beast;

Handler answer(const std::string& body) {
  return [body](ServerRequest&, const RequestContext&) -> boost::asio::awaitable<ServerResponse> {
    co_return make_response(200, body);
  };
}

std::string get(Router& router, const std::string& target) {
  boost::asio::io_context io;
  ServerRequest request{beast::http::verb::get, target, 11};
  const RequestContext context;  // named: the coroutine keeps a reference to it
  std::string body;
  auto handler = router.handler();
  boost::asio::co_spawn(io, handler(request, context), [&](const std::exception_ptr& error, ServerResponse response) {
    if (error) std::rethrow_exception(error);
    body = std::to_string(response.result_int()) + " " + response.body();
  });
  io.run();
  return body;
}

TEST(RouterTest, ExactPathsWinThenTheLongestPrefix) {
  Router router;
  router.add(beast::http::verb::get, "/status", answer("all"));
  router.add(beast::http::verb::get, "/status/special", answer("exact"));
  router.add_prefix(beast::http::verb::get, "/status/", answer("one"));
  router.add_prefix(beast::http::verb::get, "/status/deep/", answer("deep"));
  EXPECT_EQ(get(router, "/status"), "200 all");
  EXPECT_EQ(get(router, "/status/special"), "200 exact");
  EXPECT_EQ(get(router, "/status/ContainerGroup/web?x=1"), "200 one");
  EXPECT_EQ(get(router, "/status/deep/x"), "200 deep");
  EXPECT_EQ(get(router, "/status/"), "404 not found\n");  // a prefix alone names nothing
  EXPECT_EQ(get(router, "/other"), "404 not found\n");
}

}  // namespace
}  // namespace aci::http
