#include "daemon/core/log.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>

namespace aci::log {

namespace {

constexpr std::string_view kRedacted = "[REDACTED]";

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return text;
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
  if (text == "debug") return Level::debug;
  if (text == "info") return Level::info;
  if (text == "warn" || text == "warning") return Level::warn;
  if (text == "error") return Level::error;
  return std::nullopt;
}

std::string_view to_string(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

bool Redactor::add(std::string_view secret) {
  if (secret.size() < kMinimumLength) return false;
  std::unique_lock lock(mutex_);
  if (std::find(secrets_.begin(), secrets_.end(), secret) == secrets_.end()) {
    secrets_.emplace_back(secret);
    // Longest first, so a secret containing another is masked whole.
    std::sort(secrets_.begin(), secrets_.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  }
  return true;
}

void Redactor::remove(std::string_view secret) {
  std::unique_lock lock(mutex_);
  secrets_.erase(std::remove(secrets_.begin(), secrets_.end(), secret), secrets_.end());
}

std::string Redactor::redact(std::string_view text) const {
  std::string result(text);
  std::shared_lock lock(mutex_);
  for (const auto& secret : secrets_) {
    for (auto at = result.find(secret); at != std::string::npos; at = result.find(secret, at)) {
      result.replace(at, secret.size(), kRedacted);
      at += kRedacted.size();
    }
  }
  return result;
}

void Redactor::redact_in_place(nlohmann::json& value) const {
  if (value.is_string()) {
    value = redact(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (auto& item : value) redact_in_place(item);
  }
}

LogSink::LogSink(std::ostream& out, Level level) : out_(out), level_(level) {}

void LogSink::write(Level level, std::string_view logger, std::string_view message,
                    nlohmann::json fields) {
  // Ordered, so every line reads time, level, logger, message, fields.
  nlohmann::ordered_json head = nlohmann::ordered_json::object();
  head["time"] = utc_timestamp();
  head["level"] = to_string(level);
  head["logger"] = logger;
  head["message"] = redactor_.redact(message);
  if (!fields.is_object()) fields = nlohmann::json{{"value", std::move(fields)}};
  redactor_.redact_in_place(fields);
  // Invalid UTF-8 from a remote peer must not turn a log call into an exception.
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  auto text = head.dump(-1, ' ', false, kReplace);
  if (!fields.empty()) {
    text.pop_back();
    text += ",\"fields\":" + fields.dump(-1, ' ', false, kReplace) + "}";
  }
  std::lock_guard lock(write_mutex_);
  out_ << text << '\n';
  out_.flush();
}

Logger::Logger(std::shared_ptr<LogSink> sink, std::string name)
    : sink_(std::move(sink)), name_(std::move(name)) {}

Logger Logger::child(std::string_view child) const {
  return Logger(sink_, name_.empty() ? std::string(child) : name_ + "." + std::string(child));
}

void Logger::log(Level level, std::string_view message, nlohmann::json fields) const {
  if (!sink_->enabled(level)) return;
  sink_->write(level, name_, message, std::move(fields));
}

}  // namespace aci::log
