#pragma once
// azure-emulator's flags, parsed without side effects so they can be unit-tested.
// Errors name the flag and what was expected.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/expected.hpp"

namespace aci::emulator {

struct EmulatorCommandLine {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8443;  // 0: any free port
  std::string seed_file;
  std::string state_dir;   // empty: a fresh temporary directory
  std::string state_file;  // empty: memory only
  std::string faults_file;
  std::string tls_cert;
  std::string tls_key;
  std::optional<std::chrono::seconds> propagation_delay;
  std::optional<std::chrono::milliseconds> provisioning_duration;
  std::optional<std::uint64_t> random_seed;
  bool help = false;
  bool version = false;
};

Expected<EmulatorCommandLine, std::string> parse_emulator_command_line(const std::vector<std::string>& args);
std::string emulator_usage();

}  // namespace aci::emulator
