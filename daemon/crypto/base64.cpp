#include "daemon/crypto/base64.hpp"

#include <array>
#include <cstdint>

namespace aci::crypto {

namespace {

constexpr std::string_view kStandardAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr int kInvalid = -1;

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                                (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                                std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    out += alphabet[(group >> 18) & 0x3f];
    out += alphabet[(group >> 12) & 0x3f];
    out += alphabet[(group >> 6) & 0x3f];
    out += alphabet[group & 0x3f];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  std::uint32_t group = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
  if (rest == 2) group |= std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
  out += alphabet[(group >> 18) & 0x3f];
  out += alphabet[(group >> 12) & 0x3f];
  if (rest == 2) out += alphabet[(group >> 6) & 0x3f];
  if (pad) out.append(rest == 1 ? 2 : 1, '=');
  return out;
}

constexpr std::array<int, 256> reverse_table(std::string_view alphabet) {
  std::array<int, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
  return table;
}

constexpr auto kStandardTable = reverse_table(kStandardAlphabet);
constexpr auto kUrlTable = reverse_table(kUrlAlphabet);

// Decodes unpadded text; a length of 1 mod 4 cannot come from any input.
std::optional<std::string> decode_unpadded(std::string_view text, const std::array<int, 256>& table) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t group = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = table[static_cast<unsigned char>(c)];
    if (value == kInvalid) return std::nullopt;
    group = (group << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((group >> bits) & 0xff);
    }
  }
  return out;
}

std::string_view strip_padding(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return text;
}

}  // namespace

std::string base64_encode(std::string_view bytes) { return encode(bytes, kStandardAlphabet, true); }

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  const std::string_view unpadded = strip_padding(text);
  if (text.size() - unpadded.size() > 2) return std::nullopt;
  return decode_unpadded(unpadded, kStandardTable);
}

std::string base64url_encode(std::string_view bytes) { return encode(bytes, kUrlAlphabet, false); }

std::optional<std::string> base64url_decode(std::string_view text) {
  return decode_unpadded(strip_padding(text), kUrlTable);
}

}  // namespace aci::crypto
