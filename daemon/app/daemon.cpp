#include "daemon/app/daemon.hpp"

#include <prometheus/registry.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>

#include "daemon/app/once_summary.hpp"
#include "daemon/app/operator_endpoints.hpp"
#include "daemon/app/readiness.hpp"
#include "daemon/app/rotation_endpoint.hpp"
#include "daemon/app/status_endpoints.hpp"
#include "daemon/azure/azure_services.hpp"
#include "daemon/controllers/container_group_controller.hpp"
#include "daemon/controllers/credential_rotation_controller.hpp"
#include "daemon/controllers/secret_pins.hpp"
#include "daemon/core/duration.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/http/router.hpp"
#include "daemon/http/server.hpp"
#include "daemon/metrics/azure_metrics.hpp"
#include "daemon/metrics/build_info.hpp"
#include "daemon/metrics/container_group_metrics.hpp"
#include "daemon/metrics/controller_metrics.hpp"
#include "daemon/metrics/loop_metrics.hpp"
#include "daemon/metrics/rotation_metrics.hpp"
#include "daemon/model/resource_parser.hpp"
#include "daemon/kube/kube_client.hpp"
#include "daemon/kube/kube_config.hpp"
#include "daemon/kube/status_writer.hpp"
#include "daemon/metrics/kube_metrics.hpp"
#include "daemon/source/directory_source.hpp"
#include "daemon/source/kubernetes_source.hpp"
#include "daemon/source/spec_store.hpp"
#include "daemon/status/status_store.hpp"

namespace aci::app {

namespace asio = boost::asio;

// How often `run --once` tries an object before it counts as failed.
constexpr std::uint32_t kOnceAttempts = 5;

struct Daemon::State {
  State(config::Config config_in, std::shared_ptr<log::LogSink> sink, RunOptions options_in)
      : config(std::move(config_in)),
        options(options_in),
        logger(std::move(sink), "daemon"),
        registry(std::make_shared<prometheus::Registry>()),
        controller_metrics(*registry),
        azure_metrics(*registry),
        group_metrics(*registry),
        rotation_metrics(*registry),
        loop_metrics(*registry),
        kube_metrics(*registry),
        signals(io, SIGINT, SIGTERM),
        shutdown_deadline(io) {}

