#include "daemon/app/daemon.hpp"

#include <prometheus/registry.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>

#include "daemon/app/operator_endpoints.hpp"
#include "daemon/app/readiness.hpp"
#include "daemon/core/duration.hpp"
#include "daemon/http/router.hpp"
#include "daemon/http/server.hpp"
#include "daemon/metrics/build_info.hpp"

namespace aci::app {

namespace asio = boost::asio;

struct Daemon::State {
  State(config::Config config_in, std::shared_ptr<log::LogSink> sink)
      : config(std::move(config_in)),
        logger(std::move(sink), "daemon"),
        registry(std::make_shared<prometheus::Registry>()),
        signals(io, SIGINT, SIGTERM),
        shutdown_deadline(io) {}

  config::Config config;
  log::Logger logger;
  asio::io_context io;
  std::shared_ptr<prometheus::Registry> registry;
  Readiness readiness;
  http::Router router;
  std::unique_ptr<http::HttpServer> server;
  asio::signal_set signals;
  asio::steady_timer shutdown_deadline;
  bool shutting_down = false;
};

namespace {

// Waits until no request is in flight, then releases the deadline timer and the
// signal wait so io_context::run() returns. Polling is fine: it runs only once,
// during shutdown.
asio::awaitable<void> drain(Daemon::State& s) {
  asio::steady_timer tick(s.io);
  while (s.server->connection_count() > 0) {
    tick.expires_after(std::chrono::milliseconds(20));
    co_await tick.async_wait(asio::use_awaitable);
  }
  s.shutdown_deadline.cancel();
  boost::system::error_code ignored;
  s.signals.cancel(ignored);
}

}  // namespace

Daemon::Daemon(config::Config config, std::shared_ptr<log::LogSink> sink)
    : state_(std::make_unique<State>(std::move(config), std::move(sink))) {}

Daemon::~Daemon() = default;

int Daemon::run() {
  auto& s = *state_;
  metrics::register_build_info(*s.registry, ACI_VERSION);
  add_operator_endpoints(s.router, *s.registry, s.readiness);

  s.readiness.add("server");
  http::ServerOptions server_options;
  server_options.address = s.config.server.address;
  server_options.port = s.config.server.port;
  s.server = std::make_unique<http::HttpServer>(s.io.get_executor(), server_options, s.router.handler());
  auto endpoint = s.server->listen();
  if (!endpoint) {
    s.logger.error("cannot start the HTTP server", {{"error", endpoint.error()}});
    return 1;
  }
  s.readiness.set("server", true);
  const auto url = "http://" + endpoint->address().to_string() + ":" + std::to_string(endpoint->port());
  s.logger.info("serving metrics and probes",
                {{"metrics", url + "/metrics"}, {"healthz", url + "/healthz"}, {"readyz", url + "/readyz"},
                 {"version", ACI_VERSION}});

  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (s.shutting_down) {
          s.logger.warn("second signal: exiting without waiting", {{"signal", signal}});
          s.io.stop();
          return;
        }
        s.shutting_down = true;
        s.logger.info("shutting down", {{"signal", signal},
                                        {"timeout", format_duration(s.config.shutdown_timeout)}});
        for (auto& component : {"server"}) s.readiness.set(component, false);
        s.server->stop();
        s.shutdown_deadline.expires_after(s.config.shutdown_timeout);
        s.shutdown_deadline.async_wait([&](const boost::system::error_code& timer_ec) {
          if (timer_ec) return;
          s.logger.warn("shutdown deadline reached; abandoning in-flight work");
          s.io.stop();
        });
        s.signals.async_wait(on_signal);
        // Once in-flight requests are done, nothing but the deadline timer and
        // the signal wait is left; end those so run() returns.
        asio::co_spawn(s.io, drain(s), asio::detached);
      };
  s.signals.async_wait(on_signal);
  s.io.run();
  s.logger.info("stopped");
  return 0;
}

}  // namespace aci::app
