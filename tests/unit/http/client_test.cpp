#include "daemon/http/client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <optional>

#include "tests/support/test_certificates.hpp"
#include "tests/support/tls_test_server.hpp"

namespace aci::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::TestCertificates;
using testing::TlsTestServer;
using Clock = std::chrono::steady_clock;

constexpr auto kTestGuard = 20s;  // a hung test fails instead of hanging the suite

class HttpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certificates_ = new TestCertificates({"localhost", "api.example.test"}, {"127.0.0.1", "::1"});
  }
  static void TearDownTestSuite() {
    delete certificates_;
    certificates_ = nullptr;
  }

  void TearDown() override {
    // Let every coroutine finish before the io_context goes, so none dies mid-flight.
    client_.reset();
    server_.reset();
    io_.restart();
    io_.run_for(2s);
  }

  TlsTestServer& start_server(std::shared_ptr<asio::ssl::context> tls = certificates_->server_context()) {
    server_ = std::make_unique<TlsTestServer>(io_.get_executor(), std::move(tls));
    return *server_;
  }

  HttpClient& start_client(ClientOptions options = {}) {
    if (options.tls.extra_ca_file.empty()) options.tls.extra_ca_file = certificates_->ca_file();
    auto client = HttpClient::create(io_.get_executor(), std::move(options));
    if (!client) throw std::runtime_error(client.error());
    client_ = std::move(*client);
    return *client_;
  }

  std::string url(const std::string& path, const std::string& host = "127.0.0.1",
                  const char* scheme = "https") const {
    return std::string(scheme) + "://" + host + ":" + std::to_string(server_->port()) + path;
  }

  // Runs the io_context until `task` completes (or the guard passes) and returns its result.
  template <class T>
  T run(asio::awaitable<T> task) {
    std::optional<T> result;
    asio::co_spawn(
        io_, [&]() -> asio::awaitable<void> { result.emplace(co_await std::move(task)); }, asio::detached);
    run_until([&] { return result.has_value(); });
    if (!result) throw std::runtime_error("test task did not finish within the guard");
    return std::move(*result);
  }

  void run_until(const std::function<bool()>& done) {
    io_.restart();
    const auto until = Clock::now() + kTestGuard;
    while (!done() && Clock::now() < until) io_.run_one_until(until);
  }

  // Calls `action` after `delay`, on the io_context.
  void after(std::chrono::milliseconds delay, std::function<void()> action) {
    asio::co_spawn(
        io_,
        [this, delay, action = std::move(action)]() -> asio::awaitable<void> {
          asio::steady_timer timer(io_, delay);
          co_await timer.async_wait(asio::use_awaitable);
          action();
        },
        asio::detached);
  }

  Expected<Response, Error> get(const std::string& target_url, RequestOptions options = {}) {
    return run(client_->send(Request{.url = target_url}, options));
  }

  static TestCertificates* certificates_;
  asio::io_context io_;
  std::unique_ptr<TlsTestServer> server_;
  std::unique_ptr<HttpClient> client_;
};

TestCertificates* HttpClientTest::certificates_ = nullptr;

std::string describe(const Expected<Response, Error>& response) {
  if (response) return "status " + std::to_string(response->status);
  return std::string(to_string(response.error().kind)) + ": " + response.error().message;
}

TEST_F(HttpClientTest, SendsOverHttpsTrustingTheExtraCaBundle) {
  start_server();
  start_client();
  auto response = get(url("/echo?x=1"));
  ASSERT_TRUE(response) << describe(response);
  EXPECT_EQ(response->status, 200U);
  EXPECT_EQ(response->header("X-Seen-Method"), "GET");
  EXPECT_EQ(response->header("X-Seen-Target"), "/echo?x=1");
  EXPECT_EQ(response->header("X-Seen-Host"), "127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_EQ(response->header("X-Seen-User-Agent"), "aci-operator");
  EXPECT_EQ(response->header("X-Not-There"), "");
}

TEST_F(HttpClientTest, SendsBodyWithContentLength) {
  start_server();
  start_client();
  Request request{.method = boost::beast::http::verb::put, .url = url("/echo"), .body = R"({"a":1})"};
  request.headers.set(boost::beast::http::field::user_agent, "custom-agent");
  auto response = run(client_->send(std::move(request)));
  ASSERT_TRUE(response) << describe(response);
  EXPECT_EQ(response->header("X-Seen-Method"), "PUT");
  EXPECT_EQ(response->header("X-Seen-Content-Length"), "7");
  EXPECT_EQ(response->header("X-Seen-User-Agent"), "custom-agent");
  EXPECT_EQ(response->body, R"({"a":1})");
}

TEST_F(HttpClientTest, EmptyPostStillCarriesContentLength) {
  start_server();
  start_client();
  auto response = run(client_->send(Request{.method = boost::beast::http::verb::post, .url = url("/echo")}));
  ASSERT_TRUE(response) << describe(response);
  EXPECT_EQ(response->header("X-Seen-Content-Length"), "0");
}

TEST_F(HttpClientTest, SpeaksPlainHttp) {
  start_server(nullptr);
  start_client();
  auto response = get(url("/echo", "127.0.0.1", "http"));
  ASSERT_TRUE(response) << describe(response);
  EXPECT_EQ(response->status, 200U);
}

TEST_F(HttpClientTest, RejectsCertificateFromUnknownCa) {
  start_server();
  const TestCertificates other({"localhost"}, {"127.0.0.1"});
  start_client(ClientOptions{.tls = {.extra_ca_file = other.ca_file()}});
  auto response = get(url("/echo"));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::tls) << describe(response);
  EXPECT_NE(response.error().message.find("certificate verification failed"), std::string::npos)
      << response.error().message;
}

