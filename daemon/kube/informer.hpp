#pragma once
// Informer: a local copy of one collection of objects (one kind, in all namespaces or
// in one), kept the way client-go's Reflector keeps it. It lists (in pages), then
// watches from the list's resourceVersion with bookmarks; a watch the server ends is
// resumed from the last version seen; 410 Gone (the version was compacted away)
// lists again and diffs the new list with the copy, so only objects that changed are
// reported. Failures back off 0.8 s → 30 s. Handlers run on the executor, after the
// copy is updated. Runs as a supervised loop; destroy it before its io_context.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "daemon/core/backoff.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/kube/kube_client.hpp"
#include "daemon/metrics/kube_metrics.hpp"

namespace aci::kube {

struct InformerHandlers {
  std::function<void(const nlohmann::json& object)> changed;  // added, or its resourceVersion moved
  std::function<void(const nlohmann::json& object)> removed;  // its last known state
  std::function<void()> synced;                                // once, after the first complete list
};

struct InformerOptions {
  std::string collection;      // "/apis/acioperator.io/v1alpha1[/namespaces/<ns>]/containergroups"
  std::string kind;            // the metrics' and logs' label: "ContainerGroup"
  std::string label_selector;  // empty: every object
};

class Informer {
 public:
  // The client, clock and metrics (which may be null) must outlive the informer.
  Informer(boost::asio::any_io_executor executor, KubeClient& client, InformerOptions options,
           const core::Clock& clock, log::Logger logger, metrics::KubeMetrics* metrics, InformerHandlers handlers);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void start();
  void stop();

  bool synced() const noexcept { return synced_; }
  // The object "namespace/name" as last seen, or null.
  const nlohmann::json* find(const std::string& key) const;
  std::size_t size() const noexcept { return objects_.size(); }

 private:
  enum class WatchEnd { closed, expired, failed };
  boost::asio::awaitable<void> run(std::shared_ptr<bool> running);
  // Lists every page; answers the list's resourceVersion.
  boost::asio::awaitable<Expected<std::string, KubeError>> list();
  boost::asio::awaitable<WatchEnd> watch(std::string& resource_version, std::shared_ptr<bool> running);
  void replace(std::map<std::string, nlohmann::json>&& listed);
  void apply(const std::string& type, nlohmann::json object);

  boost::asio::any_io_executor executor_;
  KubeClient& client_;
  InformerOptions options_;
  const core::Clock& clock_;
  log::Logger logger_;
  metrics::KubeMetrics* metrics_;
  InformerHandlers handlers_;
  core::UniformRandom random_;  // backoff jitter and watch timeouts
  std::map<std::string, nlohmann::json> objects_;  // by "namespace/name"
  bool synced_ = false;
  std::shared_ptr<bool> running_ = std::make_shared<bool>(false);
  http::ResponseStream* open_stream_ = nullptr;  // the watch being read, for stop()
  core::LoopHandle loop_;
};

// "namespace/name" of an object (just "name" when it has no namespace).
std::string namespaced_name(const nlohmann::json& object);

}  // namespace aci::kube
