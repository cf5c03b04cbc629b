#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace aci::testing {

ChildProcess::ChildProcess(std::vector<std::string> argv, const std::vector<std::string>& environment) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  // Prepared before fork: only async-signal-safe calls may follow it in the child.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** entry = environ; *entry != nullptr; ++entry) env_storage.emplace_back(*entry);
  for (const auto& entry : environment) env_storage.push_back(entry);
  std::vector<char*> env;
  env.reserve(env_storage.size() + 1);
  for (auto& entry : env_storage) env.push_back(entry.data());
  env.push_back(nullptr);

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  stdout_reader_ = std::thread([this, fd = out_pipe[0]] { pump(fd, stdout_); });
  stderr_reader_ = std::thread([this, fd = err_pipe[0]] { pump(fd, stderr_); });
}

ChildProcess::~ChildProcess() {
  if (!wait(std::chrono::milliseconds(0))) {
    ::kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
  if (stdout_reader_.joinable()) stdout_reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
}

void ChildProcess::pump(int fd, std::vector<std::string>& lines) {
  std::string partial;
  char buffer[4096];
  for (;;) {
    const auto count = ::read(fd, buffer, sizeof buffer);
    if (count <= 0) break;
    partial.append(buffer, static_cast<std::size_t>(count));
    std::size_t newline;
    while ((newline = partial.find('\n')) != std::string::npos) {
      std::lock_guard lock(mutex_);
      lines.push_back(partial.substr(0, newline));
      partial.erase(0, newline + 1);
      changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  if (!partial.empty()) lines.push_back(partial);
  changed_.notify_all();
  close(fd);
}

void ChildProcess::signal(int signal_number) {
  if (!status_) ::kill(pid_, signal_number);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!status_) {
    int raw = 0;
    const auto result = ::waitpid(pid_, &raw, WNOHANG);
    if (result == pid_) {
      status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      // The pipes reach EOF once the process is gone: join the readers so every
      // line it printed is visible to the caller (unless a grandchild holds them).
      if (stdout_reader_.joinable()) stdout_reader_.join();
      if (stderr_reader_.joinable()) stderr_reader_.join();
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

std::optional<std::string> ChildProcess::wait_for_line(const std::function<bool(const std::string&)>& match,
                                                       std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::size_t out_seen = 0;
  std::size_t err_seen = 0;
  std::optional<std::string> found;
  changed_.wait_for(lock, timeout, [&] {
    for (; out_seen < stdout_.size(); ++out_seen) {
      if (match(stdout_[out_seen])) found = stdout_[out_seen];
    }
    for (; err_seen < stderr_.size(); ++err_seen) {
      if (match(stderr_[err_seen])) found = stderr_[err_seen];
    }
    return found.has_value();
  });
  return found;
}

std::vector<std::string> ChildProcess::stdout_lines() const {
  std::lock_guard lock(mutex_);
  return stdout_;
}

std::vector<std::string> ChildProcess::stderr_lines() const {
  std::lock_guard lock(mutex_);
  return stderr_;
}

std::string ChildProcess::output() const {
  std::lock_guard lock(mutex_);
  std::string text;
  for (const auto& line : stdout_) text += line + "\n";
  for (const auto& line : stderr_) text += line + "\n";
  return text;
}

unsigned short free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!bound) throw std::runtime_error("no free loopback port");
  return ntohs(address.sin_port);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "aci-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  auto full = (std::filesystem::path(path_) / name).string();
  std::filesystem::create_directories(std::filesystem::path(full).parent_path());
  std::ofstream(full) << content;
  return full;
}

}  // namespace aci::testing