TEST_F(HttpClientTest, RejectsHostNameMismatch) {
  start_server(TestCertificates::server_context(certificates_->issue({"other.example"}, {})));
  start_client();
  for (const char* host : {"127.0.0.1", "localhost"}) {
    auto response = get(url("/echo", host));
    ASSERT_FALSE(response) << host;
    EXPECT_EQ(response.error().kind, ErrorKind::tls) << describe(response);
    EXPECT_NE(response.error().message.find("mismatch"), std::string::npos) << response.error().message;
  }
  EXPECT_EQ(client_->idle_connections(), 0U);
}

TEST_F(HttpClientTest, IpLiteralNeedsAnIpSubjectAltName) {
  // "127.0.0.1" as a DNS name does not vouch for the address.
  start_server(TestCertificates::server_context(certificates_->issue({"127.0.0.1", "localhost"}, {})));
  start_client();
  auto by_ip = get(url("/echo"));
  ASSERT_FALSE(by_ip);
  EXPECT_EQ(by_ip.error().kind, ErrorKind::tls);
  auto by_name = get(url("/echo", "localhost"));
  EXPECT_TRUE(by_name) << describe(by_name);
}

TEST_F(HttpClientTest, SendsSniForNamesButNotForIpLiterals) {
  start_server();
  start_client();
  ASSERT_TRUE(get(url("/echo", "localhost")));
  EXPECT_EQ(server_->last_sni(), "localhost");
  ASSERT_TRUE(get(url("/echo", "127.0.0.1")));
  EXPECT_EQ(server_->last_sni(), "");
}

TEST_F(HttpClientTest, DeadlineEndsStalledResponseWithTimeout) {
  start_server();
  start_client();
  const auto started = Clock::now();
  auto response = get(url("/stall"), RequestOptions{.timeout = 300ms});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::timeout) << describe(response);
  EXPECT_LT(Clock::now() - started, 5s);
}

TEST_F(HttpClientTest, DeadlineCoversTlsHandshake) {
  // A listener that never accepts: the kernel completes TCP, nobody speaks TLS.
  asio::ip::tcp::acceptor silent(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  start_client();
  const auto port = std::to_string(silent.local_endpoint().port());
  auto response = get("https://127.0.0.1:" + port + "/", RequestOptions{.timeout = 300ms});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::timeout) << describe(response);
  EXPECT_NE(response.error().message.find("TLS handshake"), std::string::npos) << response.error().message;
}

TEST_F(HttpClientTest, ResetInTheMiddleOfTheBodyIsAnError) {
  start_server();
  start_client();
  auto response = get(url("/reset"));
  ASSERT_FALSE(response);
  const auto kind = response.error().kind;
  EXPECT_TRUE(kind == ErrorKind::closed || kind == ErrorKind::protocol) << describe(response);
  EXPECT_EQ(client_->idle_connections(), 0U);
}

TEST_F(HttpClientTest, BodyOverTheLimitIsProtocolError) {
  start_server();
  start_client();
  auto response = get(url("/bytes/2000"), RequestOptions{.body_limit = 1000});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::protocol) << describe(response);
  auto within = get(url("/bytes/1000"), RequestOptions{.body_limit = 1000});
  ASSERT_TRUE(within) << describe(within);
  EXPECT_EQ(within->body.size(), 1000U);
}

TEST_F(HttpClientTest, ReusesPooledConnection) {
  start_server();
  start_client();
  for (int i = 0; i < 5; ++i) {
    auto response = get(url("/echo"));
    ASSERT_TRUE(response) << describe(response);
  }
  EXPECT_EQ(server_->accepted(), 1U);
  EXPECT_EQ(client_->idle_connections(), 1U);
}

