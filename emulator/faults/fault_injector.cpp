#include "emulator/faults/fault_injector.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace aci::emulator {
namespace {

using nlohmann::json;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string default_code(unsigned status) {
  switch (status) {
    case 400: return "BadRequest";
    case 401: return "AuthenticationFailed";
    case 403: return "AuthorizationFailed";
    case 404: return "NotFound";
    case 409: return "Conflict";
    case 429: return "TooManyRequests";
    case 500: return "InternalServerError";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    default: return "InjectedFault";
  }
}

bool matches(const std::string& pattern, const std::string& service, const std::string& route) {
  if (pattern == "*") return true;
  const auto p = lower(pattern);
  if (p.find(' ') != std::string::npos) return p == lower(route);
  return p == lower(service);
}

Expected<TokenBucketSettings, std::string> parse_bucket(const json& j, TokenBucketSettings fallback, const char* name) {
  if (j.is_null()) return fallback;
  if (!j.is_object()) return unexpected(std::string("throttling.") + name + " must be an object");
  TokenBucketSettings out = fallback;
  if (j.contains("capacity")) {
    if (!j["capacity"].is_number() || j["capacity"].get<double>() < 0)
      return unexpected(std::string("throttling.") + name + ".capacity must be a non-negative number");
    out.capacity = j["capacity"].get<double>();
  }
  if (j.contains("refillPerSecond")) {
    if (!j["refillPerSecond"].is_number() || j["refillPerSecond"].get<double>() < 0)
      return unexpected(std::string("throttling.") + name + ".refillPerSecond must be a non-negative number");
    out.refill_per_second = j["refillPerSecond"].get<double>();
  }
  return out;
}

}  // namespace

Expected<FaultSettings, std::string> parse_fault_settings(const json& j) {
  FaultSettings out;
  if (j.is_null()) return out;
  if (!j.is_object()) return unexpected(std::string("fault settings must be a JSON object"));
  const auto routes = j.value("routes", json::array());
  if (!routes.is_array()) return unexpected(std::string("'routes' must be an array"));
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const auto& r = routes[i];
    const std::string where = "routes[" + std::to_string(i) + "]";
    if (!r.is_object()) return unexpected(where + " must be an object");
    RouteFault fault;
    try {
      fault.route = r.value("route", std::string("*"));
      fault.latency = std::chrono::milliseconds(r.value("latencyMs", 0L));
      fault.error_rate = r.value("errorRate", 0.0);
      fault.status = r.value("status", 500u);
      fault.code = r.value("code", std::string());
      fault.message = r.value("message", std::string());
      fault.retry_after = std::chrono::seconds(r.value("retryAfter", 0L));
      fault.drop_rate = r.value("dropRate", 0.0);
      fault.drop_after_handling = r.value("dropAfterHandling", false);
      fault.count = r.value("count", 0L);
    } catch (const json::exception&) {
      return unexpected(where + " has a field of the wrong type");
    }
    if (fault.route.empty()) return unexpected(where + ".route must not be empty");
    if (fault.latency.count() < 0 || fault.latency > std::chrono::minutes(10))
      return unexpected(where + ".latencyMs must be between 0 and 600000");
    if (fault.error_rate < 0 || fault.error_rate > 1 || fault.drop_rate < 0 || fault.drop_rate > 1)
      return unexpected(where + ": errorRate and dropRate must be between 0 and 1");
    if (fault.status < 400 || fault.status > 599) return unexpected(where + ".status must be a 4xx or 5xx code");
    if (fault.retry_after.count() < 0 || fault.count < 0)
      return unexpected(where + ": retryAfter and count must not be negative");
    out.routes.push_back(std::move(fault));
  }
  if (j.contains("throttling")) {
    const auto& t = j["throttling"];
    if (!t.is_object()) return unexpected(std::string("'throttling' must be an object"));
    if (t.contains("enabled")) {
      if (!t["enabled"].is_boolean()) return unexpected(std::string("throttling.enabled must be a boolean"));
      out.throttling.enabled = t["enabled"].get<bool>();
    }
    auto reads = parse_bucket(t.value("reads", json()), out.throttling.reads, "reads");
    if (!reads) return unexpected(reads.error());
    auto writes = parse_bucket(t.value("writes", json()), out.throttling.writes, "writes");
    if (!writes) return unexpected(writes.error());
    auto deletes = parse_bucket(t.value("deletes", json()), out.throttling.deletes, "deletes");
    if (!deletes) return unexpected(deletes.error());
    out.throttling.reads = *reads;
    out.throttling.writes = *writes;
    out.throttling.deletes = *deletes;
  }
  return out;
}

