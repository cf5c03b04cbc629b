#include "daemon/core/test_fault.hpp"

#include <atomic>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

namespace aci::core {

namespace {

class Faults {
 public:
  Faults() {
    if (const char* spec = std::getenv("ACI_OPERATOR_TEST_THROW"); spec != nullptr) arm(spec);
  }

  void arm(std::string_view spec) {
    const std::lock_guard lock(mutex_);
    remaining_.clear();
    while (!spec.empty()) {
      const auto comma = spec.find(',');
      const auto item = spec.substr(0, comma);
      spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
      const auto colon = item.find(':');
      const auto name = item.substr(0, colon);
      std::uint32_t count = 1;
      if (colon != std::string_view::npos) {
        const auto text = item.substr(colon + 1);
        if (std::from_chars(text.data(), text.data() + text.size(), count).ec != std::errc()) count = 1;
      }
      if (!name.empty() && count > 0) remaining_[std::string(name)] = count;
    }
    armed_ = !remaining_.empty();
  }

  void hit(std::string_view point) {
    // Unarmed, as in production, this is one relaxed load.
    if (!armed_.load(std::memory_order_relaxed)) return;
    const std::lock_guard lock(mutex_);
    const auto found = remaining_.find(point);
    if (found == remaining_.end()) return;
    if (--found->second == 0) remaining_.erase(found);
    armed_ = !remaining_.empty();
    throw std::runtime_error("test fault injected into '" + std::string(point) + "' (ACI_OPERATOR_TEST_THROW)");
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::uint32_t, std::less<>> remaining_;
  std::atomic<bool> armed_{false};
};

Faults& faults() {
  static Faults instance;
  return instance;
}

}  // namespace

void test_fault_point(std::string_view point) { faults().hit(point); }

void arm_test_faults(std::string_view spec) { faults().arm(spec); }

}  // namespace aci::core