TEST_F(HttpClientTest, CapsConcurrentConnectionsPerHost) {
  start_server();
  start_client(ClientOptions{.max_connections_per_host = 2});
  constexpr int kRequests = 6;
  int succeeded = 0;
  int finished = 0;
  for (int i = 0; i < kRequests; ++i) {
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          Request request{.url = url("/delay/50")};
          auto response = co_await client_->send(std::move(request));
          succeeded += response && response->status == 200 ? 1 : 0;
          ++finished;
        },
        asio::detached);
  }
  run_until([&] { return finished == kRequests; });
  EXPECT_EQ(succeeded, kRequests);
  EXPECT_LE(server_->accepted(), 2U);
  EXPECT_LE(server_->max_concurrent(), 2U);
}

TEST_F(HttpClientTest, WaitingForAConnectionCountsAgainstTheDeadline) {
  start_server();
  start_client(ClientOptions{.max_connections_per_host = 1});
  std::optional<Expected<Response, Error>> stalled;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        Request request{.url = url("/stall")};
        stalled.emplace(co_await client_->send(std::move(request), {.timeout = 2s}));
      },
      asio::detached);
  auto queued = get(url("/echo"), RequestOptions{.timeout = 200ms});
  ASSERT_FALSE(queued);
  EXPECT_EQ(queued.error().kind, ErrorKind::timeout) << describe(queued);
  EXPECT_NE(queued.error().message.find("waiting for a connection"), std::string::npos)
      << queued.error().message;
  run_until([&] { return stalled.has_value(); });
  ASSERT_TRUE(stalled.has_value());
  EXPECT_EQ(stalled->error().kind, ErrorKind::timeout);
  // The slot came back: the next request gets through.
  EXPECT_TRUE(get(url("/echo")));
}

TEST_F(HttpClientTest, RetriesOnceWhenServerClosedPooledConnection) {
  start_server();
  start_client();
  ASSERT_TRUE(get(url("/close-after")));
  auto response = get(url("/echo"));
  ASSERT_TRUE(response) << describe(response);
  EXPECT_EQ(server_->accepted(), 2U);
}

TEST_F(HttpClientTest, RetriesAPooledConnectionOnlyOnce) {
  start_server();
  start_client();
  ASSERT_TRUE(get(url("/echo")));
  auto response = get(url("/drop"));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::closed) << describe(response);
  EXPECT_EQ(server_->accepted(), 2U);  // the pooled connection, then one fresh retry
}

TEST_F(HttpClientTest, DoesNotRetryAFreshConnection) {
  start_server();
  start_client();
  auto response = get(url("/drop"));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::closed) << describe(response);
  EXPECT_EQ(server_->accepted(), 1U);
}

TEST_F(HttpClientTest, ClosesIdleConnectionsAfterIdleTimeout) {
  start_server();
  start_client(ClientOptions{.idle_timeout = 100ms});
  ASSERT_TRUE(get(url("/echo")));
  EXPECT_EQ(client_->idle_connections(), 1U);
  bool waited = false;
  after(400ms, [&] { waited = true; });
  run_until([&] { return waited; });
  EXPECT_EQ(client_->idle_connections(), 0U);
  ASSERT_TRUE(get(url("/echo")));
  EXPECT_EQ(server_->accepted(), 2U);
}

TEST_F(HttpClientTest, CloseIdleDropsPooledConnections) {
  start_server();
  start_client();
  ASSERT_TRUE(get(url("/echo")));
  client_->close_idle();
  EXPECT_EQ(client_->idle_connections(), 0U);
  ASSERT_TRUE(get(url("/echo")));
  EXPECT_EQ(server_->accepted(), 2U);
}

TEST_F(HttpClientTest, StreamsLinesAcrossChunkBoundaries) {
  start_server();
  start_client();
  server_->set_chunks({"{\"type\":\"ADDED\"}\n{\"type\":", "\"MODIFIED\"}\r\n", "last line"}, 20ms);
  auto stream = run(client_->open_stream(Request{.url = url("/lines")}));
  ASSERT_TRUE(stream) << stream.error().message;
  EXPECT_EQ((*stream)->status(), 200U);
  std::vector<std::string> lines;
  for (;;) {
    auto line = run((*stream)->next_line(5s));
    ASSERT_TRUE(line) << line.error().message;
    if (!*line) break;
    lines.push_back(**line);
  }
  EXPECT_EQ(lines,
            (std::vector<std::string>{"{\"type\":\"ADDED\"}", "{\"type\":\"MODIFIED\"}", "last line"}));
  EXPECT_EQ(client_->idle_connections(), 1U);  // a cleanly ended stream gives its connection back
}