json to_json(const FaultSettings& settings) {
  json routes = json::array();
  for (const auto& r : settings.routes) {
    routes.push_back({{"route", r.route},
                      {"latencyMs", r.latency.count()},
                      {"errorRate", r.error_rate},
                      {"status", r.status},
                      {"code", r.code},
                      {"message", r.message},
                      {"retryAfter", r.retry_after.count()},
                      {"dropRate", r.drop_rate},
                      {"dropAfterHandling", r.drop_after_handling},
                      {"count", r.count}});
  }
  auto bucket = [](const TokenBucketSettings& b) {
    return json{{"capacity", b.capacity}, {"refillPerSecond", b.refill_per_second}};
  };
  return {{"routes", routes},
          {"throttling",
           {{"enabled", settings.throttling.enabled},
            {"reads", bucket(settings.throttling.reads)},
            {"writes", bucket(settings.throttling.writes)},
            {"deletes", bucket(settings.throttling.deletes)}}}};
}

FaultInjector::FaultInjector(NowFunction now, RandomSource& random) : now_(std::move(now)), random_(random) {}

void FaultInjector::configure(FaultSettings settings) {
  settings_ = std::move(settings);
  buckets_.clear();  // new shapes start full
}

FaultDecision FaultInjector::decide(const std::string& service, const std::string& route) {
  FaultDecision decision;
  auto chance = [this](double rate) {
    if (rate >= 1) return true;
    if (rate <= 0) return false;
    return static_cast<double>(random_.next() % 1000000) / 1000000.0 < rate;
  };
  for (auto it = settings_.routes.begin(); it != settings_.routes.end();) {
    auto& rule = *it;
    if (!matches(rule.route, service, route)) {
      ++it;
      continue;
    }
    bool applied = false;
    if (rule.latency.count() > 0) {
      decision.latency += rule.latency;
      applied = true;
    }
    if (!decision.status && !decision.drop_before && !decision.drop_after && chance(rule.drop_rate)) {
      (rule.drop_after_handling ? decision.drop_after : decision.drop_before) = true;
      applied = true;
    }
    if (!decision.status && !decision.drop_before && chance(rule.error_rate)) {
      decision.status = rule.status;
      decision.code = rule.code.empty() ? default_code(rule.status) : rule.code;
      decision.message = rule.message.empty() ? "Injected fault: " + decision.code + " on " + route + "." : rule.message;
      if (rule.retry_after.count() > 0) {
        decision.retry_after = rule.retry_after;
      } else if (rule.status == 429 || rule.status == 503) {
        decision.retry_after = std::chrono::seconds(2);
      }
      applied = true;
    }
    if (applied && rule.count > 0 && --rule.count == 0) {
      it = settings_.routes.erase(it);
      continue;
    }
    ++it;
  }
  return decision;
}

ThrottleResult FaultInjector::throttle(const std::string& subscription, OperationKind kind) {
  const auto& shape = kind == OperationKind::read    ? settings_.throttling.reads
                      : kind == OperationKind::write ? settings_.throttling.writes
                                                     : settings_.throttling.deletes;
  const auto now = now_();
  auto [it, inserted] = buckets_.try_emplace({lower(subscription), kind}, Bucket{shape.capacity, now});
  Bucket& bucket = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    if (elapsed > 0) bucket.tokens = std::min(shape.capacity, bucket.tokens + elapsed * shape.refill_per_second);
    bucket.updated = now;
  }
  ThrottleResult result;
  if (!settings_.throttling.enabled) {
    result.remaining = static_cast<long>(std::floor(bucket.tokens));
    return result;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    result.remaining = static_cast<long>(std::floor(bucket.tokens));
    return result;
  }
  result.allowed = false;
  result.remaining = 0;
  const double wait = shape.refill_per_second > 0 ? (1 - bucket.tokens) / shape.refill_per_second : 60;
  result.retry_after = std::chrono::seconds(std::max<long>(1, static_cast<long>(std::ceil(wait))));
  return result;
}

}  // namespace aci::emulator
