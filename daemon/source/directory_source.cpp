#include "daemon/source/directory_source.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "daemon/core/test_fault.hpp"

namespace aci::source {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kWatchMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |
                                     IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
                                     IN_EXCL_UNLINK;
// A burst that never goes quiet is still read after this many debounce periods.
constexpr int kLongestBurstInDebounces = 10;

// "/specs/" and "/specs" name the same tree; paths built from either must match.
std::string without_trailing_separator(std::string root) {
  const fs::path path(std::move(root));
  return (path.has_filename() ? path : path.parent_path()).string();
}

}  // namespace

DirectorySource::DirectorySource(asio::any_io_executor executor, std::string root, std::chrono::milliseconds debounce,
                                 const core::Clock& clock, log::Logger logger, SpecStore& store)
    : executor_(std::move(executor)),
      root_(without_trailing_separator(std::move(root))),
      debounce_(debounce),
      clock_(clock),
      logger_(std::move(logger)),
      store_(store) {}

DirectorySource::~DirectorySource() { stop(); }

Expected<Ok, std::string> DirectorySource::start(std::function<void()> on_synced) {
  if (started_) return unexpected(std::string("a directory source starts only once"));
  started_ = true;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) return unexpected("spec directory '" + root_ + "' is not a readable directory");
  inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) return unexpected(std::string("inotify_init1 failed: ") + std::strerror(errno));
  events_ = std::make_unique<asio::posix::stream_descriptor>(executor_, inotify_fd_);
  *running_ = true;
  // Watches are placed before the files are read, so no change can fall in between.
  read_changes();
  // A restart reads the tree again: events taken before the failure may never have
  // been acted on.
  watch_loop_ = core::spawn_supervised(executor_, "directory_watch", [this, first = true]() mutable {
    const bool reread = !first;
    first = false;
    return watch(running_, reread);
  });
  // The whole tree is in the store already.
  if (on_synced) asio::post(executor_, std::move(on_synced));
  return Ok{};
}

void DirectorySource::stop() {
  started_ = true;  // a stopped source never starts
  if (!*running_) return;
  *running_ = false;
  watch_loop_.cancel();
  if (waiting_timer_ != nullptr) waiting_timer_->cancel();
  waiting_timer_ = nullptr;
  boost::system::error_code ignored;
  events_->close(ignored);  // also closes inotify_fd_, and ends the coroutine's wait
  inotify_fd_ = -1;
}

void DirectorySource::rescan() {
  if (*running_) read_changes();
}

asio::awaitable<void> DirectorySource::watch(std::shared_ptr<bool> running, bool reread) {
  // After every wait, `running` is checked before anything else: once stopped, this
  // object may already be gone. The timer lives here for the same reason.
  const auto timer = clock_.make_timer(executor_);
  if (reread) {
    read_everything_ = true;
    read_changes();
  }
  while (true) {
    core::test_fault_point("directory_watch");
    // What is queued is taken before waiting: Asio's epoll reactor is edge-triggered,
    // and an edge it saw while nothing waited (during the debounce, say) is not
    // reported again.
    if (!take_events()) {
      boost::system::error_code ec;
      co_await events_->async_wait(asio::posix::stream_descriptor::wait_read,
                                   asio::redirect_error(asio::use_awaitable, ec));
      if (!*running) co_return;
      // The supervisor logs it, counts it and restarts the watch, which reads the tree again.
      if (ec) throw std::runtime_error("waiting for changes in spec directory '" + root_ + "' failed: " + ec.message());
      continue;
    }
    const auto latest = clock_.steady_now() + debounce_ * kLongestBurstInDebounces;
    auto quiet_until = clock_.steady_now() + debounce_;
    while (true) {
      waiting_timer_ = timer.get();
      co_await timer->wait_until(quiet_until);
      if (!*running) co_return;
      waiting_timer_ = nullptr;
      const auto now = clock_.steady_now();
      // Events that came during the wait start the quiet period again.
      if (!take_events() || now >= latest) break;
      quiet_until = std::min(now + debounce_, latest);
    }
    read_changes();
  }
}

bool DirectorySource::take_events() {
  alignas(inotify_event) char buffer[16 * 1024];
  bool any = false;
  while (true) {
    const auto length = ::read(inotify_fd_, buffer, sizeof buffer);
    if (length <= 0) return any;  // EAGAIN: the queue is empty
    any = true;
    for (std::size_t offset = 0; offset + sizeof(inotify_event) <= static_cast<std::size_t>(length);) {
      inotify_event event{};
      std::memcpy(&event, buffer + offset, sizeof event);
      const char* name = buffer + offset + sizeof event;
      offset += sizeof event + event.len;
      if ((event.mask & IN_Q_OVERFLOW) != 0) read_everything_ = true;
      if ((event.mask & IN_IGNORED) != 0) watches_.erase(event.wd);  // the directory is gone
      if (event.len == 0) continue;
      const auto directory = watches_.find(event.wd);
      const std::string file_name(name, ::strnlen(name, event.len));
      if (directory != watches_.end() && is_spec_file_name(file_name)) {
        // Two edits within one tick of the file system's clock, same size, leave the
        // stamp alone; the event still says the file changed.
        named_by_events_.insert((fs::path(directory->second) / file_name).string());
      }
    }
  }
}

void DirectorySource::update_watches(const SpecTree& tree) {
  std::map<int, std::string> next;
  for (const auto& directory : tree.directories) {
    // A directory renamed inside the tree keeps its watch descriptor: keyed by
    // descriptor, it is neither removed nor watched twice.
    const int descriptor = inotify_add_watch(inotify_fd_, directory.c_str(), kWatchMask);
    if (descriptor < 0) {
      logger_.warn("cannot watch a spec directory; its changes are read only on rescan",
                   {{"directory", directory}, {"error", std::strerror(errno)}});
      continue;
    }
    next[descriptor] = directory;
  }
  for (const auto& [descriptor, directory] : watches_) {
    if (next.contains(descriptor)) continue;
    if (tree.under_unreadable(directory)) {
      // Its watch is how the source learns that it can be read again (a root moved
      // away and back, say).
      next.emplace(descriptor, directory);
    } else {
      inotify_rm_watch(inotify_fd_, descriptor);
    }
  }
  watches_ = std::move(next);
}

void DirectorySource::read_changes() {
  auto tree = SpecTree::scan(root_);
  update_watches(tree);
  for (const auto& place : tree.unreadable) {
    logger_.warn("cannot read part of the spec directory; the objects it declared are kept", {{"path", place}});
  }
  // Removals come first, so an object moved to another file is never declared twice.
  for (const auto& [path, stamp] : files_) {
    if (tree.files.contains(path)) continue;
    if (tree.under_unreadable(path)) {
      tree.files.emplace(path, FileStamp{});  // unknown: read it again (it fails, and keeps its objects)
      continue;
    }
    logger_.info("spec file removed", {{"file", path}});
    store_.remove_origin(path);
  }
  for (const auto& [path, stamp] : tree.files) {
    const auto known = files_.find(path);
    const bool changed = read_everything_ || known == files_.end() || known->second != stamp ||
                         named_by_events_.contains(path) || store_.has_origin_error(path);
    if (!changed) continue;
    ++files_read_;
    const auto parsed = model::load_resources(path);
    logger_.debug("spec file read", {{"file", path}, {"documents", parsed.documents.size()}});
    for (const auto& message : parsed.error_messages()) logger_.warn("invalid spec", {{"error", message}});
    store_.update_origin(path, parsed);
  }
  named_by_events_.clear();
  read_everything_ = false;
  files_ = std::move(tree.files);
}

}  // namespace aci::source
