#include "daemon/kube/informer.hpp"

#include <boost/beast/http/verb.hpp>
#include <random>

#include "daemon/core/backoff.hpp"
#include "daemon/core/json_text.hpp"
#include "daemon/core/utf8.hpp"
#include "daemon/http/url_encoding.hpp"

namespace aci::kube {

using nlohmann::json;

namespace {

constexpr std::size_t kPageSize = 500;
// client-go's reflector: watches end after 5-10 min, so load spreads over the API servers.
constexpr int kMinWatchSeconds = 300;
// A watch quiet for longer than its own timeout plus this has lost its server.
constexpr auto kWatchSilenceMargin = std::chrono::seconds(30);
// A watch ended this soon without an event is a failure, not a timeout (client-go).
constexpr auto kShortWatch = std::chrono::seconds(1);

std::string with_query(const std::string& collection, const std::string& query) {
  return collection + (collection.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

std::string namespaced_name(const json& object) {
  const auto namespace_ = core::text_at(object, "/metadata/namespace");
  const auto name = core::text_at(object, "/metadata/name");
  return namespace_.empty() ? name : namespace_ + "/" + name;
}

Informer::Informer(boost::asio::any_io_executor executor, KubeClient& client, InformerOptions options,
                   const core::Clock& clock, log::Logger logger, metrics::KubeMetrics* metrics,
                   InformerHandlers handlers)
    : executor_(std::move(executor)),
      client_(client),
      options_(std::move(options)),
      clock_(clock),
      logger_(std::move(logger)),
      metrics_(metrics),
      handlers_(std::move(handlers)),
      random_(core::make_uniform_random(std::random_device{}())) {}

Informer::~Informer() { stop(); }

void Informer::start() {
  *running_ = true;
  loop_ = core::spawn_supervised(executor_, "watch_" + options_.kind, [this] { return run(running_); });
}

void Informer::stop() {
  *running_ = false;
  loop_.cancel();
  if (open_stream_ != nullptr) open_stream_->cancel();
}

const json* Informer::find(const std::string& key) const {
  const auto found = objects_.find(key);
  return found == objects_.end() ? nullptr : &found->second;
}

boost::asio::awaitable<void> Informer::run(std::shared_ptr<bool> running) {
  core::Backoff backoff(core::BackoffOptions{.base = std::chrono::milliseconds(800), .cap = std::chrono::seconds(30)},
                        random_);
  std::string resource_version;
  bool must_list = true;
  while (*running) {
    if (must_list) {
      auto listed = co_await list();
      if (!*running) co_return;
      if (!listed) {
        const auto delay = backoff.next();
        logger_.warn("cannot list; retrying", {{"kind", options_.kind}, {"error", listed.error().to_string()},
                                               {"retry_in_ms", delay.count()}});
        co_await clock_.sleep_for(executor_, delay);
        continue;
      }
      resource_version = std::move(*listed);
      must_list = false;
      if (!synced_) {
        synced_ = true;
        logger_.info("listed", {{"kind", options_.kind}, {"objects", objects_.size()}});
        if (handlers_.synced) handlers_.synced();
      }
    }
    const auto started = clock_.steady_now();
    const auto end = co_await watch(resource_version, running);
    if (!*running) co_return;
    switch (end) {
      case WatchEnd::expired:
        if (metrics_ != nullptr) metrics_->watch_restarted(options_.kind, "expired");
        logger_.info("watch expired (410); listing again", {{"kind", options_.kind}});
        must_list = true;
        break;
      case WatchEnd::closed:
        if (metrics_ != nullptr) metrics_->watch_restarted(options_.kind, "closed");
        if (clock_.steady_now() - started >= kShortWatch) {
          backoff.reset();
          break;
        }
        [[fallthrough]];
      case WatchEnd::failed: {
        if (metrics_ != nullptr && end == WatchEnd::failed) metrics_->watch_restarted(options_.kind, "error");
        // The server is probably restarting: resume the watch, do not list again.
        co_await clock_.sleep_for(executor_, backoff.next());
        break;
      }
    }
  }
}

boost::asio::awaitable<Expected<std::string, KubeError>> Informer::list() {
  std::map<std::string, json> listed;
  std::string continue_token;
  std::string resource_version;
  do {
    std::string query = "limit=" + std::to_string(kPageSize);
    if (!options_.label_selector.empty()) query += "&labelSelector=" + http::percent_encode(options_.label_selector);
    if (!continue_token.empty()) query += "&continue=" + http::percent_encode(continue_token);
    KubeRequest get{boost::beast::http::verb::get, with_query(options_.collection, query)};
    auto page = co_await client_.request(std::move(get));
    if (!page) co_return unexpected(std::move(page.error()));
    if (!page->is_object() || !page->contains("items") || !(*page)["items"].is_array())
      co_return unexpected(KubeError{200, "", "the list answer has no items"});
    for (auto& item : (*page)["items"]) {
      auto key = namespaced_name(item);
      if (!key.empty()) listed[key] = std::move(item);
    }
    continue_token = core::text_at(*page, "/metadata/continue");
    if (resource_version.empty()) resource_version = core::text_at(*page, "/metadata/resourceVersion");
  } while (!continue_token.empty());
  replace(std::move(listed));
  co_return resource_version;
}

void Informer::replace(std::map<std::string, json>&& listed) {
  // Gone while we were not watching.
  for (auto it = objects_.begin(); it != objects_.end();) {
    if (listed.contains(it->first)) {
      ++it;
      continue;
    }
    auto last = std::move(it->second);
    it = objects_.erase(it);
    if (handlers_.removed) handlers_.removed(last);
  }
  for (auto& [key, object] : listed) {
    const auto known = objects_.find(key);
    if (known != objects_.end() && core::text_at(known->second, "/metadata/resourceVersion") ==
                                       core::text_at(object, "/metadata/resourceVersion"))
      continue;  // unchanged: no event
    objects_[key] = std::move(object);
    if (handlers_.changed) handlers_.changed(objects_[key]);
  }
}

void Informer::apply(const std::string& type, json object) {
  const auto key = namespaced_name(object);
  if (key.empty()) return;
  if (type == "DELETED") {
    objects_.erase(key);
    if (handlers_.removed) handlers_.removed(object);
    return;
  }
  auto& slot = objects_[key];
  slot = std::move(object);
  if (handlers_.changed) handlers_.changed(slot);
}

boost::asio::awaitable<Informer::WatchEnd> Informer::watch(std::string& resource_version,
                                                           std::shared_ptr<bool> running) {
  const int timeout_seconds = kMinWatchSeconds + static_cast<int>(random_() * kMinWatchSeconds);
  std::string query = "watch=1&allowWatchBookmarks=true&timeoutSeconds=" + std::to_string(timeout_seconds) +
                      "&resourceVersion=" + http::percent_encode(resource_version);
  if (!options_.label_selector.empty()) query += "&labelSelector=" + http::percent_encode(options_.label_selector);
  KubeRequest watch{boost::beast::http::verb::get, with_query(options_.collection, query)};
  auto opened = co_await client_.watch(std::move(watch));
  if (!*running) co_return WatchEnd::closed;
  if (!opened) {
    if (opened.error().expired()) co_return WatchEnd::expired;
    logger_.warn("cannot watch; retrying", {{"kind", options_.kind}, {"error", opened.error().to_string()}});
    co_return WatchEnd::failed;
  }
  auto stream = std::move(*opened);
  open_stream_ = stream.get();
  const auto silence = std::chrono::seconds(timeout_seconds) + kWatchSilenceMargin;
  WatchEnd end = WatchEnd::closed;
  while (*running) {
    auto line = co_await stream->next_line(std::chrono::duration_cast<std::chrono::milliseconds>(silence));
    if (!*running) break;
    if (!line) {
      logger_.info("watch broke; resuming", {{"kind", options_.kind}, {"error", line.error().message}});
      end = WatchEnd::failed;
      break;
    }
    if (!*line) break;  // the server ended the watch (timeoutSeconds)
    if ((*line)->empty()) continue;
    auto event = json::parse(**line, nullptr, false);
    if (!event.is_object() || !event.contains("type") || !event["type"].is_string() || !event.contains("object")) {
      logger_.warn("ignoring a watch event that is not one", {{"kind", options_.kind}});
      continue;
    }
    const auto type = event["type"].get<std::string>();
    if (type == "ERROR") {
      const auto error = error_from_status(0, event["object"]);
      if (error.expired()) {
        end = WatchEnd::expired;
      } else {
        logger_.warn("watch error; resuming", {{"kind", options_.kind}, {"error", error.to_string()}});
        end = WatchEnd::failed;
      }
      break;
    }
    if (auto version = core::text_at(event["object"], "/metadata/resourceVersion"); !version.empty())
      resource_version = std::move(version);
    if (type == "BOOKMARK") continue;
    if (type == "ADDED" || type == "MODIFIED" || type == "DELETED") apply(type, std::move(event["object"]));
  }
  open_stream_ = nullptr;
  co_return end;
}

}  // namespace aci::kube
