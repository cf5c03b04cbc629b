#pragma once
// Strict reading of a YAML (or JSON) mapping into typed fields. Every problem
// becomes a FieldError that names the file, the line and the dotted field path;
// finish() reports keys nobody asked for, so typos never pass silently. Text that is
// not valid UTF-8, in a key or a value, is an error ("not valid UTF-8"), never read.
// A YamlFields only records errors into the list it was given; it never throws.

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace aci::config {

struct FieldError {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
  std::string field;
  std::string message;

  // "file:line: field: message"
  std::string to_string() const;
};

// The error for a mapping key that is not valid UTF-8, under the dotted `path` of its
// mapping (the bad bytes shown as U+FFFD); nullopt for any other key.
std::optional<FieldError> invalid_key_error(const YAML::Node& key, const std::string& path, const std::string& file);

class YamlFields {
 public:
  // `node` must be a mapping (an undefined or null node reads as empty);
  // `path` is the dotted prefix of its fields ("" at the top).
  YamlFields(const YAML::Node& node, std::string path, std::string file, std::vector<FieldError>& errors);

  bool has(std::string_view key) const;

  // Each reader leaves `out` unchanged when the key is absent and records an
  // error when the value has the wrong type or is out of range.
  void read(std::string_view key, std::string& out);
  // A file or directory path; a relative one is taken relative to the directory of
  // the file being read, so the same file works whatever directory the process starts in.
  void read_path(std::string_view key, std::string& out);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, double& out, double min, double max);
  void read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void read(std::string_view key, std::uint16_t& out, std::uint16_t min = 0, std::uint16_t max = 65535);
  void read(std::string_view key, std::chrono::milliseconds& out);
  void read(std::string_view key, std::vector<std::string>& out);
  void read(std::string_view key, std::map<std::string, std::string>& out);
  // One of `allowed`, compared exactly.
  void read_enum(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed);
  // A required key: records "is required" when absent.
  void require(std::string_view key);

  // A nested mapping; absent reads as empty.
  YamlFields map(std::string_view key);
  // A sequence of mappings, each handed to `each` with its index.
  void for_each(std::string_view key, const std::function<void(YamlFields&, std::size_t)>& each);

  // Records an error for a field of this mapping, at the key's line when known.
  void error(std::string_view key, std::string message);
  // Reports every key that no reader asked for.
  void finish();

  std::string field_path(std::string_view key) const;
  const std::string& file() const { return file_; }
  std::vector<FieldError>& errors() { return errors_; }

 private:
  std::optional<YAML::Node> scalar(std::string_view key);
  int line_of(std::string_view key) const;

  YAML::Node node_;
  std::string path_;
  std::string file_;
  std::vector<FieldError>& errors_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace aci::config
