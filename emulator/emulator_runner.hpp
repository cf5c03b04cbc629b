#pragma once
// Starts azure-emulator from its command line: state directory, CA and server
// certificate, token-signing key, seed or stored state, faults, the HTTPS server,
// and a clean stop on SIGINT/SIGTERM (state saved). Prints the listening URL and
// the CA path on stdout, one line each; errors go to stderr. Returns the exit code.

#include "emulator/emulator_command_line.hpp"

namespace aci::emulator {

int run_emulator(const EmulatorCommandLine& command_line);

}  // namespace aci::emulator