  config::Config config;
  RunOptions options;
  log::Logger logger;
  asio::io_context io;
  core::RealClock clock;
  std::shared_ptr<prometheus::Registry> registry;
  metrics::ControllerMetrics controller_metrics;
  metrics::AzureMetrics azure_metrics;
  metrics::ContainerGroupMetrics group_metrics;
  metrics::RotationMetrics rotation_metrics;
  metrics::LoopMetrics loop_metrics;
  metrics::KubeMetrics kube_metrics;
  Readiness readiness;
  http::Router router;
  std::unique_ptr<http::HttpServer> server;
  source::SpecStore specs;
  std::unique_ptr<status::StatusStore> status;
  std::unique_ptr<azure::AzureServices> azure;
  controllers::SecretPins pins;
  std::unique_ptr<controllers::ContainerGroupController> groups;
  std::unique_ptr<controllers::CredentialRotationController> rotations;
  std::unique_ptr<kube::KubeClient> kube;  // Kubernetes mode only
  std::unique_ptr<kube::StatusWriter> status_writer;
  std::unique_ptr<source::SpecSource> source;
  asio::signal_set signals;
  asio::steady_timer shutdown_deadline;
  bool shutting_down = false;
  int exit_code = 0;
};

namespace {

// Stops every component in order (sources, then reconciles, then Azure calls, then
// the HTTP server once its requests are answered) and releases what keeps
// io_context::run() going. The deadline timer ends it sooner if something hangs.
asio::awaitable<void> shut_down(Daemon::State& s) {
  for (const auto* component : {"server", "specs"}) s.readiness.set(component, false);
  if (s.source) s.source->stop();
  // Rotations first: a roll-out drives ContainerGroup reconciles.
  if (s.rotations && !co_await s.rotations->stop()) s.logger.warn("rotations still running at shutdown were abandoned");
  if (s.groups && !co_await s.groups->stop()) s.logger.warn("reconciles still running at shutdown were abandoned");
  if (s.azure) s.azure->shutdown();
  if (s.kube) s.kube->shutdown();
  s.server->stop();
  asio::steady_timer tick(s.io);
  while (s.server->connection_count() > 0) {
    tick.expires_after(std::chrono::milliseconds(20));
    co_await tick.async_wait(asio::use_awaitable);
  }
  s.shutdown_deadline.cancel();
  boost::system::error_code ignored;
  s.signals.cancel(ignored);
}

void begin_shutdown(Daemon::State& s, const std::string& why) {
  s.shutting_down = true;
  s.logger.info("shutting down", {{"reason", why}, {"timeout", format_duration(s.config.shutdown_timeout)}});
  s.shutdown_deadline.expires_after(s.config.shutdown_timeout);
  s.shutdown_deadline.async_wait([&s](const boost::system::error_code& ec) {
    if (ec) return;
    s.logger.warn("shutdown deadline reached; abandoning in-flight work");
    s.io.stop();
  });
  auto& supervisor = core::loop_supervisor(s.io.get_executor());
  // A loop failing from here on stays down: its component is being stopped anyway.
  supervisor.stop();
  supervisor.spawn_once(
      s.io.get_executor(), "shutdown", [&s] { return shut_down(s); },
      [&s] {
        // The failure is logged; what is left of the shutdown is skipped so the process still exits.
        s.exit_code = 1;
        s.io.stop();
      });
}

std::unique_ptr<controllers::CredentialRotationController> make_rotations(Daemon::State& s) {
  const auto& config = s.config.credential_rotations;
  controllers::CredentialRotationControllerOptions options;
  options.rotation.owner = s.config.owner;
  options.rotation.verify_timeout = config.verify_timeout;
  options.rotation.rollout_timeout = config.rollout_timeout;
  options.rotation.poll_interval = config.poll_interval;
  options.rotation.backoff_base = config.backoff_base;
  options.rotation.backoff_max = config.backoff_max;
  options.stop_timeout = s.config.shutdown_timeout / 4;
  return std::make_unique<controllers::CredentialRotationController>(
      s.io.get_executor(),
      controllers::CredentialRotationReconciler::Dependencies{s.specs, s.azure->graph(), s.azure->key_vault(),
                                                              s.azure->sign_in(), s.azure->acr(), s.pins,
                                                              *s.groups, *s.status, s.rotation_metrics, s.clock},
      s.controller_metrics, s.logger, options);
}

// Once the source has read what exists: the controllers start (after the orphan sweep).
void start_controllers(Daemon::State& s) {
  if (s.shutting_down) return;
  // Statuses left in the status directory by objects deleted while the daemon was down.
  auto keys = s.specs.keys(model::kContainerGroupKind);
  const auto rotation_keys = s.specs.keys(model::kCredentialRotationKind);
  keys.insert(keys.end(), rotation_keys.begin(), rotation_keys.end());
  s.status->retain({keys.begin(), keys.end()});
  s.readiness.set("specs", true);
  if (!s.options.once) {
    s.groups->start();
    s.rotations->start();
    return;
  }
  s.groups->start_once(kOnceAttempts, [&s] {
    const bool ok = print_once_summary(std::cout, *s.groups->once(), s.group_metrics);
    s.exit_code = ok ? 0 : 1;
    begin_shutdown(s, "converged once");
  });
}

std::string host_name() {
  char name[256] = {};
  return gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string("aci-operator");
}

// The spec directory, or the cluster's custom resources (with status and events written back).
Expected<std::unique_ptr<source::SpecSource>, std::string> make_source(Daemon::State& s) {
  if (s.config.specs.source == config::SpecSourceKind::directory) {
    return std::unique_ptr<source::SpecSource>(std::make_unique<source::DirectorySource>(
        s.io.get_executor(), s.config.specs.directory, s.config.specs.debounce, s.clock, s.logger.child("source"),
        s.specs));
  }
  const auto& settings = s.config.kubernetes;
  auto cluster = settings.kubeconfig.empty()
                     ? kube::load_in_cluster([](const char* name) -> std::optional<std::string> {
                         const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): before any thread
                         return value == nullptr ? std::nullopt : std::optional<std::string>(value);
                       })
                     : kube::load_kubeconfig(settings.kubeconfig);
  if (!cluster) return unexpected(cluster.error());
  kube::KubeClientOptions client_options;
  client_options.qps = settings.qps;
  client_options.burst = settings.burst;
  client_options.user_agent = std::string("aci-operator/") + ACI_VERSION;
  client_options.watches = 2 * std::max<std::size_t>(1, settings.namespaces.size());  // two kinds per namespace
  auto client = kube::KubeClient::create(s.io.get_executor(), std::move(*cluster), client_options, s.clock,
                                         s.logger.child("kube"), &s.kube_metrics);
  if (!client) return unexpected(client.error());
  s.kube = std::move(*client);
  auto source = std::make_unique<source::KubernetesSource>(
      s.io.get_executor(), *s.kube, source::KubernetesSourceOptions{settings.namespaces, settings.label_selector},
      s.clock, s.logger.child("source"), &s.kube_metrics, s.specs, *s.status);
  s.status_writer = std::make_unique<kube::StatusWriter>(
      s.io.get_executor(), *s.kube, [found = source.get()](const std::string& key) { return found->find(key); },
      s.clock, s.logger.child("status"), host_name());
  s.status->add_sink(*s.status_writer);
  return std::unique_ptr<source::SpecSource>(std::move(source));
}

// Builds the Azure clients and the controllers, and starts the spec source; fails
// with a message when any of them cannot start.
Expected<Ok, std::string> start_reconciling(Daemon::State& s) {
  auto azure = azure::AzureServices::create(s.io.get_executor(), s.config.azure, s.clock, s.logger.child("azure"),
                                            &s.azure_metrics);
  if (!azure) return unexpected("cannot set up the Azure clients: " + azure.error());
  s.azure = std::move(*azure);
  controllers::ContainerGroupControllerOptions options;
  const auto& groups = s.config.container_groups;
  options.owner = s.config.owner;
  options.workers = groups.workers;
  options.backoff_base = groups.backoff_base;
  options.backoff_max = groups.backoff_max;
  options.resync_period = groups.resync_period;
  options.instance_view_period = groups.instance_view_period;
  options.operation_timeout = s.config.azure.lro.timeout;
  // Half the budget for reconciles in flight; the rest for Azure calls and the server.
  options.stop_timeout = s.config.shutdown_timeout / 2;
  s.groups = std::make_unique<controllers::ContainerGroupController>(
      s.io.get_executor(),
      controllers::ContainerGroupController::Dependencies{s.specs, s.azure->arm(), s.azure->key_vault(), s.pins,
                                                          *s.status, s.controller_metrics, s.group_metrics, s.clock},
      s.logger, options);
  // `run --once` converges the groups on the latest secret versions and rotates nothing.
  if (!s.options.once) s.rotations = make_rotations(s);
  s.specs.set_listener([&s](const std::string& key) {
    s.groups->enqueue(key);
    if (s.rotations) s.rotations->enqueue(key);
  });
  auto source = make_source(s);
  if (!source) return unexpected(source.error());
  s.source = std::move(*source);
  return s.source->start([&s] { start_controllers(s); });
}

}  // namespace

