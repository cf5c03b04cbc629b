#pragma once
// The daemon's configuration, read from one YAML file (docs/configuration.md).
// Loading is strict: an unknown key, a wrong type or a bad value fails the whole
// load with errors that name the key, the file and the line.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/azure/azure_config.hpp"
#include "daemon/config/yaml_fields.hpp"
#include "daemon/core/expected.hpp"
#include "daemon/core/log.hpp"

namespace aci::config {

struct ServerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 9090;
};

// Where the desired state comes from: a directory tree of YAML/JSON spec files, or
// custom resources in a Kubernetes cluster.
enum class SpecSourceKind { directory, kubernetes };

struct SpecsConfig {
  SpecSourceKind source = SpecSourceKind::directory;
  std::string directory;  // relative paths are relative to the configuration file
  std::chrono::milliseconds debounce{500};
};

// The cluster of specs.source kubernetes (docs/kubernetes.md).
struct KubernetesConfig {
  std::string kubeconfig;               // empty: in-cluster (the pod's service account)
  std::vector<std::string> namespaces;  // empty: every namespace
  std::string label_selector;           // only objects it selects (sharding)
  double qps = 20;
  std::uint32_t burst = 30;
};

// How ContainerGroups are reconciled.
struct ContainerGroupsConfig {
  std::size_t workers = 4;
  std::chrono::milliseconds backoff_base{std::chrono::seconds(1)};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
  // One list call per resource group; only groups that differ are queued.
  std::chrono::milliseconds resync_period{std::chrono::minutes(5)};
  // Each group's instance view (container state) is read once per period, spread over it.
  std::chrono::milliseconds instance_view_period{std::chrono::minutes(10)};
};

// How CredentialRotations run (docs/rotation.md).
struct CredentialRotationsConfig {
  // How long a new password may take to work (Entra propagation) before the rotation fails.
  std::chrono::milliseconds verify_timeout{std::chrono::minutes(5)};
  // How long one roll-out batch may take to run the new password before the roll-out halts.
  std::chrono::milliseconds rollout_timeout{std::chrono::minutes(15)};
  // How often a verification or a roll-out batch is looked at again.
  std::chrono::milliseconds poll_interval{std::chrono::seconds(2)};
  // Retries of a failed rotation.
  std::chrono::milliseconds backoff_base{std::chrono::seconds(30)};
  std::chrono::milliseconds backoff_max{std::chrono::hours(1)};
};

struct Config {
  ServerConfig server;
  // The acioperator.io/owner tag value: which operator instance a group belongs to.
  std::string owner = "aci-operator";
  SpecsConfig specs;
  KubernetesConfig kubernetes;
  std::string status_directory;  // empty: status is served at /status only
  ContainerGroupsConfig container_groups;
  CredentialRotationsConfig credential_rotations;
  azure::AzureConfig azure;
  log::Level log_level = log::Level::info;
  // How long in-flight work may take to finish after SIGTERM before the daemon exits anyway.
  std::chrono::milliseconds shutdown_timeout = std::chrono::seconds(10);
};

Expected<Config, std::vector<FieldError>> load_config(const std::string& path);
// Parses YAML text; `file` names it in errors.
Expected<Config, std::vector<FieldError>> parse_config(const std::string& text, const std::string& file);

}  // namespace aci::config
