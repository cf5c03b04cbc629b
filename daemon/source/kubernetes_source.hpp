#pragma once
// KubernetesSource: specs from ContainerGroup and CredentialRotation custom resources,
// in every namespace or in a configured list, optionally filtered by a label selector.
// One Informer per kind and namespace keeps the objects; an object enters the
// SpecStore (origin: its key) once it carries the finalizer acioperator.io/cleanup,
// which the source adds first, so nothing reaches Azure that a deletion could not
// clean up. Only a change of spec, labels, annotations or deletion reaches the store:
// a status write does not cause a reconcile. An object being deleted stays in the
// store, marked, until the controllers release it; then the finalizer goes. The status
// an object carries seeds the StatusStore. Synced once every informer has listed.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"
#include "daemon/kube/informer.hpp"
#include "daemon/kube/kube_client.hpp"
#include "daemon/source/spec_source.hpp"
#include "daemon/source/spec_store.hpp"
#include "daemon/status/status_store.hpp"

namespace aci::source {

struct KubernetesSourceOptions {
  std::vector<std::string> namespaces;  // empty: every namespace
  std::string label_selector;
};

class KubernetesSource final : public SpecSource {
 public:
  // Everything given must outlive the source; `metrics` may be null.
  KubernetesSource(boost::asio::any_io_executor executor, kube::KubeClient& client, KubernetesSourceOptions options,
                   const core::Clock& clock, log::Logger logger, metrics::KubeMetrics* metrics, SpecStore& store,
                   status::StatusStore& status);
  ~KubernetesSource() override;
  KubernetesSource(const KubernetesSource&) = delete;
  KubernetesSource& operator=(const KubernetesSource&) = delete;

  Expected<Ok, std::string> start(std::function<void()> on_synced) override;
  void stop() override;

  // The object behind a SpecStore key as last seen, or null.
  const nlohmann::json* find(const std::string& key) const;

 private:
  void changed(const std::string& kind, const nlohmann::json& object);
  void removed(const std::string& kind, const nlohmann::json& object);
  void release(const std::string& key);
  // Adds (or removes) our finalizer; retried with a fresh read on a conflict.
  boost::asio::awaitable<void> set_finalizer(std::string key, bool present);

  boost::asio::any_io_executor executor_;
  kube::KubeClient& client_;
  KubernetesSourceOptions options_;
  const core::Clock& clock_;
  log::Logger logger_;
  metrics::KubeMetrics* metrics_;
  SpecStore& store_;
  status::StatusStore& status_;
  std::map<std::string, std::unique_ptr<kube::Informer>> informers_;  // by "<kind>/<namespace>"
  std::map<std::string, std::string> fingerprints_;  // by key: what of the object the store has seen
  std::set<std::string> finalizer_writes_;           // keys with a finalizer write in flight
  std::function<void()> on_synced_;
  bool stopped_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace aci::source
