#pragma once
// Daemon: owns the io_context and every long-lived component, runs them until
// SIGTERM or SIGINT (or, converging once, until every object settled), then shuts
// down in stages: stop accepting and reconciling, let in-flight work finish within
// config.shutdown_timeout, exit. run() blocks the calling thread and returns the
// process exit code.

#include <memory>

#include "daemon/config/config.hpp"
#include "daemon/core/log.hpp"

namespace aci::app {

struct RunOptions {
  // Converge every object once, print a summary table, exit 1 if any failed.
  bool once = false;
};

class Daemon {
 public:
  Daemon(config::Config config, std::shared_ptr<log::LogSink> sink, RunOptions options = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  int run();

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace aci::app
