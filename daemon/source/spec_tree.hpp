#pragma once
// SpecTree: one walk over a directory tree of spec files, shared by the directory
// source and `aci-operator validate`. Spec files are *.yaml, *.yml and *.json whose
// names do not start with '.'; hidden directories are skipped, symlinked files are
// followed (a mounted ConfigMap), symlinked directories are not (a link up would loop).
// Places that could not be read are listed, so a caller can tell "gone" from "unknown".

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace aci::source {

bool is_spec_file_name(const std::string& file_name);

// What tells one version of a file from another without reading it.
struct FileStamp {
  off_t size = 0;
  std::int64_t mtime_ns = 0;
  ino_t inode = 0;
  bool operator==(const FileStamp&) const = default;
};

struct SpecTree {
  std::map<std::string, FileStamp> files;  // by path, root-prefixed
  std::set<std::string> directories;       // every directory listed, the root included
  std::vector<std::string> unreadable;     // directories or files whose state is unknown

  // True when `path` is, or lies under, a place that could not be read.
  bool under_unreadable(const std::string& path) const;

  static SpecTree scan(const std::string& root);
};

}  // namespace aci::source
