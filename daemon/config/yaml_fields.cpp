#include "daemon/config/yaml_fields.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>

#include "daemon/core/duration.hpp"
#include "daemon/core/utf8.hpp"

namespace aci::config {

namespace {

// Const lookup: yaml-cpp's non-const operator[] would add the key to the map.
YAML::Node lookup_in(const YAML::Node& node, std::string_view key) { return node[std::string(key)]; }

int line_number(const YAML::Node& node) {
  const auto mark = node.Mark();
  return mark.line >= 0 ? mark.line + 1 : 0;
}

constexpr std::string_view kNotUtf8 = "not valid UTF-8";

std::string join(std::initializer_list<std::string_view> items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + std::string(item);
  return text;
}

}  // namespace

std::optional<FieldError> invalid_key_error(const YAML::Node& key, const std::string& path, const std::string& file) {
  if (!key.IsScalar() || core::is_valid_utf8(key.Scalar())) return std::nullopt;
  const auto shown = core::to_valid_utf8(key.Scalar());
  return FieldError{file, line_number(key), path.empty() ? shown : path + "." + shown, std::string(kNotUtf8)};
}

std::string FieldError::to_string() const {
  std::string text = file;
  if (line > 0) text += ":" + std::to_string(line);
  text += ": ";
  if (!field.empty()) text += field + ": ";
  return text + message;
}

YamlFields::YamlFields(const YAML::Node& node, std::string path, std::string file,
                       std::vector<FieldError>& errors)
    : node_(node), path_(std::move(path)), file_(std::move(file)), errors_(errors) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    errors_.push_back({file_, line_number(node_), path_, "must be a mapping"});
    node_ = YAML::Node(YAML::NodeType::Map);
  }
}

std::string YamlFields::field_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool YamlFields::has(std::string_view key) const {
  return node_.IsMap() && lookup_in(node_, key).IsDefined();
}

int YamlFields::line_of(std::string_view key) const {
  if (!node_.IsMap()) return line_number(node_);
  for (const auto& entry : node_) {
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return line_number(entry.first);
  }
  return line_number(node_);
}

void YamlFields::error(std::string_view key, std::string message) {
  errors_.push_back({file_, line_of(key), field_path(key), std::move(message)});
}

void YamlFields::require(std::string_view key) {
  seen_.emplace(key);
  if (!has(key)) errors_.push_back({file_, line_number(node_), field_path(key), "is required"});
}

std::optional<YAML::Node> YamlFields::scalar(std::string_view key) {
  seen_.emplace(key);
  if (!has(key)) return std::nullopt;
  YAML::Node value = lookup_in(node_, key);
  if (value.IsNull()) {
    error(key, "must have a value");
    return std::nullopt;
  }
  if (!value.IsScalar()) {
    error(key, "must be a single value, not a " + std::string(value.IsMap() ? "mapping" : "list"));
    return std::nullopt;
  }
  // Files may hold any bytes; what is read from them ends up in JSON, logs and Azure.
  if (!core::is_valid_utf8(value.Scalar())) {
    error(key, std::string(kNotUtf8));
    return std::nullopt;
  }
  return value;
}

void YamlFields::read(std::string_view key, std::string& out) {
  if (auto value = scalar(key)) out = value->Scalar();
}

void YamlFields::read_path(std::string_view key, std::string& out) {
  auto value = scalar(key);
  if (!value) return;
  out = value->Scalar();
  if (out.empty() || std::filesystem::path(out).is_absolute()) return;
  const auto base = std::filesystem::path(file_).parent_path();
  if (!base.empty()) out = (base / out).lexically_normal().string();
}

void YamlFields::read(std::string_view key, bool& out) {
  auto value = scalar(key);
  if (!value) return;
  const auto& text = value->Scalar();
  if (text == "true") {
    out = true;
  } else if (text == "false") {
    out = false;
  } else {
    error(key, "must be true or false, got '" + text + "'");
  }
}

void YamlFields::read(std::string_view key, double& out, double min, double max) {
  auto value = scalar(key);
  if (!value) return;
  const auto& text = value->Scalar();
  double parsed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(parsed)) {
    error(key, "must be a number, got '" + text + "'");
  } else if (parsed < min || parsed > max) {
    error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text);
  } else {
    out = parsed;
  }
}

