#include "daemon/config/config.hpp"

#include <fstream>
#include <sstream>

#include "daemon/config/azure_section.hpp"
#include "daemon/core/utf8.hpp"

namespace aci::config {

namespace {

void read_server(YamlFields fields, ServerConfig& server) {
  fields.read("address", server.address);
  fields.read("port", server.port);
  fields.finish();
}

void read_log(YamlFields fields, log::Level& level) {
  std::string text(log::to_string(level));
  fields.read_enum("level", text, {"debug", "info", "warn", "error"});
  level = log::parse_level(text).value_or(level);
  fields.finish();
}

void read_shutdown(YamlFields fields, std::chrono::milliseconds& timeout) {
  fields.read("timeout", timeout);
  fields.finish();
}

void read_specs(YamlFields fields, SpecsConfig& specs) {
  std::string source = "directory";
  fields.read_enum("source", source, {"directory", "kubernetes"});
  specs.source = source == "kubernetes" ? SpecSourceKind::kubernetes : SpecSourceKind::directory;
  fields.read_path("directory", specs.directory);
  fields.read("debounce", specs.debounce);
  if (specs.source == SpecSourceKind::kubernetes && !specs.directory.empty())
    fields.error("directory", "must not be set with source: kubernetes (the specs are custom resources)");
  fields.finish();
}

void read_kubernetes(YamlFields fields, KubernetesConfig& kubernetes) {
  fields.read_path("kubeconfig", kubernetes.kubeconfig);
  fields.read("namespaces", kubernetes.namespaces);
  for (const auto& namespace_ : kubernetes.namespaces) {
    if (namespace_.empty()) fields.error("namespaces", "must not hold an empty name");
  }
  fields.read("labelSelector", kubernetes.label_selector);
  fields.read("qps", kubernetes.qps, 0.1, 10000);
  std::int64_t burst = kubernetes.burst;
  fields.read("burst", burst, 1, 100000);
  kubernetes.burst = static_cast<std::uint32_t>(burst);
  fields.finish();
}

void read_status(YamlFields fields, std::string& directory) {
  fields.read_path("directory", directory);
  fields.finish();
}

void read_positive(YamlFields& fields, std::string_view key, std::chrono::milliseconds& out) {
  fields.read(key, out);
  if (out <= std::chrono::milliseconds::zero()) fields.error(key, "must be positive");
}

void read_backoff(YamlFields fields, std::chrono::milliseconds& base, std::chrono::milliseconds& max) {
  read_positive(fields, "base", base);
  read_positive(fields, "max", max);
  if (max < base) fields.error("max", "must not be less than backoff.base");
  fields.finish();
}

void read_container_groups(YamlFields fields, ContainerGroupsConfig& groups) {
  std::int64_t workers = static_cast<std::int64_t>(groups.workers);
  fields.read("workers", workers, 1, 64);
  groups.workers = static_cast<std::size_t>(workers);
  read_positive(fields, "resyncPeriod", groups.resync_period);
  read_positive(fields, "instanceViewPeriod", groups.instance_view_period);
  read_backoff(fields.map("backoff"), groups.backoff_base, groups.backoff_max);
  fields.finish();
}

void read_credential_rotations(YamlFields fields, CredentialRotationsConfig& rotations) {
  read_positive(fields, "verifyTimeout", rotations.verify_timeout);
  read_positive(fields, "rolloutTimeout", rotations.rollout_timeout);
  read_positive(fields, "pollInterval", rotations.poll_interval);
  read_backoff(fields.map("backoff"), rotations.backoff_base, rotations.backoff_max);
  fields.finish();
}

}  // namespace

Expected<Config, std::vector<FieldError>> parse_config(const std::string& text, const std::string& file) {
  std::vector<FieldError> errors;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    // yaml-cpp may quote the offending byte, which need not be UTF-8.
    errors.push_back({file, error.mark.line >= 0 ? error.mark.line + 1 : 0, "",
                      "invalid YAML: " + core::to_valid_utf8(error.msg)});
    return unexpected(std::move(errors));
  }
  Config config;
  YamlFields top(root, "", file, errors);
  read_server(top.map("server"), config.server);
  read_log(top.map("log"), config.log_level);
  read_shutdown(top.map("shutdown"), config.shutdown_timeout);
  top.read("owner", config.owner);
  if (config.owner.empty() || config.owner.size() > 256) top.error("owner", "must be 1 to 256 characters");
  read_specs(top.map("specs"), config.specs);
  read_kubernetes(top.map("kubernetes"), config.kubernetes);
  read_status(top.map("status"), config.status_directory);
  read_container_groups(top.map("containerGroups"), config.container_groups);
  read_credential_rotations(top.map("credentialRotations"), config.credential_rotations);
  read_azure_config(top.map("azure"), config.azure);
  top.finish();
  if (!errors.empty()) return unexpected(std::move(errors));
  return config;
}

Expected<Config, std::vector<FieldError>> load_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return unexpected(std::vector<FieldError>{{path, 0, "", "cannot read the file"}});
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

}  // namespace aci::config
