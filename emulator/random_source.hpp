#pragma once
// The emulator's one source of randomness (GUIDs, password text, request ids).
// Seeded by main from the OS and by tests with a fixed value, so tests are
// reproducible. Not thread-safe: it lives on the emulator's single executor.

#include <cstdint>
#include <random>
#include <string>

namespace aci::emulator {

class RandomSource {
 public:
  explicit RandomSource(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }

  // A version-4 GUID in lower case, as Azure prints ids.
  std::string guid() {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 32; ++i) {
      if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
      unsigned nibble = static_cast<unsigned>(engine_() & 0xF);
      if (i == 12) nibble = 4;
      if (i == 16) nibble = 8 | (nibble & 3);
      out += hex[nibble];
    }
    return out;
  }

  // Password text in the shape Entra gives client secrets ("abc8Q~" followed by the rest).
  std::string secret_text(std::size_t length = 40) {
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~";
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < length; ++i) {
      if (i == 3) {
        out += "8Q~";
        i += 2;
        continue;
      }
      out += alphabet[engine_() % (sizeof(alphabet) - 1)];
    }
    return out;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace aci::emulator
