#include "daemon/model/spec_fields.hpp"

#include <charconv>
#include <cmath>

namespace aci::model {

namespace {

int line_number(const YAML::Node& node) {
  const auto mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

}  // namespace

SpecFields::SpecFields(const YAML::Node& node, std::string path, std::string file,
                       std::vector<config::FieldError>& errors)
    : node_(node),
      path_(std::move(path)),
      file_(std::move(file)),
      errors_(errors),
      valid_(!node_.IsDefined() || node_.IsNull() || node_.IsMap()),
      present_(node_.IsDefined() && node_.IsMap()),
      fields_(node_.IsDefined() && node_.IsMap() ? node_ : YAML::Node(YAML::NodeType::Map), path_, file_,
              errors_) {
  if (!valid_) errors_.push_back({file_, line(), path_, "must be a mapping"});
}

bool SpecFields::has(std::string_view key) const { return fields_.has(key); }

YAML::Node SpecFields::node(std::string_view key) {
  seen_.emplace(key);
  if (!has(key)) return YAML::Node();
  const YAML::Node& self = node_;
  return self[std::string(key)];
}

void SpecFields::read(std::string_view key, std::string& out) {
  seen_.emplace(key);
  fields_.read(key, out);
}

void SpecFields::read(std::string_view key, bool& out) {
  seen_.emplace(key);
  fields_.read(key, out);
}

void SpecFields::read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  seen_.emplace(key);
  fields_.read(key, out, min, max);
}

void SpecFields::read(std::string_view key, std::chrono::milliseconds& out) {
  seen_.emplace(key);
  fields_.read(key, out);
}

void SpecFields::read(std::string_view key, std::vector<std::string>& out) {
  seen_.emplace(key);
  fields_.read(key, out);
}

void SpecFields::read(std::string_view key, std::map<std::string, std::string>& out) {
  seen_.emplace(key);
  fields_.read(key, out);
}

void SpecFields::read_enum(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed) {
  seen_.emplace(key);
  fields_.read_enum(key, out, allowed);
}

bool SpecFields::read_number(std::string_view key, double& out) {
  // Read as text through YamlFields so type errors read the same everywhere.
  std::string text;
  const auto before = errors_.size();
  read(key, text);
  if (errors_.size() != before || !has(key)) return false;
  double parsed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(parsed)) {
    error(key, "must be a number, got '" + text + "'");
    return false;
  }
  out = parsed;
  return true;
}

bool SpecFields::require(std::string_view key) {
  seen_.emplace(key);
  if (has(key)) return true;
  errors_.push_back({file_, line(), field_path(key), "is required"});
  return false;
}

SpecFields SpecFields::map(std::string_view key) {
  return SpecFields(node(key), field_path(key), file_, errors_);
}

void SpecFields::for_each(std::string_view key, const std::function<void(SpecFields&, std::size_t)>& each) {
  YAML::Node value = node(key);
  if (!value.IsDefined() || value.IsNull()) return;
  if (!value.IsSequence()) {
    error(key, "must be a list");
    return;
  }
  for (std::size_t index = 0; index < value.size(); ++index) {
    SpecFields item(value[index], field_path(key) + "[" + std::to_string(index) + "]", file_, errors_);
    if (!item.valid()) continue;
    each(item, index);
    item.finish();
  }
}

void SpecFields::error(std::string_view key, std::string message) { fields_.error(key, std::move(message)); }

void SpecFields::error_here(std::string message) {
  errors_.push_back({file_, line(), path_, std::move(message)});
}

void SpecFields::finish() {
  if (!present_) return;
  std::set<std::string, std::less<>> keys;
  for (const auto& entry : node_) {
    if (auto invalid = config::invalid_key_error(entry.first, path_, file_)) {
      errors_.push_back(std::move(*invalid));
      continue;
    }
    const auto key = entry.first.IsScalar() ? entry.first.Scalar() : std::string("?");
    if (!seen_.contains(key)) {
      errors_.push_back({file_, line_number(entry.first), field_path(key), "unknown key"});
    } else if (!keys.insert(key).second) {
      // yaml-cpp keeps both and lookups see the first; the second would be silently ignored.
      errors_.push_back({file_, line_number(entry.first), field_path(key), "duplicate key"});
    }
  }
}

std::string SpecFields::field_path(std::string_view key) const { return fields_.field_path(key); }

int SpecFields::line() const { return line_number(node_); }

}  // namespace aci::model
