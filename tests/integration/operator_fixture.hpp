#pragma once
// A running aci-operator pointed at a running azure-emulator, for process-level tests:
// writes the daemon's configuration (emulator endpoints, its CA, the demo operator
// credential) and a spec directory into a TempDir, starts `aci-operator run`, and reads
// back the address it serves /metrics and /status on. Helpers read the daemon's status
// and the emulator's request counts and wait for conditions with a deadline.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/emulator_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/plain_http.hpp"

namespace aci::testing {

// The daemon's azure: section for an emulator on `port` with CA `ca_file`.
inline std::string emulator_azure_config(unsigned short port, const std::string& ca_file,
                                         const std::string& secret_file) {
  const auto base = "https://127.0.0.1:" + std::to_string(port);
  return "azure:\n"
         "  cloud: Custom\n"
         "  endpoints:\n"
         "    authorityHost: " + base + "\n"
         "    resourceManager: " + base + "\n"
         "    resourceManagerAudience: https://management.azure.com\n"
         "    graph: " + base + "\n"
         "    graphAudience: https://graph.microsoft.com\n"
         "    keyVault: " + base + "/keyvault/{vault}\n"
         "    keyVaultAudience: https://vault.azure.net\n"
         "    registry: " + base + "/acr/{registry}\n"
         "    imds: " + base + "/metadata/identity/oauth2/token\n"
         "  credential:\n"
         "    type: ClientSecret\n"
         "    tenantId: " + kDemoTenant + "\n"
         "    clientId: " + kOperatorAppId + "\n"
         "    clientSecretFile: " + secret_file + "\n"
         "  caFile: " + ca_file + "\n"
         "  retry:\n"
         "    baseDelay: 200ms\n"
         "    maxDelay: 2s\n"
         "  lro:\n"
         "    pollInterval: 200ms\n";
}

// Polls `condition` every 100 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

class OperatorInstance {
 public:
  // `settings`: extra top-level YAML for the daemon (containerGroups:, owner:, ...);
  // `environment`: extra "NAME=value" entries for the daemon's process.
  // `specs_section`: the daemon's specs: section, when not the spec directory.
  OperatorInstance(EmulatorInstance& emulator, const TempDir& dir, const std::string& settings,
                   const std::vector<std::string>& extra_args = {}, std::vector<std::string> environment = {},
                   const std::string& specs_section = "")
      : environment_(std::move(environment)) {
    const auto secret_file = dir.write("client-secret", "demo-only-secret");
    specs_ = dir.path() + "/specs";
    std::filesystem::create_directories(specs_);
    const auto specs = specs_section.empty() ? "specs: {directory: " + specs_ + ", debounce: 100ms}\n" : specs_section;
    config_ = dir.write("operator.yaml", "server: {address: 127.0.0.1, port: 0}\n"
                                         "log: {level: debug}\n" + specs + settings +
                                             emulator_azure_config(emulator.port(), emulator.ca_file(), secret_file));
    std::vector<std::string> argv{ACI_OPERATOR_BIN, "run", "--config", config_};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    arguments_ = argv;
  }

  // Starts the daemon (again, after stop()) and waits until it serves.
  bool start() {
    process_ = std::make_unique<ChildProcess>(arguments_, environment_);
    auto line = process_->wait_for_line(
        [](const std::string& text) { return text.find("serving metrics") != std::string::npos; },
        std::chrono::seconds(30));
    if (!line) return false;
    const auto url = nlohmann::json::parse(*line)["fields"]["metrics"].get<std::string>();
    port_ = static_cast<unsigned short>(std::stoi(url.substr(url.rfind(':') + 1)));
    return true;
  }

  // SIGTERM, and the exit code (nullopt if it did not exit in time).
  std::optional<int> stop() {
    process_->signal(SIGTERM);
    return process_->wait(std::chrono::seconds(20));
  }

  const std::string& specs_dir() const { return specs_; }
  unsigned short port() const { return port_; }
  const std::string& config_file() const { return config_; }
  ChildProcess& process() { return *process_; }

