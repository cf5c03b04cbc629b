// The aci-operator binary as an operator runs it: serving probes and metrics,
// rejecting bad configuration with exit code 2, and stopping cleanly on signals.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>

#include <cstdio>
#include <fstream>

#include "tests/support/child_process.hpp"
#include "tests/support/plain_http.hpp"

namespace aci::testing {
namespace {

using namespace std::chrono_literals;

struct RunningDaemon {
  explicit RunningDaemon(const TempDir& dir, const std::string& extra_config = "")
      : process({ACI_OPERATOR_BIN, "--config",
                 dir.write("config.yaml", "server:\n  address: 127.0.0.1\n  port: 0\n" + extra_config)}) {
    auto line = process.wait_for_line(
        [](const std::string& text) { return text.find("serving metrics") != std::string::npos; }, 20s);
    if (!line) return;
    const auto url = nlohmann::json::parse(*line)["fields"]["metrics"].get<std::string>();
    port = static_cast<unsigned short>(std::stoi(url.substr(url.rfind(':') + 1)));
  }
  ChildProcess process;
  unsigned short port = 0;
};

std::string run_promtool_check(const std::string& metrics, const TempDir& dir) {
  const auto path = dir.write("metrics.txt", metrics);
  const auto command = "promtool check metrics < " + path + " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[512];
  while (pipe != nullptr && fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = pipe != nullptr ? pclose(pipe) : -1;
  return status == 0 ? output : "promtool failed (" + std::to_string(status) + "): " + output;
}

TEST(DaemonProcessTest, ServesProbesAndValidMetrics) {
  TempDir dir;
  RunningDaemon daemon(dir);
  ASSERT_NE(daemon.port, 0) << daemon.process.output();
  EXPECT_EQ(plain_http("GET", "127.0.0.1", daemon.port, "/healthz").status, 200u);
  auto ready = plain_http("GET", "127.0.0.1", daemon.port, "/readyz");
  EXPECT_EQ(ready.status, 200u);
  EXPECT_EQ(ready.body, "server: ready\nspecs: ready\n");
  auto metrics = plain_http("GET", "127.0.0.1", daemon.port, "/metrics");
  ASSERT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("aci_operator_build_info{version=\""), std::string::npos);
  EXPECT_EQ(run_promtool_check(metrics.body, dir), "");
  EXPECT_EQ(plain_http("GET", "127.0.0.1", daemon.port, "/nope").status, 404u);
  EXPECT_EQ(plain_http("POST", "127.0.0.1", daemon.port, "/metrics").status, 405u);
}

TEST(DaemonProcessTest, EveryLogLineIsOneJsonObject) {
  TempDir dir;
  RunningDaemon daemon(dir);
  ASSERT_NE(daemon.port, 0) << daemon.process.output();
  daemon.process.signal(SIGTERM);
  ASSERT_EQ(daemon.process.wait(5s), 0);
  const auto lines = daemon.process.stderr_lines();
  ASSERT_GE(lines.size(), 3u);
  for (const auto& line : lines) {
    auto json = nlohmann::json::parse(line);
    for (const auto* key : {"time", "level", "logger", "message"}) EXPECT_TRUE(json.contains(key)) << line;
  }
}

TEST(DaemonProcessTest, SigtermAndSigintExitZeroPromptly) {
  for (int signal_number : {SIGTERM, SIGINT}) {
    TempDir dir;
    RunningDaemon daemon(dir);
    ASSERT_NE(daemon.port, 0) << daemon.process.output();
    daemon.process.signal(signal_number);
    EXPECT_EQ(daemon.process.wait(5s), 0) << daemon.process.output();
  }
}

TEST(DaemonProcessTest, UnknownConfigKeyIsOneErrorWithKeyAndLineAndExitTwo) {
  TempDir dir;
  const auto path = dir.write("bad.yaml", "server:\n  port: 0\n  colour: blue\n");
  ChildProcess process({ACI_OPERATOR_BIN, "--config", path});
  EXPECT_EQ(process.wait(10s), 2);
  const auto errors = process.stderr_lines();
  ASSERT_EQ(errors.size(), 1u) << process.output();
  EXPECT_EQ(errors[0], "aci-operator: " + path + ":3: server.colour: unknown key");
}

TEST(DaemonProcessTest, BadFlagsExitTwoWithUsage) {
  ChildProcess process({ACI_OPERATOR_BIN, "--nope"});
  EXPECT_EQ(process.wait(10s), 2);
  EXPECT_NE(process.output().find("Usage: aci-operator"), std::string::npos);
}

TEST(DaemonProcessTest, VersionPrintsAndExitsZero) {
  ChildProcess process({ACI_OPERATOR_BIN, "--version"});
  EXPECT_EQ(process.wait(10s), 0);
  EXPECT_EQ(process.stdout_lines().at(0).rfind("aci-operator ", 0), 0u);
}

TEST(DaemonProcessTest, PortInUseIsARuntimeFailure) {
  TempDir dir;
  RunningDaemon first(dir);
  ASSERT_NE(first.port, 0);
  TempDir other;
  ChildProcess second(
      {ACI_OPERATOR_BIN, "--config",
       other.write("c.yaml", "server:\n  address: 127.0.0.1\n  port: " + std::to_string(first.port) + "\n")});
  EXPECT_EQ(second.wait(10s), 1);
  EXPECT_NE(second.output().find("cannot bind"), std::string::npos);
}

}  // namespace
}  // namespace aci::testing
