#include "daemon/source/spec_tree.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace aci::source {

namespace fs = std::filesystem;

namespace {

bool hidden(const std::string& file_name) { return file_name.starts_with("."); }

}  // namespace

bool is_spec_file_name(const std::string& file_name) {
  const auto extension = fs::path(file_name).extension().string();
  return !hidden(file_name) && (extension == ".yaml" || extension == ".yml" || extension == ".json");
}

bool SpecTree::under_unreadable(const std::string& path) const {
  return std::any_of(unreadable.begin(), unreadable.end(), [&](const std::string& place) {
    return path == place || (path.starts_with(place) && path[place.size()] == '/');
  });
}

SpecTree SpecTree::scan(const std::string& root) {
  SpecTree tree;
  std::vector<fs::path> pending{root};
  while (!pending.empty()) {
    const auto directory = std::move(pending.back());
    pending.pop_back();
    std::error_code ec;
    fs::directory_iterator it(directory, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const auto& path = it->path();
      const auto name = path.filename().string();
      if (hidden(name)) continue;
      std::error_code status_ec;
      if (fs::is_directory(it->symlink_status(status_ec))) {
        pending.push_back(path);
        continue;
      }
      if (status_ec) {
        tree.unreadable.push_back(path.string());
        continue;
      }
      if (!is_spec_file_name(name)) continue;
      struct stat info {};
      if (::stat(path.c_str(), &info) != 0) {
        if (errno != ENOENT) tree.unreadable.push_back(path.string());  // ENOENT: a dangling symlink
        continue;
      }
      if (!S_ISREG(info.st_mode)) continue;
      tree.files[path.string()] = FileStamp{
          info.st_size, static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec,
          info.st_ino};
    }
    if (ec) {
      tree.unreadable.push_back(directory.string());
    } else {
      tree.directories.insert(directory.string());
    }
  }
  return tree;
}

}  // namespace aci::source
