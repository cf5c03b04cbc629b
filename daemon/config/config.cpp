#include "daemon/config/config.hpp"

#include <fstream>
#include <sstream>

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
  fields.read_path("directory", specs.directory);
  fields.read("debounce", specs.debounce);
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

void read_container_groups(YamlFields fields, ContainerGroupsConfig& groups) {
  std::int64_t workers = static_cast<std::int64_t>(groups.workers);
  fields.read("workers", workers, 1, 64);
  groups.workers = static_cast<std::size_t>(workers);
  read_positive(fields, "resyncPeriod", groups.resync_period);
  read_positive(fields, "instanceViewPeriod", groups.instance_view_period);
  auto backoff = fields.map("backoff");
  read_positive(backoff, "base", groups.backoff_base);
  read_positive(backoff, "max", groups.backoff_max);
  if (groups.backoff_max < groups.backoff_base) backoff.error("max", "must not be less than backoff.base");
  backoff.finish();
  fields.finish();
}

}  // namespace

Expected<Config, std::vector<FieldError>> parse_config(const std::string& text, const std::string& file) {
  std::vector<FieldError> errors;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    errors.push_back({file, error.mark.line >= 0 ? error.mark.line + 1 : 0, "", "invalid YAML: " + error.msg});
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
  read_status(top.map("status"), config.status_directory);
  read_container_groups(top.map("containerGroups"), config.container_groups);
  azure::read_azure_config(top.map("azure"), config.azure);
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
