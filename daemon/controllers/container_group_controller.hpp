#pragma once
// ContainerGroupController: everything that reconciles ContainerGroups, built and wired
// in one place: the Key Vault secret cache, the reconciler, the controller loop (work
// queue, workers, backoff) and, unless converging once, the resync and instance-view
// loops. A source tells it which keys changed. Use on the executor's thread; destroy
// only after stop() (or once the io_context will not run again).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "daemon/azure/arm_client.hpp"
#include "daemon/azure/key_vault_client.hpp"
#include "daemon/controllers/container_group_reconciler.hpp"
#include "daemon/controllers/container_group_resync.hpp"
#include "daemon/controllers/secret_pins.hpp"
#include "daemon/controllers/secret_resolver.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/controller.hpp"
#include "daemon/core/converge_once.hpp"
#include "daemon/core/log.hpp"
#include "daemon/metrics/container_group_metrics.hpp"
#include "daemon/metrics/controller_metrics.hpp"
#include "daemon/source/spec_store.hpp"
#include "daemon/status/status_store.hpp"

namespace aci::controllers {

// What a credential roll-out needs to know about one dependent group.
struct GroupRolloutView {
  bool seen = false;    // reconciled since start
  std::string version;  // the version of the asked secret it runs; "" while waiting for its batch
  bool ready = false;   // provisioned and running
  std::string failure;  // why it failed, when it did
};

struct ContainerGroupControllerOptions {
  std::string owner;
  std::size_t workers = 4;
  core::Duration backoff_base = std::chrono::seconds(1);
  core::Duration backoff_max = std::chrono::minutes(5);
  core::Duration resync_period = std::chrono::minutes(5);
  core::Duration instance_view_period = std::chrono::minutes(10);
  std::chrono::milliseconds operation_timeout{std::chrono::minutes(15)};
  core::Duration stop_timeout = std::chrono::seconds(10);
};

class ContainerGroupController {
 public:
  struct Dependencies {
    const source::SpecStore& specs;
    azure::ArmClient& arm;
    azure::KeyVaultClient& key_vault;
    const SecretPins& pins;
    status::StatusStore& status;
    metrics::ControllerMetrics& controller_metrics;
    metrics::ContainerGroupMetrics& group_metrics;
    const core::Clock& clock;
  };

  ContainerGroupController(const boost::asio::any_io_executor& executor, Dependencies dependencies,
                           const log::Logger& logger, const ContainerGroupControllerOptions& options);
  ~ContainerGroupController();
  ContainerGroupController(const ContainerGroupController&) = delete;
  ContainerGroupController& operator=(const ContainerGroupController&) = delete;

  // Queues a key the source says may have changed (ContainerGroup keys only; others are ignored).
  void enqueue(const std::string& key);

  // Reads the group of `key` now and records its instance view in its status (for a
  // roll-out waiting for a group to run). Does nothing for a key not reconciled yet.
  boost::asio::awaitable<void> observe(const std::string& key);

  GroupRolloutView rollout_view(const std::string& key, const model::KeyVaultRef& ref) const;

  // Starts the workers and the periodic loops.
  void start();
  // Converges every key of `specs` once: no periodic loops; each key is tried until it
  // converges or fails `max_attempts` times, then `on_settled` runs.
  void start_once(std::uint32_t max_attempts, std::function<void()> on_settled);
  // Stops the loops and waits (up to stop_timeout) for reconciles in flight.
  boost::asio::awaitable<bool> stop();

  // After start_once: each key's outcome.
  const core::ConvergeOnce* once() const noexcept { return once_.get(); }
  metrics::ContainerGroupMetrics& group_metrics() noexcept { return group_metrics_; }

 private:
  boost::asio::any_io_executor executor_;
  const source::SpecStore& specs_;
  status::StatusStore& status_;
  metrics::ContainerGroupMetrics& group_metrics_;
  SecretResolver secrets_;
  azure::ArmClient& arm_;
  ContainerGroupReconciler reconciler_;
  std::unique_ptr<core::ConvergeOnce> once_;
  // The controller calls through here: the reconciler, or once_ wrapping it.
  class Dispatch final : public core::Reconciler {
   public:
    explicit Dispatch(ContainerGroupController& owner) : owner_(owner) {}
    boost::asio::awaitable<core::Result> reconcile(const std::string& key) override;

   private:
    ContainerGroupController& owner_;
  };
  Dispatch dispatch_{*this};
  core::Controller controller_;
  ContainerGroupResync resync_;
};

}  // namespace aci::controllers
