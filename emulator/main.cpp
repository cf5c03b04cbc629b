// azure-emulator: a local HTTPS emulator of the Azure endpoints aci-operator uses.
#include <iostream>
#include <string>
#include <vector>

#include "emulator/emulator_command_line.hpp"
#include "emulator/emulator_runner.hpp"

int main(int argc, char** argv) {
  auto line = aci::emulator::parse_emulator_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (!line) {
    std::cerr << "azure-emulator: " << line.error() << "\n" << aci::emulator::emulator_usage();
    return 2;
  }
  if (line->help) {
    std::cout << aci::emulator::emulator_usage();
    return 0;
  }
  if (line->version) {
    std::cout << "azure-emulator " << ACI_VERSION << "\n";
    return 0;
  }
  return aci::emulator::run_emulator(*line);
}
