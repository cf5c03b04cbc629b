#pragma once
// AzureServices: everything the daemon needs to talk to Azure, built from AzureConfig
// and wired in one place: the HTTPS client (extra CA, connect-to), the identity
// pipeline and credential, the token cache, the API pipeline with retry policy and
// ARM throttle, and the ARM, Key Vault, Graph and ACR clients. main.cpp creates one
// and hands the client interfaces to the reconcilers. Owns all of it; use on the
// executor's thread; shutdown() before the io_context stops ends every call in flight.

#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "daemon/azure/acr_client.hpp"
#include "daemon/azure/arm_client.hpp"
#include "daemon/azure/azure_config.hpp"
#include "daemon/azure/credential_factory.hpp"
#include "daemon/azure/graph_client.hpp"
#include "daemon/azure/key_vault_client.hpp"
#include "daemon/azure/password_sign_in.hpp"
#include "daemon/azure/token_source.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"

namespace aci::http {
class HttpClient;
}
namespace aci::metrics {
class AzureMetrics;
}

namespace aci::azure {

class AzurePipeline;
class ArmThrottle;
class HttpTransport;
class TokenCache;

class AzureServices {
 public:
  struct Options {
    EnvironmentLookup environment = process_environment();
    std::uint64_t seed = 0;  // for jitter and request ids; 0 picks one from std::random_device
  };

  // Fails with a message when the CA bundle cannot be loaded, a connect-to entry is bad
  // or the credential lacks settings. `clock` and `metrics` (may be null) must outlive it.
  static Expected<std::unique_ptr<AzureServices>, std::string> create(
      const boost::asio::any_io_executor& executor, const AzureConfig& config, const core::Clock& clock,
      const log::Logger& logger, metrics::AzureMetrics* metrics, const Options& options);
  static Expected<std::unique_ptr<AzureServices>, std::string> create(
      const boost::asio::any_io_executor& executor, const AzureConfig& config, const core::Clock& clock,
      const log::Logger& logger, metrics::AzureMetrics* metrics);
  ~AzureServices();
  AzureServices(const AzureServices&) = delete;
  AzureServices& operator=(const AzureServices&) = delete;

  ArmClient& arm() { return *arm_; }
  KeyVaultClient& key_vault() { return *key_vault_; }
  GraphClient& graph() { return *graph_; }
  AcrClient& acr() { return *acr_; }
  PasswordSignIn& sign_in() { return *sign_in_; }
  // Cached tokens for any scope ("https://management.azure.com/.default").
  TokenSource& tokens();
  const AzureConfig& config() const { return config_; }
  // The ARM audience's scope, for callers that need a token themselves.
  std::string arm_scope() const;

  void shutdown();

 private:
  explicit AzureServices(AzureConfig config);

  AzureConfig config_;
  std::unique_ptr<http::HttpClient> http_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<ArmThrottle> throttle_;
  std::unique_ptr<AzurePipeline> identity_pipeline_;
  std::unique_ptr<TokenSource> credential_;
  std::unique_ptr<TokenCache> cache_;
  std::unique_ptr<AzurePipeline> pipeline_;
  std::unique_ptr<ArmClient> arm_;
  std::unique_ptr<KeyVaultClient> key_vault_;
  std::unique_ptr<GraphClient> graph_;
  std::unique_ptr<AcrClient> acr_;
  std::unique_ptr<PasswordSignIn> sign_in_;
};

}  // namespace aci::azure
