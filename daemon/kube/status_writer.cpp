#include "daemon/kube/status_writer.hpp"

#include <boost/beast/http/verb.hpp>
#include <cstdio>

#include "daemon/core/iso8601.hpp"
#include "daemon/core/json_text.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/core/utf8.hpp"
#include "daemon/kube/custom_resources.hpp"

namespace aci::kube {

using nlohmann::json;
namespace http = boost::beast::http;

namespace {

constexpr int kStatusAttempts = 3;
constexpr auto kSeriesWindow = std::chrono::minutes(10);
// client-go's EventSourceObjectSpamFilter: a burst of 25, then one per 5 minutes.
constexpr double kEventBurst = 25;
constexpr auto kEventRefill = std::chrono::minutes(5);
constexpr std::size_t kNoteLimit = 1024;  // events.k8s.io/v1 refuses a longer note

// metav1.MicroTime: exactly six fractional digits.
std::string micro_time(core::WallTime time) {
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(time);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time - seconds).count();
  auto text = core::format_iso8601(seconds);  // "...:SSZ"
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%06d", static_cast<int>(micros % 1000000));
  text.insert(text.size() - 1, fraction);
  return text;
}

}  // namespace

json subresource_status(const json& status) {
  auto result = status;
  result.erase("kind");
  result.erase("name");
  return result;
}

StatusWriter::StatusWriter(boost::asio::any_io_executor executor, KubeClient& client, ObjectLookup lookup,
                           const core::Clock& clock, log::Logger logger, std::string instance)
    : executor_(std::move(executor)),
      client_(client),
      lookup_(std::move(lookup)),
      clock_(clock),
      logger_(std::move(logger)),
      instance_(std::move(instance)) {}

StatusWriter::~StatusWriter() { *alive_ = false; }

void StatusWriter::publish(const std::string& key, const json* status) {
  if (status == nullptr) {
    wanted_.erase(key);  // gone, or released: nothing to write
    budgets_.erase(key);
    return;
  }
  wanted_[key] = subresource_status(*status);
  if (writing_.insert(key).second) {
    core::spawn_once(executor_, "status_write", [this, key] { return write_status(key); });
  }
}

boost::asio::awaitable<void> StatusWriter::write_status(std::string key) {
  const auto alive = alive_;
  const auto ref = parse_key(key);
  json current;  // null: take the informer's copy
  for (int attempt = 1; ref && attempt <= kStatusAttempts; ++attempt) {
    const auto wanted = wanted_.find(key);
    if (wanted == wanted_.end()) break;
    if (current.is_null()) {
      const auto* cached = lookup_(key);
      if (cached == nullptr) break;
      current = *cached;
    }
    if (current.value("status", json::object()) == wanted->second) break;  // nothing changed
    auto body = current;
    body["status"] = wanted->second;
    ++status_writes_;
    KubeRequest put{http::verb::put, object_path(*ref) + "/status", std::move(body)};
    auto written = co_await client_.request(std::move(put));
    if (!*alive) co_return;
    if (written) {
      // Another change may have come while this one was on its way.
      current = std::move(*written);
      attempt = 0;
      continue;
    }
    if (written.error().not_found()) break;
    if (!written.error().conflict()) {
      logger_.warn("cannot write status", {{"key", key}, {"error", written.error().to_string()}});
      break;
    }
    KubeRequest get{http::verb::get, object_path(*ref)};
    auto fresh = co_await client_.request(std::move(get));
    if (!*alive) co_return;
    if (!fresh) break;
    current = std::move(*fresh);
  }
  writing_.erase(key);
}

bool StatusWriter::take_event_budget(const std::string& key) {
  const auto now = clock_.steady_now();
  auto [budget, inserted] = budgets_.try_emplace(key, Budget{kEventBurst, now});
  auto& state = budget->second;
  if (!inserted) {
    state.tokens = std::min(kEventBurst, state.tokens + std::chrono::duration<double>(now - state.refreshed) /
                                                            std::chrono::duration<double>(kEventRefill));
    state.refreshed = now;
  }
  if (state.tokens < 1) return false;
  state.tokens -= 1;
  return true;
}

void StatusWriter::event(const std::string& key, status::EventType type, std::string_view reason,
                         std::string_view action, const std::string& message) {
  const auto ref = parse_key(key);
  const auto* object = lookup_(key);
  if (!ref || object == nullptr) return;
  if (!take_event_budget(key)) {
    logger_.debug("event dropped by the rate limit", {{"key", key}, {"reason", std::string(reason)}});
    return;
  }
  const auto now = clock_.now();
  const auto note = std::string(core::utf8_prefix(message, kNoteLimit));
  const auto fold_key = key + "\n" + std::string(reason) + "\n" + note;
  if (const auto series = series_.find(fold_key);
      series != series_.end() && clock_.steady_now() - series->second.first < kSeriesWindow) {
    ++series->second.count;
    json patch = {{"series", {{"count", series->second.count}, {"lastObservedTime", micro_time(now)}}}};
    core::spawn_once(executor_, "event", [this, key, patch, fold_key]() mutable {
      return send_event(key, std::move(patch), fold_key);
    });
    return;
  }
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, ".%llx", static_cast<unsigned long long>(nanos));
  const auto name = ref->name + suffix;
  // A series past its window is never folded into again: forget it, or every message
  // the daemon ever sent would stay in memory.
  std::erase_if(series_, [&](const auto& entry) { return clock_.steady_now() - entry.second.first >= kSeriesWindow; });
  series_[fold_key] = Series{name, ref->namespace_, 1, clock_.steady_now()};
  json body = {{"apiVersion", "events.k8s.io/v1"},
               {"kind", "Event"},
               {"metadata", {{"name", name}, {"namespace", ref->namespace_}}},
               {"eventTime", micro_time(now)},
               {"reportingController", "aci-operator"},
               {"reportingInstance", instance_},
               {"action", std::string(action)},
               {"reason", std::string(reason)},
               {"type", type == status::EventType::warning ? "Warning" : "Normal"},
               {"note", note},
               {"regarding",
                {{"apiVersion", "acioperator.io/v1alpha1"},
                 {"kind", ref->kind},
                 {"namespace", ref->namespace_},
                 {"name", ref->name},
                 {"uid", core::text_at(*object, "/metadata/uid")},
                 {"resourceVersion", core::text_at(*object, "/metadata/resourceVersion")}}}};
  core::spawn_once(executor_, "event", [this, key, body, fold_key]() mutable {
    return send_event(key, std::move(body), fold_key);
  });
}

boost::asio::awaitable<void> StatusWriter::send_event(std::string key, json body, std::string fold_key) {
  const auto alive = alive_;
  const auto series = series_.find(fold_key);
  if (series == series_.end()) co_return;
  const std::string collection = "/apis/events.k8s.io/v1/namespaces/" + series->second.namespace_ + "/events";
  KubeRequest send;
  if (body.contains("series")) {
    send = KubeRequest{http::verb::patch, collection + "/" + series->second.name, std::move(body),
                       "application/merge-patch+json"};
  } else {
    send = KubeRequest{http::verb::post, collection, std::move(body)};
  }
  auto sent = co_await client_.request(std::move(send));
  if (!*alive) co_return;
  if (!sent) logger_.warn("cannot write an event", {{"key", key}, {"error", sent.error().to_string()}});
}

}  // namespace aci::kube
