#include "daemon/app/status_endpoints.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <sstream>

namespace aci::app {
namespace {

using nlohmann::json;
namespace beast = boost::beast;

class StatusEndpointsTest : public ::testing::Test {
 protected:
  StatusEndpointsTest() {
    statuses.update("ContainerGroup/web", [](json& status) { status["state"] = "Running"; });
    statuses.update("ContainerGroup/prod/api", [](json& status) { status["state"] = "Pending"; });
    add_status_endpoints(router, statuses);
  }

  http::ServerResponse get(const std::string& target, beast::http::verb method = beast::http::verb::get) {
    http::ServerRequest request{method, target, 11};
    const http::RequestContext context;  // named: the coroutine keeps a reference to it
    http::ServerResponse response;
    auto handler = router.handler();
    boost::asio::co_spawn(io, handler(request, context),
                          [&](const std::exception_ptr& error, http::ServerResponse result) {
                            if (error) std::rethrow_exception(error);
                            response = std::move(result);
                          });
    io.restart();
    io.run();
    return response;
  }

  boost::asio::io_context io;
  std::ostringstream log_output;
  status::StatusStore statuses{io.get_executor(), log::Logger(std::make_shared<log::LogSink>(log_output), "status")};
  http::Router router;
};

TEST_F(StatusEndpointsTest, StatusListsEveryObjectAsJson) {
  const auto response = get("/status");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response[beast::http::field::content_type], "application/json");
  EXPECT_EQ(json::parse(response.body()), statuses.snapshot());
  EXPECT_EQ(json::parse(response.body()).size(), 2u);
}

TEST_F(StatusEndpointsTest, OneObjectByKindAndName) {
  const auto response = get("/status/ContainerGroup/web");
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(json::parse(response.body()), json::parse(R"({"state":"Running"})"));
  EXPECT_EQ(json::parse(get("/status/ContainerGroup/prod/api?pretty=1").body())["state"], "Pending");
}

TEST_F(StatusEndpointsTest, AnUnknownObjectIs404) {
  EXPECT_EQ(get("/status/ContainerGroup/nope").result_int(), 404u);
  EXPECT_EQ(get("/status/").result_int(), 404u);
  EXPECT_EQ(get("/statusx").result_int(), 404u);
}

TEST_F(StatusEndpointsTest, OnlyGetIsAllowed) {
  const auto response = get("/status/ContainerGroup/web", beast::http::verb::delete_);
  EXPECT_EQ(response.result_int(), 405u);
  EXPECT_EQ(response[beast::http::field::allow], "GET");
}

}  // namespace
}  // namespace aci::app
