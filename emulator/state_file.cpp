#include "emulator/state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace aci::emulator {

Expected<std::optional<nlohmann::json>, std::string> StateFile::load() const {
  if (::access(path_.c_str(), F_OK) != 0) return std::optional<nlohmann::json>();
  std::ifstream in(path_, std::ios::binary);
  if (!in) return unexpected("cannot read state file " + path_);
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto parsed = nlohmann::json::parse(buffer.str(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return unexpected("state file " + path_ + " is not a JSON object");
  return std::optional<nlohmann::json>(std::move(parsed));
}

Expected<Ok, std::string> StateFile::save(const nlohmann::json& state) const {
  const std::string temp = path_ + ".tmp";
  const std::string text = state.dump(1);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return unexpected("cannot write " + temp + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const auto n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string reason = std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      return unexpected("cannot write " + temp + ": " + reason);
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    return unexpected("cannot flush " + temp + ": " + std::strerror(errno));
  }
  if (std::rename(temp.c_str(), path_.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    return unexpected("cannot replace " + path_ + ": " + reason);
  }
  return Ok{};
}

}  // namespace aci::emulator