Daemon::Daemon(config::Config config, std::shared_ptr<log::LogSink> sink, RunOptions options)
    : state_(std::make_unique<State>(std::move(config), std::move(sink), options)) {}

Daemon::~Daemon() = default;

int Daemon::run() {
  auto& s = *state_;
  metrics::register_build_info(*s.registry, ACI_VERSION);
  // Before anything spawns a loop: from here on every background failure is logged,
  // counted in aci_operator_background_failures_total and, for a loop, restarted.
  auto& supervisor = core::loop_supervisor(s.io.get_executor());
  supervisor.configure(s.clock, s.logger.child("supervisor"),
                       core::LoopSupervisorHooks{
                           [&s](const std::string& loop) { s.loop_metrics.started(loop); },
                           [&s](const std::string& loop) { s.loop_metrics.failed(loop); },
                       });
  s.status = std::make_unique<status::StatusStore>(s.io.get_executor(), s.logger.child("status"), s.config.status_directory);
  add_operator_endpoints(s.router, *s.registry, s.readiness, supervisor);
  add_status_endpoints(s.router, *s.status);
  add_rotation_endpoint(s.router, [&s](const std::string& name) -> std::optional<bool> {
    if (!s.rotations || s.shutting_down) return std::nullopt;
    return s.rotations->rotate(name);
  });

  s.readiness.add("server");
  s.readiness.add("specs");
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
  s.logger.info("serving metrics, status and probes",
                {{"metrics", url + "/metrics"}, {"status", url + "/status"}, {"healthz", url + "/healthz"},
                 {"readyz", url + "/readyz"}, {"version", ACI_VERSION}});

  if (s.config.specs.source == config::SpecSourceKind::directory && s.config.specs.directory.empty()) {
    s.logger.warn("no specs.directory configured: nothing to reconcile");
    s.readiness.set("specs", true);
  } else if (auto started = start_reconciling(s); !started) {
    s.logger.error("cannot start reconciling", {{"error", started.error()}});
    return 1;
  }

  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (s.shutting_down) {
          s.logger.warn("second signal: exiting without waiting", {{"signal", signal}});
          s.io.stop();
          return;
        }
        s.signals.async_wait(on_signal);
        begin_shutdown(s, "signal " + std::to_string(signal));
      };
  s.signals.async_wait(on_signal);
  s.io.run();
  s.logger.info("stopped");
  return s.exit_code;
}

}  // namespace aci::app
