// aci-operator: wiring only. Parse the command line; `validate` checks spec files
// and exits; otherwise load the configuration and hand it to `rotate`, `plan` or the Daemon.

#include <iostream>
#include <memory>

#include "daemon/app/command_line.hpp"
#include "daemon/app/daemon.hpp"
#include "daemon/app/plan_command.hpp"
#include "daemon/app/rotate_command.hpp"
#include "daemon/app/validate_command.hpp"
#include "daemon/config/config.hpp"
#include "daemon/core/log.hpp"

int main(int argc, char** argv) {
  using namespace aci;
  auto line = app::parse_command_line({argv + 1, argv + argc});
  if (!line) {
    std::cerr << "aci-operator: " << line.error() << "\n\n" << app::usage();
    return 2;
  }
  if (line->help) {
    std::cout << app::usage();
    return 0;
  }
  if (line->version) {
    std::cout << "aci-operator " << ACI_VERSION << "\n";
    return 0;
  }
  if (line->command == "validate") return app::run_validate(line->arguments, std::cout, std::cerr);
  auto config = config::load_config(line->config_path);
  if (!config) {
    for (const auto& error : config.error()) std::cerr << "aci-operator: " << error.to_string() << "\n";
    return 2;
  }
  if (line->command == "rotate") return app::run_rotate(*config, line->arguments.front(), std::cout, std::cerr);
  auto sink = std::make_shared<log::LogSink>(std::clog, line->log_level.value_or(config->log_level));
  if (line->command == "plan") return app::run_plan(*config, std::move(sink), std::cout);
  return app::Daemon(std::move(*config), std::move(sink), {.once = line->once}).run();
}
