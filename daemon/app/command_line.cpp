#include "daemon/app/command_line.hpp"

#include <set>

namespace aci::app {

namespace {

const std::set<std::string, std::less<>> kCommands{"run", "plan", "validate", "rotate"};

// Accepts "--name value" and "--name=value"; advances `index` past the value.
std::optional<std::string> option_value(const std::vector<std::string>& args, std::size_t& index,
                                        std::string_view name) {
  const auto& arg = args[index];
  if (arg == name) {
    if (index + 1 >= args.size()) return std::nullopt;
    return args[++index];
  }
  return arg.substr(name.size() + 1);
}

bool is_option(const std::string& arg, std::string_view name) {
  return arg == name || (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=');
}

}  // namespace

Expected<CommandLine, std::string> parse_command_line(const std::vector<std::string>& args) {
  CommandLine line;
  bool command_seen = false;
  for (std::size_t index = 0; index < args.size(); ++index) {
    const auto& arg = args[index];
    if (arg == "--help" || arg == "-h") {
      line.help = true;
    } else if (arg == "--version") {
      line.version = true;
    } else if (is_option(arg, "--config")) {
      auto value = option_value(args, index, "--config");
      if (!value || value->empty()) return unexpected(std::string("--config needs a file path"));
      line.config_path = *value;
    } else if (is_option(arg, "--log-level")) {
      auto value = option_value(args, index, "--log-level");
      auto level = value ? log::parse_level(*value) : std::nullopt;
      if (!level) return unexpected(std::string("--log-level must be one of debug, info, warn, error"));
      line.log_level = level;
    } else if (arg == "--once") {
      line.once = true;
    } else if (arg.starts_with("-")) {
      return unexpected("unknown option '" + arg + "'");
    } else if (!command_seen && kCommands.contains(arg)) {
      line.command = arg;
      command_seen = true;
    } else {
      line.arguments.push_back(arg);
    }
  }
  if (line.help || line.version) return line;
  if (line.command == "rotate") {
    if (line.arguments.size() != 1) return unexpected(std::string("rotate needs exactly one NAME"));
    if (line.config_path.empty()) return unexpected(std::string("--config is required"));
    return line;
  }
  const bool needs_config = line.command == "run" || line.command == "plan";
  if (needs_config && !line.arguments.empty()) {
    return unexpected("unexpected argument '" + line.arguments.front() + "'");
  }
  if (needs_config && line.config_path.empty()) return unexpected(std::string("--config is required"));
  if (line.once && line.command != "run") return unexpected(std::string("--once applies to run only"));
  if (line.command == "validate" && line.arguments.empty()) {
    return unexpected(std::string("validate needs at least one PATH"));
  }
  return line;
}

std::string usage() {
  return "Usage: aci-operator [run] --config FILE [--once] [--log-level LEVEL]\n"
         "       aci-operator plan --config FILE\n"
         "       aci-operator validate PATH...\n"
         "       aci-operator rotate NAME --config FILE\n"
         "\n"
         "Reconciles Azure Container Instances container groups against declared specs.\n"
         "\n"
         "Commands:\n"
         "  run               run the daemon until SIGTERM or SIGINT (the default)\n"
         "  plan              print what would change in Azure; writes nothing\n"
         "  validate PATH...  check spec files (or directories of them) offline; exit 1 on any error\n"
         "  rotate NAME       ask the running daemon (at the config's server address) to rotate the\n"
         "                    CredentialRotation NAME now\n"
         "\n"
         "Options:\n"
         "  --config FILE     configuration file (see docs/configuration.md)\n"
         "  --once            converge every object once, print a summary, exit 1 if any failed\n"
         "  --log-level LEVEL debug, info, warn or error; overrides the file\n"
         "  --version         print the version and exit\n"
         "  -h, --help        print this help and exit\n"
         "\n"
         "Exit codes: 0 success, 1 runtime failure or invalid specs, 2 bad command line or configuration.\n";
}

}  // namespace aci::app
