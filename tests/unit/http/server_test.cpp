#include "daemon/http/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <future>
#include <thread>

#include "tests/support/plain_http.hpp"

namespace aci::http {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

// Runs an HttpServer on its own io_context thread; tests act as blocking clients.
class ServerFixture {
 public:
  explicit ServerFixture(Handler handler, const ServerOptions& options = {}) {
    server_ = std::make_unique<HttpServer>(io_.get_executor(), options, std::move(handler));
    auto endpoint = server_->listen();
    EXPECT_TRUE(endpoint);
    port_ = endpoint->port();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ServerFixture() {
    asio::post(io_, [this] { server_->stop(); });
    work_.reset();
    io_.stop();
    thread_.join();
  }
  template <class F>
  auto on_server(F f) {
    std::promise<decltype(f())> result;
    asio::post(io_, [&] { result.set_value(f()); });
    return result.get_future().get();
  }
  unsigned short port() const { return port_; }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{io_.get_executor()};
  std::unique_ptr<HttpServer> server_;
  unsigned short port_ = 0;
  std::thread thread_;

 public:
  HttpServer& server() { return *server_; }
};

Handler echo() {
  return [](ServerRequest& request, const RequestContext&) -> asio::awaitable<ServerResponse> {
    co_return make_response(200, std::string(request.method_string()) + " " + std::string(request.target()));
  };
}

TEST(HttpServerTest, AnswersThroughTheHandler) {
  ServerFixture fixture(echo());
  auto response = testing::plain_http("GET", "127.0.0.1", fixture.port(), "/x?y=1");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, "GET /x?y=1");
}

TEST(HttpServerTest, HandlerExceptionBecomes500AndServerLives) {
  ServerFixture fixture([](ServerRequest& request, const RequestContext&) -> asio::awaitable<ServerResponse> {
    if (request.target() == "/boom") throw std::runtime_error("boom");
    co_return make_response(200, "fine");
  });
  EXPECT_EQ(testing::plain_http("GET", "127.0.0.1", fixture.port(), "/boom").status, 500u);
  EXPECT_EQ(testing::plain_http("GET", "127.0.0.1", fixture.port(), "/ok").status, 200u);
}

TEST(HttpServerTest, OversizedBodyGets413) {
  ServerOptions options;
  options.body_limit = 16;
  ServerFixture fixture(echo(), options);
  EXPECT_EQ(testing::plain_http("POST", "127.0.0.1", fixture.port(), "/", std::string(100, 'x')).status, 413u);
  EXPECT_EQ(testing::plain_http("POST", "127.0.0.1", fixture.port(), "/", "small").status, 200u);
}

TEST(HttpServerTest, DropConnectionClosesWithoutAnswer) {
  ServerFixture fixture([](ServerRequest&, const RequestContext&) -> asio::awaitable<ServerResponse> {
    throw DropConnection{};
    co_return make_response(200, "");
  });
  auto response = testing::plain_http("GET", "127.0.0.1", fixture.port(), "/");
  EXPECT_EQ(response.status, 0u);
  EXPECT_FALSE(response.error.empty());
}

TEST(HttpServerTest, StopLetsInFlightRequestFinishAndRefusesNewConnections) {
  std::promise<void> entered;
  asio::steady_timer* release = nullptr;
  ServerFixture* fixture_ptr = nullptr;
  ServerFixture fixture([&](ServerRequest&, const RequestContext&) -> asio::awaitable<ServerResponse> {
    asio::steady_timer timer(fixture_ptr->io(), std::chrono::hours(1));
    release = &timer;
    entered.set_value();
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_return make_response(200, "finished");
  });
  fixture_ptr = &fixture;
  auto in_flight = std::async(std::launch::async,
                              [&] { return testing::plain_http("GET", "127.0.0.1", fixture.port(), "/slow"); });
  entered.get_future().wait();
  fixture.on_server([&] {
    fixture.server().stop();
    release->cancel();  // the handler now completes
    return 0;
  });
  auto response = in_flight.get();
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, "finished");
  EXPECT_NE(testing::plain_http("GET", "127.0.0.1", fixture.port(), "/").error, "");
  EXPECT_EQ(fixture.on_server([&] { return fixture.server().accepted_count(); }), 1u);
}

TEST(HttpServerTest, StopClosesIdleKeepAliveConnections) {
  ServerFixture fixture(echo());
  asio::io_context client_io;
  boost::beast::tcp_stream stream(client_io);
  stream.connect({asio::ip::make_address("127.0.0.1"), fixture.port()});
  namespace http = boost::beast::http;
  http::request<http::string_body> request{http::verb::get, "/", 11};
  request.set(http::field::host, "x");
  http::write(stream, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  EXPECT_TRUE(response.keep_alive());
  EXPECT_EQ(fixture.on_server([&] { return fixture.server().connection_count(); }), 1u);
  fixture.on_server([&] {
    fixture.server().stop();
    return 0;
  });
  stream.expires_after(5s);
  boost::system::error_code ec;
  http::read(stream, buffer, response, ec);
  EXPECT_EQ(ec, http::error::end_of_stream);
}

TEST(HttpServerTest, ListenReportsAnInvalidAddress) {
  asio::io_context io;
  ServerOptions options;
  options.address = "not-an-ip";
  HttpServer server(io.get_executor(), options, echo());
  auto result = server.listen();
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("invalid listen address 'not-an-ip'"), std::string::npos);
}

TEST(HttpServerTest, MakeResponseSetsStatusBodyAndLength) {
  auto response = make_response(404, "nope");
  EXPECT_EQ(response.result_int(), 404u);
  EXPECT_EQ(response.body(), "nope");
  EXPECT_EQ(response[boost::beast::http::field::content_length], "4");
}

}  // namespace
}  // namespace aci::http