void YamlFields::read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max) {
  auto value = scalar(key);
  if (!value) return;
  const auto& text = value->Scalar();
  std::int64_t parsed = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc() || end != text.data() + text.size()) {
    error(key, "must be a whole number, got '" + text + "'");
  } else if (parsed < min || parsed > max) {
    error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text);
  } else {
    out = parsed;
  }
}

void YamlFields::read(std::string_view key, std::uint16_t& out, std::uint16_t min, std::uint16_t max) {
  std::int64_t wide = out;
  read(key, wide, min, max);
  out = static_cast<std::uint16_t>(wide);
}

void YamlFields::read(std::string_view key, std::chrono::milliseconds& out) {
  auto value = scalar(key);
  if (!value) return;
  const auto& text = value->Scalar();
  if (auto parsed = parse_duration(text)) {
    out = *parsed;
  } else {
    error(key, "must be a duration such as 500ms, 30s, 5m or 720h, got '" + text + "'");
  }
}

void YamlFields::read(std::string_view key, std::vector<std::string>& out) {
  seen_.emplace(key);
  if (!has(key)) return;
  YAML::Node value = lookup_in(node_, key);
  if (!value.IsSequence()) {
    error(key, "must be a list");
    return;
  }
  std::vector<std::string> items;
  for (const auto& item : value) {
    if (!item.IsScalar()) {
      error(key, "every item must be a single value");
      return;
    }
    if (!core::is_valid_utf8(item.Scalar())) {
      errors_.push_back({file_, line_number(item), field_path(key) + "[" + std::to_string(items.size()) + "]",
                         std::string(kNotUtf8)});
      return;
    }
    items.push_back(item.Scalar());
  }
  out = std::move(items);
}

void YamlFields::read(std::string_view key, std::map<std::string, std::string>& out) {
  seen_.emplace(key);
  if (!has(key)) return;
  YAML::Node value = lookup_in(node_, key);
  if (value.IsNull()) return;
  if (!value.IsMap()) {
    error(key, "must be a mapping of names to values");
    return;
  }
  std::map<std::string, std::string> items;
  for (const auto& entry : value) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar()) {
      error(key, "every entry must map a name to a single value");
      return;
    }
    if (auto invalid = invalid_key_error(entry.first, field_path(key), file_)) {
      errors_.push_back(std::move(*invalid));
      return;
    }
    if (!core::is_valid_utf8(entry.second.Scalar())) {
      errors_.push_back({file_, line_number(entry.second), field_path(key) + "." + entry.first.Scalar(),
                         std::string(kNotUtf8)});
      return;
    }
    items[entry.first.Scalar()] = entry.second.Scalar();
  }
  out = std::move(items);
}

void YamlFields::read_enum(std::string_view key, std::string& out,
                           std::initializer_list<std::string_view> allowed) {
  auto value = scalar(key);
  if (!value) return;
  const auto& text = value->Scalar();
  for (const auto& option : allowed) {
    if (text == option) {
      out = text;
      return;
    }
  }
  error(key, "must be one of " + join(allowed) + ", got '" + text + "'");
}

YamlFields YamlFields::map(std::string_view key) {
  seen_.emplace(key);
  YAML::Node child = has(key) ? lookup_in(node_, key) : YAML::Node();
  return YamlFields(child, field_path(key), file_, errors_);
}

void YamlFields::for_each(std::string_view key, const std::function<void(YamlFields&, std::size_t)>& each) {
  seen_.emplace(key);
  if (!has(key)) return;
  YAML::Node value = lookup_in(node_, key);
  if (!value.IsSequence()) {
    error(key, "must be a list");
    return;
  }
  for (std::size_t index = 0; index < value.size(); ++index) {
    YamlFields item(value[index], field_path(key) + "[" + std::to_string(index) + "]", file_, errors_);
    each(item, index);
    item.finish();
  }
}

void YamlFields::finish() {
  if (!node_.IsMap()) return;
  for (const auto& entry : node_) {
    if (auto invalid = invalid_key_error(entry.first, path_, file_)) {
      errors_.push_back(std::move(*invalid));
      continue;
    }
    const auto key = entry.first.IsScalar() ? entry.first.Scalar() : std::string("?");
    if (!seen_.contains(key)) {
      errors_.push_back({file_, line_number(entry.first), field_path(key), "unknown key"});
    }
  }
}

}  // namespace aci::config
