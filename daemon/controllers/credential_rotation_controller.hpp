#pragma once
// CredentialRotationController: the CredentialRotation reconciler behind its own work
// queue and workers. A source tells it which keys changed; rotate() is the manual
// trigger behind `aci-operator rotate NAME`. Each rotation requeues itself for its next
// step or due time, so no periodic loop is needed. Use on the executor's thread;
// destroy only after stop() (or once the io_context will not run again).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <string>

#include "daemon/controllers/credential_rotation_reconciler.hpp"
#include "daemon/core/controller.hpp"
#include "daemon/metrics/controller_metrics.hpp"

namespace aci::controllers {

struct CredentialRotationControllerOptions {
  CredentialRotationOptions rotation;
  std::size_t workers = 2;
  core::Duration stop_timeout = std::chrono::seconds(10);
};

class CredentialRotationController {
 public:
  CredentialRotationController(const boost::asio::any_io_executor& executor,
                               CredentialRotationReconciler::Dependencies dependencies,
                               metrics::ControllerMetrics& controller_metrics, const log::Logger& logger,
                               const CredentialRotationControllerOptions& options);

  // Queues a key the source says may have changed (CredentialRotation keys only).
  void enqueue(const std::string& key);
  // Asks the rotation `name` ("name" or "namespace/name") to rotate now. False when no
  // such rotation is declared.
  bool rotate(const std::string& name);

  void start();
  boost::asio::awaitable<bool> stop();

 private:
  const source::SpecStore& specs_;
  CredentialRotationReconciler reconciler_;
  core::Controller controller_;
};

}  // namespace aci::controllers
