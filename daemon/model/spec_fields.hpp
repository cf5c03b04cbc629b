#pragma once
// A strict reader for one mapping of a resource document: config::YamlFields'
// typed reads, plus what specs need beyond them (the raw node of a key, keys
// tolerated on purpose, numbers with the caller's own range messages, and a
// flag for mappings that were not mappings). finish() reports every key nobody
// read. Errors go to the caller's list; nothing throws.

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/yaml_fields.hpp"

namespace aci::model {

class SpecFields {
 public:
  // `node` should be a mapping; an undefined or null node reads as empty, any
  // other node records "must be a mapping" and reads as empty and not valid().
  SpecFields(const YAML::Node& node, std::string path, std::string file,
             std::vector<config::FieldError>& errors);

  // False when the node was present but not a mapping (already reported).
  bool valid() const { return valid_; }
  // True when the node was present (and a mapping).
  bool present() const { return present_; }
  bool has(std::string_view key) const;

  // The raw value of `key` (undefined when absent); marks the key as read.
  YAML::Node node(std::string_view key);
  // Marks `key` as read without looking at it (fields the API server adds).
  void ignore(std::string_view key) { seen_.emplace(key); }

  void read(std::string_view key, std::string& out);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);
  void read(std::string_view key, std::chrono::milliseconds& out);
  void read(std::string_view key, std::vector<std::string>& out);
  void read(std::string_view key, std::map<std::string, std::string>& out);
  void read_enum(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed);
  // A number without a range; false (with an error unless absent) when there is none.
  bool read_number(std::string_view key, double& out);
  // Records "is required" when absent; returns whether the key is present.
  bool require(std::string_view key);

  // A nested mapping; absent reads as empty.
  SpecFields map(std::string_view key);
  // Each mapping of a sequence with its index; items that are not mappings are
  // reported and skipped.
  void for_each(std::string_view key, const std::function<void(SpecFields&, std::size_t)>& each);

  // An error about one key of this mapping, at that key's line.
  void error(std::string_view key, std::string message);
  // An error about this mapping as a whole, at its first line.
  void error_here(std::string message);
  void finish();

  std::string field_path(std::string_view key) const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  int line() const;
  std::vector<config::FieldError>& errors() { return errors_; }

 private:
  YAML::Node node_;
  std::string path_;
  std::string file_;
  std::vector<config::FieldError>& errors_;
  bool valid_;
  bool present_;
  // Never given a non-mapping: YamlFields would assign over it, and yaml-cpp
  // assignment rewrites the shared node inside the caller's document.
  config::YamlFields fields_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace aci::model
