#pragma once
// ChildProcess: runs a real binary for integration tests, with its stdout and
// stderr captured line by line on background threads. The destructor kills the
// process (SIGKILL) if it is still running, so a failed test leaves nothing behind.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace aci::testing {

class ChildProcess {
 public:
  // argv[0] is the binary path; `environment` entries ("NAME=value") are added.
  ChildProcess(std::vector<std::string> argv, const std::vector<std::string>& environment = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signal_number);
  // Exit status (exit code, or 128 + signal), or nullopt if still running at the deadline.
  std::optional<int> wait(std::chrono::milliseconds timeout);

  // Waits for a line (stdout or stderr) for which `match` is true; returns it.
  std::optional<std::string> wait_for_line(const std::function<bool(const std::string&)>& match,
                                           std::chrono::milliseconds timeout);
  std::vector<std::string> stdout_lines() const;
  std::vector<std::string> stderr_lines() const;
  // Everything printed so far, stdout then stderr.
  std::string output() const;

 private:
  void pump(int fd, std::vector<std::string>& lines);

  pid_t pid_ = -1;
  std::optional<int> status_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> stdout_;
  std::vector<std::string> stderr_;
  std::thread stdout_reader_;
  std::thread stderr_reader_;
};

// A free TCP port on 127.0.0.1 at the moment of the call.
unsigned short free_port();

// A fresh temporary directory, removed with its contents when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace aci::testing
