#include "daemon/core/utf8.hpp"

namespace aci::core {

namespace {

struct Sequence {
  std::size_t length;  // bytes taken: the character, or the ill-formed part to replace
  bool valid;
};

// The sequence starting at text[at] (Unicode Table 3-7: the second byte's range depends
// on the first). An ill-formed one spans its "maximal subpart", the bytes that could
// still have begun a character, so one U+FFFD replaces them as decoders do.
Sequence next_sequence(std::string_view text, std::size_t at) noexcept {
  const auto lead = static_cast<unsigned char>(text[at]);
  if (lead < 0x80) return {1, true};
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return {1, false};
  }
  std::size_t taken = 1;
  while (taken < length && at + taken < text.size()) {
    const auto byte = static_cast<unsigned char>(text[at + taken]);
    if (byte < (taken == 1 ? low : 0x80) || byte > (taken == 1 ? high : 0xBF)) break;
    ++taken;
  }
  return {taken, taken == length};
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  for (std::size_t at = 0; at < text.size();) {
    const auto sequence = next_sequence(text, at);
    if (!sequence.valid) return false;
    at += sequence.length;
  }
  return true;
}

std::string to_valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t at = 0; at < text.size();) {
    const auto sequence = next_sequence(text, at);
    if (sequence.valid) {
      out.append(text.substr(at, sequence.length));
    } else {
      out.append("\xEF\xBF\xBD");  // U+FFFD
    }
    at += sequence.length;
  }
  return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  // Back off over continuation bytes to the start of the character that was cut.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80 && max_bytes - end < 3) --end;
  return text.substr(0, end);
}

void make_valid_utf8(nlohmann::json& value) {
  if (value.is_string()) {
    auto& text = value.get_ref<std::string&>();
    if (!is_valid_utf8(text)) text = to_valid_utf8(text);
  } else if (value.is_array()) {
    for (auto& item : value) make_valid_utf8(item);
  } else if (value.is_object()) {
    bool keys_valid = true;
    for (auto& [key, item] : value.items()) {
      keys_valid = keys_valid && is_valid_utf8(key);
      make_valid_utf8(item);
    }
    if (keys_valid) return;
    auto repaired = nlohmann::json::object();
    for (auto& [key, item] : value.items()) repaired[to_valid_utf8(key)] = std::move(item);
    value = std::move(repaired);
  }
}

std::string dump_json(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace aci::core
