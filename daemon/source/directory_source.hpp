#pragma once
// DirectorySource: specs from a directory tree of YAML/JSON files (which files:
// spec_tree.hpp; a mounted Kubernetes ConfigMap works). start() reads the whole tree
// into the SpecStore before it returns, then watches every directory with inotify;
// once a burst of events has been quiet for `debounce` (or has lasted 10 × debounce),
// the files that changed are read again. A file or directory that cannot be read
// deletes nothing. The watch runs under the LoopSupervisor (loop "directory_watch"): if
// it throws, it is restarted and reads the whole tree again. Runs on one executor;
// destroy it before its io_context. After stop() it may be destroyed at once: its
// coroutine then ends without touching it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "daemon/core/clock.hpp"
#include "daemon/core/expected.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/source/spec_source.hpp"
#include "daemon/source/spec_store.hpp"
#include "daemon/source/spec_tree.hpp"

namespace aci::source {

class DirectorySource final : public SpecSource {
 public:
  // The clock and the store must outlive the source.
  DirectorySource(boost::asio::any_io_executor executor, std::string root, std::chrono::milliseconds debounce,
                  const core::Clock& clock, log::Logger logger, SpecStore& store);
  ~DirectorySource() override;
  DirectorySource(const DirectorySource&) = delete;
  DirectorySource& operator=(const DirectorySource&) = delete;

  // Reads the whole tree, then starts watching; `on_synced` is posted at once. Fails if
  // the root is not a readable directory or inotify is unavailable. Once only.
  Expected<Ok, std::string> start(std::function<void()> on_synced) override;
  // Stops watching; nothing is read afterwards. Safe to call more than once.
  void stop() override;
  // Re-reads every file whose size, modification time or inode changed, and files
  // that could not be read last time: a safety net for a periodic resync.
  void rescan();

  std::size_t files_read() const noexcept { return files_read_; }

 private:
  // `reread`: a restart, which reads every file again first.
  boost::asio::awaitable<void> watch(std::shared_ptr<bool> running, bool reread);
  // Reads every queued inotify event; returns whether there was any.
  bool take_events();
  void update_watches(const SpecTree& tree);
  void read_changes();

  boost::asio::any_io_executor executor_;
  std::string root_;
  std::chrono::milliseconds debounce_;
  const core::Clock& clock_;
  log::Logger logger_;
  SpecStore& store_;

  bool started_ = false;
  // Shared with the watch coroutine, which checks it after every wait.
  std::shared_ptr<bool> running_ = std::make_shared<bool>(false);
  int inotify_fd_ = -1;
  std::unique_ptr<boost::asio::posix::stream_descriptor> events_;
  // The debounce timer lives in the coroutine's frame; this points at it while it waits.
  core::Timer* waiting_timer_ = nullptr;
  std::map<int, std::string> watches_;  // inotify watch descriptor → directory
  std::set<std::string> named_by_events_;  // read again even if their stamp looks unchanged
  bool read_everything_ = false;           // the kernel's event queue overflowed
  std::map<std::string, FileStamp> files_;
  std::size_t files_read_ = 0;
  core::LoopHandle watch_loop_;
};

}  // namespace aci::source
