#include "emulator/seed/seed_file.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace aci::emulator {
namespace {

using nlohmann::json;

json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "?") return text;  // quoted or explicitly tagged: a string
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  long long integer = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (ec == std::errc() && end == text.data() + text.size()) return integer;
  double number = 0;
  auto [dend, dec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (dec == std::errc() && dend == text.data() + text.size()) return number;
  return text;
}

json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& pair : node) out[pair.first.as<std::string>()] = yaml_to_json(pair.second);
      return out;
    }
  }
  return nullptr;
}

}  // namespace

Expected<json, std::string> parse_seed_text(const std::string& text, bool json_only) {
  if (json_only) {
    try {
      return json::parse(text);
    } catch (const json::parse_error& error) {
      return unexpected(std::string("not valid JSON: ") + error.what());
    }
  }
  try {
    auto document = yaml_to_json(YAML::Load(text));
    if (document.is_null()) document = json::object();
    if (!document.is_object()) return unexpected(std::string("a seed document must be a mapping"));
    return document;
  } catch (const YAML::Exception& error) {
    return unexpected(std::string("not valid YAML: ") + error.what());
  }
}

Expected<json, std::string> read_seed_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected("cannot read seed file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const bool is_json = path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  auto parsed = parse_seed_text(buffer.str(), is_json);
  if (!parsed) return unexpected("seed file " + path + ": " + parsed.error());
  if (!parsed->is_object()) return unexpected("seed file " + path + ": the document must be a mapping");
  return parsed;
}

}  // namespace aci::emulator
