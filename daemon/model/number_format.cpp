#include "daemon/model/number_format.hpp"

#include <array>
#include <charconv>

namespace aci::model {

std::string format_number(double value) {
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc()) return std::to_string(value);
  return {buffer.data(), end};
}

}  // namespace aci::model
