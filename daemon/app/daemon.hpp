#pragma once
// Daemon: owns the io_context and every long-lived component, runs them until
// SIGTERM or SIGINT, then shuts down in stages: stop accepting, let in-flight
// work finish within config.shutdown_timeout, exit. run() blocks the calling
// thread and returns the process exit code.

#include <memory>

#include "daemon/config/config.hpp"
#include "daemon/core/log.hpp"

namespace aci::app {

class Daemon {
 public:
  Daemon(config::Config config, std::shared_ptr<log::LogSink> sink);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  int run();

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace aci::app
