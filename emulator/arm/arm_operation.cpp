#include "emulator/arm/arm_operation.hpp"

#include "emulator/arm/iso_timestamp.hpp"

namespace aci::emulator::arm {

std::string ArmOperation::status(TimePoint now) const {
  if (!done(now)) return "InProgress";
  if (canceled) return "Canceled";
  return failure ? "Failed" : "Succeeded";
}

nlohmann::json ArmOperation::status_body(TimePoint now) const {
  nlohmann::json body{
      {"id", "/subscriptions/" + subscription + "/providers/Microsoft.ContainerInstance/locations/" + location +
                 "/operations/" + id},
      {"name", id},
      {"status", status(now)},
      {"startTime", iso_timestamp(started)},
  };
  if (done(now)) {
    body["endTime"] = iso_timestamp(finishes);
    if (canceled) {
      body["error"] = {{"code", "OperationCanceled"}, {"message", "The operation was canceled."}};
    } else if (failure) {
      body["error"] = failure->body().at("error");
    }
  }
  return body;
}

void ArmOperation::cancel(TimePoint now) {
  if (done(now)) return;
  canceled = true;
  finishes = now;
}

nlohmann::json ArmOperation::to_state() const {
  nlohmann::json state{
      {"id", id},
      {"subscription", subscription},
      {"location", location},
      {"kind", kind},
      {"groupKey", group_key},
      {"startedMs", to_unix_ms(started)},
      {"finishesMs", to_unix_ms(finishes)},
      {"canceled", canceled},
  };
  if (failure) {
    state["failure"] = {{"status", failure->status}, {"code", failure->code}, {"message", failure->message}};
  }
  return state;
}

ArmOperation ArmOperation::from_state(const nlohmann::json& state) {
  ArmOperation operation;
  operation.id = state.at("id").get<std::string>();
  operation.subscription = state.at("subscription").get<std::string>();
  operation.location = state.at("location").get<std::string>();
  operation.kind = state.at("kind").get<std::string>();
  operation.group_key = state.at("groupKey").get<std::string>();
  operation.started = from_unix_ms(state.at("startedMs").get<std::int64_t>());
  operation.finishes = from_unix_ms(state.at("finishesMs").get<std::int64_t>());
  operation.canceled = state.value("canceled", false);
  if (state.contains("failure")) {
    const auto& failure = state.at("failure");
    operation.failure = ArmError{failure.at("status").get<unsigned>(), failure.at("code").get<std::string>(),
                                 failure.at("message").get<std::string>()};
  }
  return operation;
}

}  // namespace aci::emulator::arm
