#include "daemon/metrics/rotation_metrics.hpp"

#include <array>

namespace aci::metrics {

namespace {

constexpr std::array kSteps{RotationStep::add_password, RotationStep::store_secret, RotationStep::verify,
                            RotationStep::rollout, RotationStep::retire};
constexpr std::array<std::string_view, 2> kResults{"success", "failure"};

double seconds_since_epoch(std::chrono::system_clock::time_point when) {
  return std::chrono::duration<double>(when.time_since_epoch()).count();
}

// Steps run from milliseconds (a Key Vault write) to many minutes (a roll-out over
// hundreds of groups).
prometheus::Histogram::BucketBoundaries step_buckets() {
  return {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600};
}

}  // namespace

std::string_view to_string(RotationStep step) {
  switch (step) {
    case RotationStep::add_password:
      return "add_password";
    case RotationStep::store_secret:
      return "store_secret";
    case RotationStep::verify:
      return "verify";
    case RotationStep::rollout:
      return "rollout";
    case RotationStep::retire:
      return "retire";
  }
  return "unknown";
}

RotationMetrics::RotationMetrics(prometheus::Registry& registry)
    : rotations_(prometheus::BuildCounter()
                     .Name("aci_operator_rotations_total")
                     .Help("Credential rotations by result: success once a verified password runs in every "
                           "dependent group, failure for each attempt that failed verification or roll-out")
                     .Register(registry)),
      last_success_(prometheus::BuildGauge()
                        .Name("aci_operator_rotation_last_success_timestamp_seconds")
                        .Help("When the rotation's current password was created, once it is verified and rolled out")
                        .Register(registry)),
      expiry_(prometheus::BuildGauge()
                  .Name("aci_operator_credential_expiry_timestamp_seconds")
                  .Help("When the rotation's current password expires")
                  .Register(registry)),
      degraded_(prometheus::BuildGauge()
                    .Name("aci_operator_rotation_degraded")
                    .Help("1 while the rotation's last attempt failed and it is retrying with backoff")
                    .Register(registry)),
      steps_(prometheus::BuildHistogram()
                 .Name("aci_operator_rotation_step_duration_seconds")
                 .Help("How long each rotation step took")
                 .Register(registry)) {
  for (const auto step : kSteps) steps_.Add({{"step", std::string(to_string(step))}}, step_buckets());
}

void RotationMetrics::add(const std::string& rotation) {
  for (const auto result : kResults) rotations_.Add({{"rotation", rotation}, {"result", std::string(result)}});
  last_success_.Add({{"rotation", rotation}});
  expiry_.Add({{"rotation", rotation}});
  degraded_.Add({{"rotation", rotation}});
}

void RotationMetrics::forget(const std::string& rotation) {
  for (const auto result : kResults) {
    rotations_.Remove(&rotations_.Add({{"rotation", rotation}, {"result", std::string(result)}}));
  }
  last_success_.Remove(&last_success_.Add({{"rotation", rotation}}));
  expiry_.Remove(&expiry_.Add({{"rotation", rotation}}));
  degraded_.Remove(&degraded_.Add({{"rotation", rotation}}));
}

void RotationMetrics::succeeded(const std::string& rotation) {
  rotations_.Add({{"rotation", rotation}, {"result", "success"}}).Increment();
}

void RotationMetrics::set_last_success(const std::string& rotation, std::chrono::system_clock::time_point when) {
  last_success_.Add({{"rotation", rotation}}).Set(seconds_since_epoch(when));
}

void RotationMetrics::failed(const std::string& rotation) {
  rotations_.Add({{"rotation", rotation}, {"result", "failure"}}).Increment();
}

void RotationMetrics::set_degraded(const std::string& rotation, bool degraded) {
  degraded_.Add({{"rotation", rotation}}).Set(degraded ? 1 : 0);
}

void RotationMetrics::set_expiry(const std::string& rotation, std::chrono::system_clock::time_point expiry) {
  expiry_.Add({{"rotation", rotation}}).Set(seconds_since_epoch(expiry));
}

void RotationMetrics::observe_step(RotationStep step, std::chrono::duration<double> took) {
  steps_.Add({{"step", std::string(to_string(step))}}, step_buckets()).Observe(took.count());
}

}  // namespace aci::metrics
