#pragma once
// Command-line parsing for aci-operator. Parsing never exits or prints; the
// caller turns an error into usage text and exit code 2.

#include <optional>
#include <string>
#include <vector>

#include "daemon/core/expected.hpp"
#include "daemon/core/log.hpp"

namespace aci::app {

struct CommandLine {
  std::string command = "run";
  std::string config_path;
  std::optional<log::Level> log_level;
  bool help = false;
  bool version = false;
  bool once = false;  // run --once
  std::vector<std::string> arguments;  // positional arguments after the command
};

Expected<CommandLine, std::string> parse_command_line(const std::vector<std::string>& args);
std::string usage();

}  // namespace aci::app
