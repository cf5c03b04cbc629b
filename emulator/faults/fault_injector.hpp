#pragma once
// Decides, per request, which faults the emulator injects: latency, an error with
// a chosen status, a dropped connection, and ARM-style throttling from
// per-subscription token buckets (reads, writes, deletes; 250/25, 200/10, 200/10 per
// second by default). Settings come from a file or flags at start and from the admin
// API at run time, as JSON. Time comes from the injected clock; chance from the
// injected random source. Not thread-safe: used on the emulator's executor.

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "daemon/core/expected.hpp"
#include "emulator/emulator_clock.hpp"
#include "emulator/random_source.hpp"

namespace aci::emulator {

// One rule. `route` matches "*" (everything), a service ("arm", "identity", "imds",
// "graph", "keyvault", "acr"), or a route name such as "PUT containerGroups"
// (case-insensitive). `count` > 0 limits the rule to that many more matching requests.
struct RouteFault {
  std::string route = "*";
  std::chrono::milliseconds latency{0};
  double error_rate = 0;  // 0..1
  unsigned status = 500;
  std::string code;  // default derived from the status
  std::string message;
  std::chrono::seconds retry_after{0};  // sent with the error when non-zero (429 defaults to 2)
  double drop_rate = 0;                 // 0..1: close the connection without answering
  bool drop_after_handling = false;     // drop once the request has had its effect
  long count = 0;
};

struct TokenBucketSettings {
  double capacity = 0;
  double refill_per_second = 0;
};

struct ThrottleSettings {
  bool enabled = true;
  TokenBucketSettings reads{250, 25};
  TokenBucketSettings writes{200, 10};
  TokenBucketSettings deletes{200, 10};
};

struct FaultSettings {
  std::vector<RouteFault> routes;
  ThrottleSettings throttling;
};

Expected<FaultSettings, std::string> parse_fault_settings(const nlohmann::json& json);
nlohmann::json to_json(const FaultSettings& settings);

enum class OperationKind { read, write, remove };

struct FaultDecision {
  std::chrono::milliseconds latency{0};
  bool drop_before = false;
  bool drop_after = false;
  std::optional<unsigned> status;  // answer with this error instead of handling
  std::string code;
  std::string message;
  std::optional<std::chrono::seconds> retry_after;
};

struct ThrottleResult {
  bool allowed = true;
  long remaining = 0;  // whole tokens left after this request
  std::chrono::seconds retry_after{0};
};

class FaultInjector {
 public:
  FaultInjector(NowFunction now, RandomSource& random);

  void configure(FaultSettings settings);
  const FaultSettings& settings() const { return settings_; }

  // Route rules for one request; `service` and `route` as in RouteFault.
  FaultDecision decide(const std::string& service, const std::string& route);

  // Takes a token from the subscription's bucket for this kind of operation.
  ThrottleResult throttle(const std::string& subscription, OperationKind kind);

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint updated;
  };

  NowFunction now_;
  RandomSource& random_;
  FaultSettings settings_;
  std::map<std::pair<std::string, OperationKind>, Bucket> buckets_;
};

}  // namespace aci::emulator