TEST_F(HttpClientTest, StreamLineTimeoutIsTimeout) {
  start_server();
  start_client();
  server_->set_chunks({"one\n"}, 0ms);
  auto stream = run(client_->open_stream(Request{.url = url("/lines-then-stall")}));
  ASSERT_TRUE(stream) << stream.error().message;
  auto first = run((*stream)->next_line(5s));
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(**first, "one");
  auto second = run((*stream)->next_line(200ms));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::timeout) << second.error().message;
}

TEST_F(HttpClientTest, CancelEndsPendingNextLine) {
  start_server();
  start_client();
  server_->set_chunks({}, 0ms);
  auto stream = run(client_->open_stream(Request{.url = url("/lines-then-stall")}));
  ASSERT_TRUE(stream) << stream.error().message;
  after(50ms, [&] { (*stream)->cancel(); });
  auto line = run((*stream)->next_line(10s));
  ASSERT_FALSE(line);
  EXPECT_EQ(line.error().kind, ErrorKind::cancelled) << line.error().message;
}

TEST_F(HttpClientTest, ShutdownCancelsCallsInFlightAndLater) {
  start_server();
  start_client();
  after(50ms, [&] { client_->shutdown(); });
  auto stalled = get(url("/stall"), RequestOptions{.timeout = 10s});
  ASSERT_FALSE(stalled);
  EXPECT_EQ(stalled.error().kind, ErrorKind::cancelled) << describe(stalled);
  auto later = get(url("/echo"));
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().kind, ErrorKind::cancelled) << describe(later);
}

TEST_F(HttpClientTest, ConnectToOverrideKeepsTheUrlHost) {
  start_server();
  start_client(ClientOptions{
      .connect_to = {{"api.example.test:443", "127.0.0.1:" + std::to_string(server_->port())}}});
  auto response = get("https://api.example.test/echo");
  ASSERT_TRUE(response) << describe(response);
  EXPECT_EQ(response->header("X-Seen-Host"), "api.example.test");
  EXPECT_EQ(server_->last_sni(), "api.example.test");
}

TEST_F(HttpClientTest, ConnectToOverrideStillVerifiesTheUrlHost) {
  start_server();
  start_client(ClientOptions{
      .connect_to = {{"wrong.example.test:443", "127.0.0.1:" + std::to_string(server_->port())}}});
  auto response = get("https://wrong.example.test/echo");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::tls) << describe(response);
}

TEST_F(HttpClientTest, RefusedConnectionIsConnectError) {
  std::uint16_t port = 0;
  {
    asio::ip::tcp::acceptor closed(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = closed.local_endpoint().port();
  }
  start_client();
  auto response = get("https://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::connect) << describe(response);
}

TEST_F(HttpClientTest, UnresolvableHostIsResolveError) {
  start_client();
  auto response = get("https://no-such-host.invalid/", RequestOptions{.timeout = 10s});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::resolve) << describe(response);
}

TEST_F(HttpClientTest, InvalidUrlIsProtocolError) {
  start_client();
  auto response = get("ftp://example.com/");
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::protocol) << describe(response);
}

TEST_F(HttpClientTest, ErrorMessagesOmitSecrets) {
  start_server();
  start_client();
  Request request{.method = boost::beast::http::verb::post,
                  .url = url("/stall?sig=query-secret"),
                  .body = "password=body-secret"};
  request.headers.set(boost::beast::http::field::authorization, "Bearer header-secret");
  auto response = run(client_->send(std::move(request), RequestOptions{.timeout = 200ms}));
  ASSERT_FALSE(response);
  for (const char* secret : {"query-secret", "body-secret", "header-secret"})
    EXPECT_EQ(response.error().message.find(secret), std::string::npos) << response.error().message;
}

TEST_F(HttpClientTest, CreateNamesAMissingCaFile) {
  auto client =
      HttpClient::create(io_.get_executor(), ClientOptions{.tls = {.extra_ca_file = "/nonexistent/extra-ca.pem"}});
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().find("/nonexistent/extra-ca.pem"), std::string::npos) << client.error();
}

TEST_F(HttpClientTest, CreateRejectsMalformedConnectTo) {
  auto client = HttpClient::create(io_.get_executor(),
                                   ClientOptions{.connect_to = {{"host-without-port", "127.0.0.1:1"}}});
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().find("host-without-port"), std::string::npos) << client.error();
}

}  // namespace
}  // namespace aci::http
