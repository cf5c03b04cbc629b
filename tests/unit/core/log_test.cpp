#include "daemon/core/log.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace aci::log {
namespace {

nlohmann::json only_line(const std::string& text) {
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  return nlohmann::json::parse(text);
}

TEST(LogTest, WritesOneJsonObjectPerLineInFieldOrder) {
  std::ostringstream out;
  auto sink = std::make_shared<LogSink>(out);
  Logger(sink, "daemon").child("server").info("listening", {{"port", 9090}});
  const auto text = out.str();
  EXPECT_EQ(text.find("{\"time\":"), 0u);
  EXPECT_LT(text.find("\"level\""), text.find("\"logger\""));
  EXPECT_LT(text.find("\"message\""), text.find("\"fields\""));
  const auto line = only_line(text);
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["logger"], "daemon.server");
  EXPECT_EQ(line["message"], "listening");
  EXPECT_EQ(line["fields"]["port"], 9090);
}

TEST(LogTest, DropsLinesBelowTheLevel) {
  std::ostringstream out;
  auto sink = std::make_shared<LogSink>(out, Level::warn);
  Logger logger(sink, "x");
  logger.info("quiet");
  logger.debug("quieter");
  EXPECT_TRUE(out.str().empty());
  logger.error("loud");
  EXPECT_EQ(only_line(out.str())["level"], "error");
}

TEST(LogTest, RegisteredSecretNeverReachesALine) {
  std::ostringstream out;
  auto sink = std::make_shared<LogSink>(out, Level::debug);
  const std::string secret = "Q~s3cr3t-value-\"quoted\\and\nnewline";
  ASSERT_TRUE(sink->redactor().add(secret));
  Logger logger(sink, "x");
  logger.info("token request with " + secret + " failed",
              {{"body", "client_secret=" + secret}, {"nested", {{"list", {secret, "ok"}}}}});
  logger.error(secret);
  const auto text = out.str();
  EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << text;
  EXPECT_NE(text.find("[REDACTED]"), std::string::npos);
  EXPECT_NE(text.find("ok"), std::string::npos);
}

TEST(LogTest, RedactorRefusesValuesTooShortToMaskSafely) {
  Redactor redactor;
  EXPECT_FALSE(redactor.add("abc"));
  EXPECT_EQ(redactor.redact("abc abc"), "abc abc");
}

TEST(LogTest, RedactorMasksTheLongerOfOverlappingSecrets) {
  Redactor redactor;
  ASSERT_TRUE(redactor.add("secret"));
  ASSERT_TRUE(redactor.add("secret-and-more"));
  EXPECT_EQ(redactor.redact("x secret-and-more y secret"), "x [REDACTED] y [REDACTED]");
  redactor.remove("secret");
  EXPECT_EQ(redactor.redact("secret"), "secret");
}

TEST(LogTest, InvalidUtf8IsReplacedNotThrown) {
  std::ostringstream out;
  auto sink = std::make_shared<LogSink>(out);
  Logger(sink, "x").info(std::string("bad \xff byte"), {{"field", std::string("\xfe")}});
  EXPECT_NO_THROW(only_line(out.str()));
}

TEST(LogTest, ParsesLevels) {
  EXPECT_EQ(parse_level("debug"), Level::debug);
  EXPECT_EQ(parse_level("warning"), Level::warn);
  EXPECT_EQ(parse_level("loud"), std::nullopt);
}

}  // namespace
}  // namespace aci::log
