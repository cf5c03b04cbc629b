#pragma once
// The daemon's configuration, read from one YAML file (docs/configuration.md).
// Loading is strict: an unknown key, a wrong type or a bad value fails the whole
// load with errors that name the key, the file and the line.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/config/yaml_fields.hpp"
#include "daemon/core/expected.hpp"
#include "daemon/core/log.hpp"

namespace aci::config {

struct ServerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 9090;
};

struct Config {
  ServerConfig server;
  log::Level log_level = log::Level::info;
  // How long in-flight work may take to finish after SIGTERM before the daemon exits anyway.
  std::chrono::milliseconds shutdown_timeout = std::chrono::seconds(10);
};

Expected<Config, std::vector<FieldError>> load_config(const std::string& path);
// Parses YAML text; `file` names it in errors.
Expected<Config, std::vector<FieldError>> parse_config(const std::string& text, const std::string& file);

}  // namespace aci::config
