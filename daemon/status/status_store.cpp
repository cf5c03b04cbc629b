#include "daemon/status/status_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "daemon/core/iso8601.hpp"
#include "daemon/core/expected.hpp"
#include "daemon/core/utf8.hpp"

namespace aci::status {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::string_view kFileExtension = ".json";

// Object names are DNS labels and kinds are identifiers; anything else in a key
// (a "..", a separator, an empty part) must not become a path.
bool safe_path_part(std::string_view part) {
  if (part.empty() || part == "." || part == ".." || part.starts_with('.')) return false;
  for (const char c : part) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                         c == '_' || c == '.';
    if (!allowed) return false;
  }
  return true;
}

std::string system_error() { return std::strerror(errno); }

// Writes `content` to a temporary file beside `path`, syncs it and renames it over
// `path`, so a reader sees the old file or the new one, never a part.
Expected<Ok, std::string> write_atomically(const fs::path& path, const std::string& content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return unexpected("cannot create " + path.parent_path().string() + ": " + ec.message());
  const auto temporary = path.parent_path() / ("." + path.filename().string() + ".tmp");
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return unexpected("cannot create " + temporary.string() + ": " + system_error());
  std::size_t written = 0;
  while (written < content.size()) {
    const auto result = ::write(fd, content.data() + written, content.size() - written);
    if (result < 0 && errno == EINTR) continue;
    if (result <= 0) break;
    written += static_cast<std::size_t>(result);
  }
  const bool complete = written == content.size() && ::fsync(fd) == 0;
  const auto failure = system_error();
  ::close(fd);
  if (!complete || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const auto reason = complete ? system_error() : failure;
    ::unlink(temporary.c_str());
    return unexpected("cannot write " + path.string() + ": " + reason);
  }
  return Ok{};
}

}  // namespace

StatusStore::StatusStore(boost::asio::any_io_executor executor, log::Logger logger, std::string directory)
    : executor_(std::move(executor)), logger_(std::move(logger)), directory_(std::move(directory)) {
  load();
}

StatusStore::~StatusStore() {
  *alive_ = false;
  sinks_.clear();  // they may be gone already; files are what must not be lost
  flush();
}

void StatusStore::update(const std::string& key, const std::function<void(json&)>& change) {
  auto& status = statuses_[key];
  if (!status.is_object()) status = json::object();
  change(status);
  // Reconcilers never put secrets here; if one ever slips into a message, it is masked.
  logger_.sink().redactor().redact_in_place(status);
  // Messages quote Azure and spec files, which may hold any bytes; status is JSON.
  core::make_valid_utf8(status);
  mark_dirty(key);
}

void StatusStore::seed(const std::string& key, const json& status) {
  if (!status.is_object() || statuses_.contains(key)) return;
  auto& seeded = statuses_[key] = status;
  logger_.sink().redactor().redact_in_place(seeded);
  core::make_valid_utf8(seeded);
}

void StatusStore::event(const std::string& key, EventType type, std::string_view reason, std::string_view action,
                        std::string message) {
  message = core::to_valid_utf8(logger_.sink().redactor().redact(message));
  for (auto* sink : sinks_) sink->event(key, type, reason, action, message);
}

void StatusStore::remove(const std::string& key) {
  if (statuses_.erase(key) > 0) mark_dirty(key);
}

void StatusStore::retain(const std::set<std::string>& keys) {
  for (auto it = statuses_.begin(); it != statuses_.end();) {
    if (keys.contains(it->first)) {
      ++it;
      continue;
    }
    mark_dirty(it->first);
    it = statuses_.erase(it);
  }
}

const json* StatusStore::find(const std::string& key) const {
  const auto found = statuses_.find(key);
  return found == statuses_.end() ? nullptr : &found->second;
}

json StatusStore::snapshot() const {
  json all = json::object();
  for (const auto& [key, status] : statuses_) all[key] = status;
  return all;
}

std::optional<std::string> StatusStore::file_for(const std::string& key) const {
  if (directory_.empty()) return std::nullopt;
  std::vector<std::string_view> parts;
  std::string_view rest = key;
  while (true) {
    const auto slash = rest.find('/');
    parts.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
  fs::path path(directory_);
  for (const auto part : parts) {
    if (!safe_path_part(part)) return std::nullopt;
    path /= part;
  }
  path += kFileExtension;
  return path.string();
}

void StatusStore::mark_dirty(const std::string& key) {
  if (directory_.empty() && sinks_.empty()) return;
  dirty_.insert(key);
  if (flush_posted_) return;
  flush_posted_ = true;
  boost::asio::post(executor_, [this, alive = alive_] {
    if (*alive) flush();
  });
}

void StatusStore::flush() {
  flush_posted_ = false;
  const auto keys = std::move(dirty_);
  dirty_.clear();
  for (const auto& key : keys) {
    if (!directory_.empty()) write(key);
    const auto* status = find(key);
    for (auto* sink : sinks_) sink->publish(key, status);
  }
}

void StatusStore::write(const std::string& key) {
  const auto path = file_for(key);
  if (!path) {
    logger_.warn("status not written: the key cannot name a file", {{"key", key}});
    return;
  }
  const auto status = statuses_.find(key);
  if (status == statuses_.end()) {
    std::error_code ec;
    fs::remove(*path, ec);
    if (ec) logger_.warn("cannot remove a status file", {{"file", *path}, {"error", ec.message()}});
    return;
  }
  if (auto written = write_atomically(*path, core::dump_json(status->second, 2) + "\n"); !written) {
    logger_.warn("cannot write a status file", {{"key", key}, {"error", written.error()}});
    return;
  }
  ++files_written_;
}

void StatusStore::load() {
  if (directory_.empty()) return;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(directory_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const auto& path = it->path();
    const auto name = path.filename().string();
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    if (name.starts_with('.')) {
      if (name.ends_with(".tmp")) fs::remove(path, file_ec);  // left by a crash between write and rename
      continue;
    }
    if (!name.ends_with(kFileExtension)) continue;
    auto key = path.lexically_relative(directory_).string();
    key.resize(key.size() - kFileExtension.size());
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto status = json::parse(text.str(), nullptr, false);
    if (!status.is_object() || file_for(key) != path.string()) {
      logger_.warn("ignoring a status file that is not one of ours", {{"file", path.string()}});
      continue;
    }
    statuses_[key] = std::move(status);
  }
  if (ec && ec != std::errc::no_such_file_or_directory) {
    logger_.warn("cannot read the status directory", {{"directory", directory_}, {"error", ec.message()}});
  }
}

}  // namespace aci::status
