#include "daemon/azure/azure_services.hpp"

#include <random>

#include "daemon/azure/arm_throttle.hpp"
#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/http_acr_client.hpp"
#include "daemon/azure/http_arm_client.hpp"
#include "daemon/azure/http_graph_client.hpp"
#include "daemon/azure/http_key_vault_client.hpp"
#include "daemon/azure/http_transport.hpp"
#include "daemon/azure/token_cache.hpp"
#include "daemon/http/client.hpp"

namespace aci::azure {

AzureServices::AzureServices(AzureConfig config) : config_(std::move(config)) {}

AzureServices::~AzureServices() { shutdown(); }

TokenSource& AzureServices::tokens() { return *cache_; }

std::string AzureServices::arm_scope() const { return config_.endpoints.resource_manager_audience + "/.default"; }

void AzureServices::shutdown() {
  if (pipeline_) pipeline_->shutdown();
  if (identity_pipeline_) identity_pipeline_->shutdown();
  if (http_) http_->shutdown();
}

Expected<std::unique_ptr<AzureServices>, std::string> AzureServices::create(
    const boost::asio::any_io_executor& executor, const AzureConfig& config, const core::Clock& clock,
    const log::Logger& logger, metrics::AzureMetrics* metrics) {
  return create(executor, config, clock, logger, metrics, Options{});
}

Expected<std::unique_ptr<AzureServices>, std::string> AzureServices::create(
    const boost::asio::any_io_executor& executor, const AzureConfig& config, const core::Clock& clock,
    const log::Logger& logger, metrics::AzureMetrics* metrics, const Options& options) {
  std::unique_ptr<AzureServices> services(new AzureServices(config));
  const auto& cfg = services->config_;

  http::ClientOptions client_options;
  client_options.tls.extra_ca_file = cfg.ca_file;
  client_options.connect_to = cfg.connect_to;
  client_options.user_agent = std::string("aci-operator/") + ACI_VERSION;
  auto client = http::HttpClient::create(executor, client_options);
  if (!client) return unexpected("azure: " + client.error());
  services->http_ = std::move(*client);
  services->transport_ = std::make_unique<HttpClientTransport>(*services->http_);

  std::uint64_t seed = options.seed;
  if (seed == 0) seed = (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  PipelineOptions pipeline_options{cfg.retry, cfg.request_timeout};

  services->identity_pipeline_ = std::make_unique<AzurePipeline>(
      executor, *services->transport_, clock, core::make_uniform_random(seed), make_id_generator(seed + 1),
      logger.child("identity"), pipeline_options, nullptr, nullptr, metrics);
  auto credential = make_credential(cfg, *services->identity_pipeline_, options.environment);
  if (!credential) return unexpected("azure.credential: " + credential.error());
  services->credential_ = std::move(*credential);
  services->cache_ = std::make_unique<TokenCache>(executor, *services->credential_, clock,
                                                  core::make_uniform_random(seed + 2), logger.child("tokens"),
                                                  metrics);

  services->throttle_ = std::make_unique<ArmThrottle>(clock, cfg.throttle);
  services->pipeline_ = std::make_unique<AzurePipeline>(
      executor, *services->transport_, clock, core::make_uniform_random(seed + 3), make_id_generator(seed + 4),
      logger, pipeline_options, services->cache_.get(), services->throttle_.get(), metrics);

  services->arm_ = std::make_unique<HttpArmClient>(
      *services->pipeline_, ArmClientOptions{cfg.endpoints.resource_manager, services->arm_scope(), cfg.api_version,
                                             cfg.lro.poll_interval});
  services->key_vault_ = std::make_unique<HttpKeyVaultClient>(
      *services->pipeline_,
      KeyVaultClientOptions{cfg.endpoints.key_vault, cfg.endpoints.key_vault_audience, cfg.key_vault_api_version});
  services->graph_ = std::make_unique<HttpGraphClient>(
      *services->pipeline_, GraphClientOptions{cfg.endpoints.graph, cfg.endpoints.graph_audience + "/.default"});
  services->acr_ = std::make_unique<HttpAcrClient>(*services->pipeline_, cfg.endpoints.registry);
  services->sign_in_ = std::make_unique<HttpPasswordSignIn>(*services->identity_pipeline_,
                                                            cfg.endpoints.authority_host, services->arm_scope());
  return services;
}

}  // namespace aci::azure
