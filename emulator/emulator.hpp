#pragma once
// Emulator: the whole emulated Azure behind one HTTPS port. It owns the services
// (directory, Entra/IMDS, Graph, ACR, ARM containerGroups, Key Vault), routes each
// request by Host header or path prefix, checks ARM tokens, applies fault injection
// and ARM throttling, counts requests per route, serves the /_emulator admin API and
// writes the state file after every change. Runs on one executor; handle() never
// throws except DropConnection (an injected dropped connection).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "daemon/crypto/certificate.hpp"
#include "daemon/http/server.hpp"
#include "emulator/arm/container_group_service.hpp"
#include "emulator/directory/directory.hpp"
#include "emulator/faults/fault_injector.hpp"
#include "emulator/graph/graph_service.hpp"
#include "emulator/identity/identity_service.hpp"
#include "emulator/identity/token_service.hpp"
#include "emulator/keyvault/key_vault_service.hpp"
#include "emulator/random_source.hpp"
#include "emulator/registry/registry_service.hpp"
#include "emulator/request_target.hpp"
#include "emulator/state_file.hpp"

namespace aci::emulator {

struct EmulatorOptions {
  // "https://127.0.0.1:PORT": discovery documents, challenges and async-operation URLs point here.
  std::string base_url = "https://127.0.0.1";
  std::chrono::seconds propagation_delay{5};
  ArmSettings arm;
  IdentitySettings identity;
  std::size_t max_body_bytes = std::size_t{4} * 1024 * 1024;  // larger bodies: 413 in Azure's shape
  std::string state_file;                        // empty: memory only
  std::uint64_t random_seed = 1;
};

// Where a request goes, decided from Host and path alone.
struct Route {
  enum class Service { admin, arm, identity, imds, graph, keyvault, acr, unknown } service = Service::unknown;
  std::string name;      // vault or registry name
  std::string rest;      // target after the vault/registry prefix, query included
  std::string route;     // counting key, e.g. "PUT containerGroups"
  std::string subscription;
};

std::string service_name(Route::Service service);
Route classify(const http::ServerRequest& request);

class Emulator {
 public:
  Emulator(boost::asio::any_io_executor executor, NowFunction now, crypto::KeyAndCertificate token_signing,
           EmulatorOptions options);
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  const std::string& base_url() const { return options_.base_url; }

  // Builds the world from a seed (remembered for POST /_emulator/reset).
  Expected<Ok, std::string> seed(const nlohmann::json& document);
  // Replaces the world with a saved one; all-or-nothing.
  Expected<Ok, std::string> load(const nlohmann::json& state);
  nlohmann::json save() const;
  // Loads --state-file when it exists. True when a stored world was loaded.
  Expected<bool, std::string> restore();
  void configure_faults(FaultSettings settings) { faults_.configure(std::move(settings)); }

  // The HttpServer handler: latency as a timer, dropped connections as DropConnection.
  boost::asio::awaitable<http::ServerResponse> handle(http::ServerRequest& request, const http::RequestContext& context);

  // What handle() does without waiting or dropping: for the fuzz target and unit tests.
  struct Outcome {
    http::ServerResponse response;
    std::chrono::milliseconds latency{0};
    bool drop_before = false;
    bool drop_after = false;
  };
  Outcome process(const http::ServerRequest& request);

  Directory& directory() { return directory_; }
  TokenService& tokens() { return tokens_; }
  KeyVaultService& vaults() { return vaults_; }
  const std::map<std::string, std::uint64_t>& request_counts() const { return counts_; }

 private:
  http::ServerResponse dispatch(const http::ServerRequest& request, const Route& route);
  http::ServerResponse arm(const http::ServerRequest& request, const Route& route);
  http::ServerResponse admin(const http::ServerRequest& request);
  http::ServerResponse fault_response(const Route& route, const FaultDecision& decision);
  void decorate(http::ServerResponse& response, const http::ServerRequest& request, const Route& route);
  void persist();
  Expected<Ok, std::string> reset_world();

  boost::asio::any_io_executor executor_;
  NowFunction now_;
  EmulatorOptions options_;
  RandomSource random_;
  Directory directory_;
  TokenService tokens_;
  IdentityService identity_;
  GraphService graph_;
  RegistryService registries_;
  ContainerGroupService arm_;
  KeyVaultService vaults_;
  FaultInjector faults_;
  std::optional<StateFile> state_file_;
  nlohmann::json seed_ = nlohmann::json::object();
  std::map<std::string, std::uint64_t> counts_;
  std::string last_persist_error_;
};

// Replaces secret-bearing members ("value", "password", "secureValue", "secretText",
// "secretSha256", "client_secret") with "<redacted>", recursively.
nlohmann::json redact_secrets(nlohmann::json document);

}  // namespace aci::emulator
