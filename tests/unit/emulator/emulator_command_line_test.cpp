#include "emulator/emulator_command_line.hpp"

#include <gtest/gtest.h>

namespace aci::emulator {
namespace {

using namespace std::chrono_literals;

TEST(EmulatorCommandLineTest, ParsesEveryFlag) {
  auto line = parse_emulator_command_line({"--seed", "s.yaml", "--port=0", "--state-dir", "/tmp/d", "--state-file",
                                           "/tmp/f.json", "--propagation-delay", "3s", "--faults", "f.json",
                                           "--provisioning-duration", "500ms", "--random-seed", "9"});
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->seed_file, "s.yaml");
  EXPECT_EQ(line->port, 0);
  EXPECT_EQ(line->state_dir, "/tmp/d");
  EXPECT_EQ(line->state_file, "/tmp/f.json");
  EXPECT_EQ(line->propagation_delay, 3s);
  EXPECT_EQ(line->faults_file, "f.json");
  EXPECT_EQ(line->provisioning_duration, 500ms);
  EXPECT_EQ(line->random_seed, 9u);
}

TEST(EmulatorCommandLineTest, DefaultsToPort8443OnLoopback) {
  auto line = parse_emulator_command_line({});
  ASSERT_TRUE(line);
  EXPECT_EQ(line->port, 8443);
  EXPECT_EQ(line->address, "127.0.0.1");
  EXPECT_FALSE(line->propagation_delay);
}

TEST(EmulatorCommandLineTest, BadValuesNameTheFlag) {
  auto port = parse_emulator_command_line({"--port", "70000"});
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().find("--port"), std::string::npos);
  EXPECT_FALSE(parse_emulator_command_line({"--propagation-delay", "soon"}));
  EXPECT_FALSE(parse_emulator_command_line({"--seed"}));
  EXPECT_FALSE(parse_emulator_command_line({"--frobnicate"}));
  EXPECT_FALSE(parse_emulator_command_line({"--tls-cert", "a.pem"}));
  EXPECT_TRUE(parse_emulator_command_line({"--help"})->help);
}

}  // namespace
}  // namespace aci::emulator
