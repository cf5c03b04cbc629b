#pragma once
// The emulator's world on disk (--state-file): written atomically (temp file in
// the same directory, fsync, rename) so a crash never leaves half a document, and
// read back at start. The file holds password hashes, not password text, but does
// hold Key Vault secret values: it is created with mode 0600.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "daemon/core/expected.hpp"

namespace aci::emulator {

class StateFile {
 public:
  explicit StateFile(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  // nullopt when the file does not exist; an error when it exists but is unreadable or not JSON.
  Expected<std::optional<nlohmann::json>, std::string> load() const;
  Expected<Ok, std::string> save(const nlohmann::json& state) const;

 private:
  std::string path_;
};

}  // namespace aci::emulator