  // Writes a spec file atomically (temporary name, then rename), as editors and
  // ConfigMap updates do.
  void write_spec(const std::string& name, const std::string& yaml) const {
    const auto temporary = specs_ + "/." + name + ".tmp";
    {
      std::ofstream out(temporary);
      out << yaml;
    }
    std::filesystem::rename(temporary, specs_ + "/" + name);
  }
  void remove_spec(const std::string& name) const { std::filesystem::remove(specs_ + "/" + name); }

  nlohmann::json status() const {
    auto response = plain_http("GET", "127.0.0.1", port_, "/status");
    if (response.status != 200) return nlohmann::json::object();
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    return body.is_discarded() ? nlohmann::json::object() : body;
  }
  // The status of one object by key ("ContainerGroup/hello"), or an empty object.
  nlohmann::json status_of(const std::string& key) const {
    auto all = status();
    return all.contains(key) ? all[key] : nlohmann::json::object();
  }
  std::string condition(const std::string& key, const std::string& type) const {
    const auto object = status_of(key);
    for (const auto& condition : object.value("conditions", nlohmann::json::array())) {
      if (condition.value("type", "") == type) return condition.value("status", "") + "/" + condition.value("reason", "");
    }
    return "";
  }
  std::string metrics() const { return plain_http("GET", "127.0.0.1", port_, "/metrics").body; }

 private:
  std::string specs_;
  std::string config_;
  std::vector<std::string> arguments_;
  std::vector<std::string> environment_;
  std::unique_ptr<ChildProcess> process_;
  unsigned short port_ = 0;
};

// The emulator's request count for one route ("PUT containerGroups"), or the total for "".
inline int request_count(EmulatorInstance& emulator, const std::string& route = "") {
  auto response = emulator.call("GET", "/_emulator/requests");
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) return -1;
  if (route.empty()) return body.value("total", 0);
  return body["counts"].value(route, 0);
}

inline void reset_request_counts(EmulatorInstance& emulator) { emulator.call("DELETE", "/_emulator/requests"); }

// A ContainerGroup spec in the demo subscription pulling the demo image with the
// demo registry credentials from Key Vault.
struct GroupSpec {
  explicit GroupSpec(std::string name_in) : name(std::move(name_in)) {}

  std::string name;
  std::string resource_group = "demo-rg";
  std::string image = "myregistry.azurecr.io/aci-helloworld:v1";
  std::string cpu = "1";
  std::string policy;  // extra lines under spec.policy, e.g. "    deletion: Orphan\n"
  std::string tags = "    team: web\n";
  std::string env;  // lines under the container's env, e.g. "        - {name: A, value: b}\n"

  std::string yaml() const {
    return "apiVersion: acioperator.io/v1alpha1\n"
           "kind: ContainerGroup\n"
           "metadata:\n"
           "  name: " + name + "\n"
           "spec:\n"
           "  azure:\n"
           "    subscriptionId: " + kDemoSubscription + "\n"
           "    resourceGroup: " + resource_group + "\n"
           "    location: westeurope\n"
           "  osType: Linux\n"
           "  containers:\n"
           "    - name: app\n"
           "      image: " + image + "\n"
           "      resources: {cpu: " + cpu + ", memoryInGB: 1.5}\n"
           "      ports: [{port: 80}]\n" +
           (env.empty() ? "" : "      env:\n" + env) +
           "  ipAddress: {type: Public, ports: [{port: 80}]}\n"
           "  imageRegistryCredentials:\n"
           "    - server: myregistry.azurecr.io\n"
           "      username: {keyVault: mykeyvault, secret: myregistry-pull-usr}\n"
           "      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}\n"
           "  tags:\n" + tags +
           (policy.empty() ? "" : "  policy:\n" + policy);
  }
};

inline std::string group_path(const std::string& name, const std::string& resource_group = "demo-rg") {
  return "/subscriptions/" + kDemoSubscription + "/resourceGroups/" + resource_group +
         "/providers/Microsoft.ContainerInstance/containerGroups/" + name + "?api-version=2023-05-01";
}

}  // namespace aci::testing
