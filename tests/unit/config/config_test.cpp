#include "daemon/config/config.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace aci::config {
namespace {

std::string errors_of(const std::string& yaml) {
  auto config = parse_config(yaml, "c.yaml");
  if (config) return "";
  std::string text;
  for (const auto& error : config.error()) text += error.to_string() + "\n";
  return text;
}

TEST(ConfigTest, ReadsEveryKey) {
  auto config = parse_config(
      "server:\n  address: 0.0.0.0\n  port: 8081\nlog:\n  level: debug\nshutdown:\n  timeout: 3s\n", "c.yaml");
  ASSERT_TRUE(config) << config.error().front().to_string();
  EXPECT_EQ(config->server.address, "0.0.0.0");
  EXPECT_EQ(config->server.port, 8081);
  EXPECT_EQ(config->log_level, log::Level::debug);
  EXPECT_EQ(config->shutdown_timeout, std::chrono::seconds(3));
}

TEST(ConfigTest, EmptyFileMeansDefaults) {
  auto config = parse_config("", "c.yaml");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->server.port, 9090);
}

TEST(ConfigTest, UnknownKeyNamesKeyFileAndLine) {
  EXPECT_EQ(errors_of("server:\n  port: 1\n  prot: 2\n"), "c.yaml:3: server.prot: unknown key\n");
  EXPECT_EQ(errors_of("log: {level: info}\nextra: 1\n"), "c.yaml:2: extra: unknown key\n");
}

TEST(ConfigTest, WrongTypeAndBadValueNameTheKey) {
  EXPECT_EQ(errors_of("server:\n  port: [1]\n"), "c.yaml:2: server.port: must be a single value, not a list\n");
  EXPECT_EQ(errors_of("server:\n  port: 70000\n"),
            "c.yaml:2: server.port: must be between 0 and 65535, got 70000\n");
  EXPECT_EQ(errors_of("log:\n  level: loud\n"),
            "c.yaml:2: log.level: must be one of debug, info, warn, error, got 'loud'\n");
  EXPECT_EQ(errors_of("shutdown:\n  timeout: soon\n"),
            "c.yaml:2: shutdown.timeout: must be a duration such as 500ms, 30s, 5m or 720h, got 'soon'\n");
  EXPECT_EQ(errors_of("server: 5\n"), "c.yaml:1: server: must be a mapping\n");
}

TEST(ConfigTest, TextThatIsNotValidUtf8IsRefusedWithItsKey) {
  EXPECT_EQ(errors_of("owner: caf\xE9\n"), "c.yaml:1: owner: not valid UTF-8\n");
  EXPECT_EQ(errors_of("server:\n  p\xE9rt: 1\n"), "c.yaml:2: server.p\xEF\xBF\xBDrt: not valid UTF-8\n");
}

TEST(ConfigTest, InvalidYamlNamesTheLine) {
  EXPECT_EQ(errors_of("server:\n  port: 1\n bad: [\n").substr(0, 9), "c.yaml:3:");
}

// Found by spec_fuzz: yaml-cpp's message quotes the offending byte as it is.
TEST(ConfigTest, InvalidYamlMessageIsValidUtf8) {
  const auto errors = errors_of("owner: \"\\\xC0\"\n");
  EXPECT_NE(errors.find("invalid YAML: "), std::string::npos) << errors;
  EXPECT_EQ(errors.find('\xC0'), std::string::npos) << errors;
  EXPECT_NO_THROW((void)nlohmann::json(errors).dump());
}

TEST(ConfigTest, MissingFileIsAnError) {
  auto config = load_config("/nonexistent/aci.yaml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().front().to_string(), "/nonexistent/aci.yaml: cannot read the file");
}

TEST(ConfigTest, ReadsTheRotationKeysAndNamesBadOnes) {
  auto config = parse_config(
      "credentialRotations: {verifyTimeout: 30s, rolloutTimeout: 2m, pollInterval: 500ms,"
      " backoff: {base: 5s, max: 10m}}\n",
      "c.yaml");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->credential_rotations.verify_timeout, std::chrono::seconds(30));
  EXPECT_EQ(config->credential_rotations.rollout_timeout, std::chrono::minutes(2));
  EXPECT_EQ(config->credential_rotations.poll_interval, std::chrono::milliseconds(500));
  EXPECT_EQ(config->credential_rotations.backoff_base, std::chrono::seconds(5));
  EXPECT_EQ(config->credential_rotations.backoff_max, std::chrono::minutes(10));

  auto bad = parse_config("credentialRotations:\n  verifyTimeout: 0s\n  backoff: {base: 1m, max: 1s}\n  retries: 3\n",
                          "c.yaml");
  ASSERT_FALSE(bad);
  std::string all;
  for (const auto& error : bad.error()) all += error.to_string() + "\n";
  EXPECT_NE(all.find("c.yaml:2: credentialRotations.verifyTimeout: must be positive"), std::string::npos) << all;
  EXPECT_NE(all.find("credentialRotations.backoff.max: must not be less than backoff.base"), std::string::npos) << all;
  EXPECT_NE(all.find("c.yaml:4: credentialRotations.retries: unknown key"), std::string::npos) << all;
}

}  // namespace
}  // namespace aci::config

namespace aci::config {
namespace {

TEST(ConfigTest, ReadsTheReconcilingKeysWithPathsRelativeToTheFile) {
  auto config = parse_config(
      "owner: team-a\n"
      "specs: {directory: specs, debounce: 200ms}\n"
      "status: {directory: /var/lib/aci/status}\n"
      "containerGroups: {workers: 8, resyncPeriod: 1m, instanceViewPeriod: 20m, backoff: {base: 2s, max: 1m}}\n",
      "/etc/aci/config.yaml");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->owner, "team-a");
  EXPECT_EQ(config->specs.directory, "/etc/aci/specs");
  EXPECT_EQ(config->specs.debounce, std::chrono::milliseconds(200));
  EXPECT_EQ(config->status_directory, "/var/lib/aci/status");
  EXPECT_EQ(config->container_groups.workers, 8u);
  EXPECT_EQ(config->container_groups.resync_period, std::chrono::minutes(1));
  EXPECT_EQ(config->container_groups.instance_view_period, std::chrono::minutes(20));
  EXPECT_EQ(config->container_groups.backoff_base, std::chrono::seconds(2));
  EXPECT_EQ(config->container_groups.backoff_max, std::chrono::minutes(1));
}

TEST(ConfigTest, BadReconcilingValuesNameTheKey) {
  auto config = parse_config("containerGroups:\n  workers: 0\n  resyncPeriod: 0s\n  backoff: {base: 1m, max: 1s}\n",
                             "c.yaml");
  ASSERT_FALSE(config);
  std::string all;
  for (const auto& error : config.error()) all += error.to_string() + "\n";
  EXPECT_NE(all.find("c.yaml:2: containerGroups.workers"), std::string::npos) << all;
  EXPECT_NE(all.find("c.yaml:3: containerGroups.resyncPeriod: must be positive"), std::string::npos) << all;
  EXPECT_NE(all.find("containerGroups.backoff.max: must not be less than backoff.base"), std::string::npos) << all;
}

}  // namespace
}  // namespace aci::config
