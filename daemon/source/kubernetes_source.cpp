#include "daemon/source/kubernetes_source.hpp"

#include <algorithm>
#include <boost/beast/http/verb.hpp>

#include "daemon/core/json_text.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/core/utf8.hpp"
#include "daemon/kube/custom_resources.hpp"
#include "daemon/model/resource_parser.hpp"

namespace aci::source {

using nlohmann::json;

namespace {

constexpr int kFinalizerAttempts = 5;

std::vector<std::string> finalizers_of(const json& object) {
  std::vector<std::string> names;
  for (const auto& name : core::json_at(object, "/metadata/finalizers")) {
    if (name.is_string()) names.push_back(name.get<std::string>());
  }
  return names;
}

bool has_our_finalizer(const json& object) {
  const auto names = finalizers_of(object);
  return std::find(names.begin(), names.end(), kube::kFinalizer) != names.end();
}

bool being_deleted(const json& object) { return !core::json_at(object, "/metadata/deletionTimestamp").is_null(); }

// What of an object the reconcilers act on; its status and resourceVersion are not.
std::string fingerprint(const json& object) {
  const json relevant = {{"generation", core::json_at(object, "/metadata/generation")},
                         {"labels", core::json_at(object, "/metadata/labels")},
                         {"annotations", core::json_at(object, "/metadata/annotations")},
                         {"deletionTimestamp", core::json_at(object, "/metadata/deletionTimestamp")},
                         {"spec", core::json_at(object, "/spec")}};
  return core::dump_json(relevant);
}

}  // namespace

KubernetesSource::KubernetesSource(boost::asio::any_io_executor executor, kube::KubeClient& client,
                                   KubernetesSourceOptions options, const core::Clock& clock, log::Logger logger,
                                   metrics::KubeMetrics* metrics, SpecStore& store, status::StatusStore& status)
    : executor_(std::move(executor)),
      client_(client),
      options_(std::move(options)),
      clock_(clock),
      logger_(std::move(logger)),
      metrics_(metrics),
      store_(store),
      status_(status) {}

KubernetesSource::~KubernetesSource() {
  *alive_ = false;
  stop();
  store_.set_releaser({});
}

Expected<Ok, std::string> KubernetesSource::start(std::function<void()> on_synced) {
  if (!informers_.empty() || stopped_) return unexpected(std::string("a Kubernetes source starts only once"));
  on_synced_ = std::move(on_synced);
  store_.set_releaser([this](const std::string& key) { release(key); });
  std::vector<std::string> namespaces = options_.namespaces;
  if (namespaces.empty()) namespaces.emplace_back();  // every namespace
  for (const auto kind : {model::kContainerGroupKind, model::kCredentialRotationKind}) {
    for (const auto& namespace_ : namespaces) {
      const std::string kind_name(kind);
      kube::InformerHandlers handlers{
          [this, kind_name](const json& object) { changed(kind_name, object); },
          [this, kind_name](const json& object) { removed(kind_name, object); },
          [this] {
            const bool all = std::all_of(informers_.begin(), informers_.end(),
                                         [](const auto& entry) { return entry.second->synced(); });
            if (all && on_synced_) std::exchange(on_synced_, {})();
          }};
      kube::InformerOptions informer_options{kube::collection_path(kind, namespace_), kind_name,
                                             options_.label_selector};
      informers_[kind_name + "/" + namespace_] =
          std::make_unique<kube::Informer>(executor_, client_, std::move(informer_options), clock_,
                                           logger_.child("informer"), metrics_, std::move(handlers));
    }
  }
  for (auto& [unused, informer] : informers_) informer->start();
  logger_.info("watching custom resources",
               {{"server", client_.config().server},
                {"namespaces", options_.namespaces.empty() ? json("all") : json(options_.namespaces)},
                {"labelSelector", options_.label_selector}});
  return Ok{};
}

void KubernetesSource::stop() {
  stopped_ = true;
  for (auto& [unused, informer] : informers_) informer->stop();
}

const json* KubernetesSource::find(const std::string& key) const {
  const auto ref = kube::parse_key(key);
  if (!ref) return nullptr;
  for (const auto& namespace_ : {ref->namespace_, std::string()}) {
    const auto informer = informers_.find(ref->kind + "/" + namespace_);
    if (informer == informers_.end()) continue;
    if (const auto* object = informer->second->find(ref->namespace_ + "/" + ref->name)) return object;
  }
  return nullptr;
}

void KubernetesSource::changed(const std::string& kind, const json& object) {
  const auto key = resource_key(kind, core::text_at(object, "/metadata/namespace"), core::text_at(object, "/metadata/name"));
  const bool ours = has_our_finalizer(object);
  if (!ours) {
    if (being_deleted(object)) {
      // Released, or never ours: nothing of it may stay in the store.
      if (fingerprints_.erase(key) > 0) store_.remove_origin(key);
      return;
    }
    // Before anything reaches Azure, so a deletion can always clean up after it.
    if (!finalizer_writes_.contains(key)) {
      finalizer_writes_.insert(key);
      core::spawn_once(executor_, "finalizer", [this, key] { return set_finalizer(key, true); });
    }
    return;
  }
  auto print = fingerprint(object);
  if (auto& known = fingerprints_[key]; known == print) {
    return;  // a status write, or a finalizer: nothing the reconcilers act on
  } else {
    known = std::move(print);
  }
  if (const auto& status = core::json_at(object, "/status"); status.is_object()) status_.seed(key, status);
  auto document = model::parse_custom_resource(object);
  if (being_deleted(object) && !document.ok()) {
    // Its deletion policy cannot be read: the controllers act on what they last knew.
    store_.remove_origin(key);
    return;
  }
  if (!document.ok()) logger_.warn("invalid custom resource", {{"key", key}, {"error", document.summary()}});
  model::ParseResult parsed;
  parsed.documents.push_back(std::move(document));
  store_.update_origin(key, parsed);
}

void KubernetesSource::removed(const std::string& kind, const json& object) {
  const auto key = resource_key(kind, core::text_at(object, "/metadata/namespace"), core::text_at(object, "/metadata/name"));
  if (fingerprints_.erase(key) > 0) store_.remove_origin(key);
}

void KubernetesSource::release(const std::string& key) {
  const auto* object = find(key);
  if (object == nullptr || !being_deleted(*object) || !has_our_finalizer(*object)) return;
  if (finalizer_writes_.contains(key)) return;
  finalizer_writes_.insert(key);
  core::spawn_once(executor_, "finalizer", [this, key] { return set_finalizer(key, false); });
}

boost::asio::awaitable<void> KubernetesSource::set_finalizer(std::string key, bool present) {
  const auto alive = alive_;
  const auto ref = kube::parse_key(key);
  json current;  // null: take the informer's copy
  for (int attempt = 1; ref && attempt <= kFinalizerAttempts && *alive && !stopped_; ++attempt) {
    if (current.is_null()) {
      if (const auto* cached = find(key)) current = *cached;
    }
    if (current.is_null()) break;  // gone
    auto names = finalizers_of(current);
    const auto ours = std::find(names.begin(), names.end(), kube::kFinalizer);
    if ((ours != names.end()) == present) break;  // already as wanted
    if (present) {
      names.emplace_back(kube::kFinalizer);
    } else {
      names.erase(ours);
    }
    // The resourceVersion makes it a compare-and-swap: a finalizer another controller
    // added meanwhile is never dropped.
    json patch = {{"metadata",
                   {{"finalizers", names}, {"resourceVersion", core::text_at(current, "/metadata/resourceVersion")}}}};
    kube::KubeRequest write{boost::beast::http::verb::patch, kube::object_path(*ref), std::move(patch),
                            "application/merge-patch+json"};
    auto written = co_await client_.request(std::move(write));
    if (!*alive) co_return;
    if (written) {
      logger_.info(present ? "finalizer added" : "finalizer removed; the object may go", {{"key", key}});
      break;
    }
    if (written.error().not_found()) break;
    if (!written.error().conflict()) {
      logger_.warn("cannot write the finalizer", {{"key", key}, {"error", written.error().to_string()}});
      co_await clock_.sleep_for(executor_, std::chrono::seconds(attempt));
      if (!*alive) co_return;
    }
    // A conflict or a failure: read it again.
    kube::KubeRequest read{boost::beast::http::verb::get, kube::object_path(*ref)};
    auto fresh = co_await client_.request(std::move(read));
    if (!*alive) co_return;
    current = fresh ? std::move(*fresh) : json();
    if (!fresh && fresh.error().not_found()) break;
  }
  finalizer_writes_.erase(key);
}

}  // namespace aci::source
