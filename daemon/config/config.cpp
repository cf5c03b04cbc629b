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
