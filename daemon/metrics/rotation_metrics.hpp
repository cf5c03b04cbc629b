#pragma once
// RotationMetrics: credential rotations by outcome, when each last succeeded, when its
// current password expires, whether it is degraded, and how long each step takes.
// Labels are the rotation's name and fixed step names, never a secret or a key id.
// The registry must outlive this object.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <string>
#include <string_view>

namespace aci::metrics {

// The steps of a rotation, as aci_operator_rotation_step_duration_seconds{step} names them.
enum class RotationStep { add_password, store_secret, verify, rollout, retire };

std::string_view to_string(RotationStep step);

class RotationMetrics {
 public:
  explicit RotationMetrics(prometheus::Registry& registry);
  RotationMetrics(const RotationMetrics&) = delete;
  RotationMetrics& operator=(const RotationMetrics&) = delete;

  // Creates the rotation's series at zero, so an alert sees them before the first rotation.
  void add(const std::string& rotation);
  // The rotation's spec is gone: its series go too.
  void forget(const std::string& rotation);

  // A new password is verified and every dependent group runs it.
  void succeeded(const std::string& rotation);
  // When the password every dependent group runs was created.
  void set_last_success(const std::string& rotation, std::chrono::system_clock::time_point when);
  // A rotation attempt failed (verification or roll-out); it is retried with backoff.
  void failed(const std::string& rotation);
  void set_degraded(const std::string& rotation, bool degraded);
  void set_expiry(const std::string& rotation, std::chrono::system_clock::time_point expiry);
  void observe_step(RotationStep step, std::chrono::duration<double> took);

 private:
  prometheus::Family<prometheus::Counter>& rotations_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Gauge>& expiry_;
  prometheus::Family<prometheus::Gauge>& degraded_;
  prometheus::Family<prometheus::Histogram>& steps_;
};

}  // namespace aci::metrics
