#pragma once
// Structured JSON logging: one object per line with time, level, logger,
// message and fields. Every string that reaches a line first passes through the
// Redactor, so a secret registered with it never appears in any log output.
// LogSink is thread-safe; Logger is a cheap handle that may be copied freely.

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace aci::log {

enum class Level { debug, info, warn, error };

std::optional<Level> parse_level(std::string_view text);
std::string_view to_string(Level level);

// Replaces every occurrence of a registered secret with "[REDACTED]". Values
// shorter than kMinimumLength are refused, since masking them would mangle
// ordinary text; real credentials are far longer.
class Redactor {
 public:
  static constexpr std::size_t kMinimumLength = 6;
  // Returns false if the value is too short to be redacted safely.
  bool add(std::string_view secret);
  void remove(std::string_view secret);
  std::string redact(std::string_view text) const;
  void redact_in_place(nlohmann::json& value) const;

 private:
  mutable std::shared_mutex mutex_;
  std::vector<std::string> secrets_;
};

// Where lines go. Owns the level threshold and the redactor.
class LogSink {
 public:
  explicit LogSink(std::ostream& out, Level level = Level::info);
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  void set_level(Level level) noexcept { level_.store(level); }
  Level level() const noexcept { return level_.load(); }
  bool enabled(Level level) const noexcept { return level >= level_.load(); }
  Redactor& redactor() noexcept { return redactor_; }

  void write(Level level, std::string_view logger, std::string_view message, nlohmann::json fields);

 private:
  std::ostream& out_;
  std::atomic<Level> level_;
  Redactor redactor_;
  std::mutex write_mutex_;
};

class Logger {
 public:
  Logger(std::shared_ptr<LogSink> sink, std::string name);

  // A child logger named "<name>.<child>".
  Logger child(std::string_view child) const;
  const std::string& name() const noexcept { return name_; }
  LogSink& sink() const noexcept { return *sink_; }

  void debug(std::string_view message, nlohmann::json fields = nlohmann::json::object()) const {
    log(Level::debug, message, std::move(fields));
  }
  void info(std::string_view message, nlohmann::json fields = nlohmann::json::object()) const {
    log(Level::info, message, std::move(fields));
  }
  void warn(std::string_view message, nlohmann::json fields = nlohmann::json::object()) const {
    log(Level::warn, message, std::move(fields));
  }
  void error(std::string_view message, nlohmann::json fields = nlohmann::json::object()) const {
    log(Level::error, message, std::move(fields));
  }
  void log(Level level, std::string_view message, nlohmann::json fields) const;

 private:
  std::shared_ptr<LogSink> sink_;
  std::string name_;
};

}  // namespace aci::log
