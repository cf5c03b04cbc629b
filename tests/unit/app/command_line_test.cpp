#include "daemon/app/command_line.hpp"

#include <gtest/gtest.h>

namespace aci::app {
namespace {

TEST(CommandLineTest, RunIsTheDefaultCommand) {
  auto line = parse_command_line({"--config", "a.yaml", "--log-level=debug"});
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->command, "run");
  EXPECT_EQ(line->config_path, "a.yaml");
  EXPECT_EQ(line->log_level, log::Level::debug);
}

TEST(CommandLineTest, HelpAndVersionNeedNoConfig) {
  EXPECT_TRUE(parse_command_line({"--help"})->help);
  EXPECT_TRUE(parse_command_line({"--version"})->version);
}

TEST(CommandLineTest, ErrorsNameTheProblem) {
  EXPECT_EQ(parse_command_line({}).error(), "--config is required");
  EXPECT_EQ(parse_command_line({"--config"}).error(), "--config needs a file path");
  EXPECT_EQ(parse_command_line({"--frobnicate"}).error(), "unknown option '--frobnicate'");
  EXPECT_EQ(parse_command_line({"--config=a", "--log-level", "loud"}).error(),
            "--log-level must be one of debug, info, warn, error");
  EXPECT_EQ(parse_command_line({"--config=a", "extra"}).error(), "unexpected argument 'extra'");
}

TEST(CommandLineTest, ValidateTakesPathsAndNoConfig) {
  auto line = parse_command_line({"validate", "a.yaml", "specs/"});
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->command, "validate");
  EXPECT_EQ(line->arguments, (std::vector<std::string>{"a.yaml", "specs/"}));
  EXPECT_EQ(parse_command_line({"validate"}).error(), "validate needs at least one PATH");
}

TEST(CommandLineTest, RotateTakesOneNameAndTheConfig) {
  auto line = parse_command_line({"rotate", "myregistry-pull", "--config", "a.yaml"});
  ASSERT_TRUE(line) << line.error();
  EXPECT_EQ(line->command, "rotate");
  EXPECT_EQ(line->arguments, (std::vector<std::string>{"myregistry-pull"}));
  EXPECT_EQ(parse_command_line({"rotate", "--config", "a.yaml"}).error(), "rotate needs exactly one NAME");
  EXPECT_EQ(parse_command_line({"rotate", "a", "b", "--config", "a.yaml"}).error(), "rotate needs exactly one NAME");
  EXPECT_EQ(parse_command_line({"rotate", "a"}).error(), "--config is required");
}

}  // namespace
}  // namespace aci::app
