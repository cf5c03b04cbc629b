#include "daemon/controllers/credential_rotation_controller.hpp"

#include "daemon/model/resource_parser.hpp"

namespace aci::controllers {

namespace {

core::ControllerOptions controller_options(const CredentialRotationControllerOptions& options) {
  core::ControllerOptions result;
  result.name = "credentialrotation";
  result.workers = options.workers;
  result.stop_timeout = options.stop_timeout;
  // A reconcile may wait out Entra's propagation while it verifies a new password.
  result.reconcile_timeout = options.rotation.verify_timeout + std::chrono::minutes(1);
  result.rate_limiter.base_delay = options.rotation.backoff_base;
  result.rate_limiter.max_delay = options.rotation.backoff_max;
  return result;
}

std::string key_prefix() { return std::string(model::kCredentialRotationKind) + "/"; }

}  // namespace

CredentialRotationController::CredentialRotationController(const boost::asio::any_io_executor& executor,
                                                           CredentialRotationReconciler::Dependencies dependencies,
                                                           metrics::ControllerMetrics& controller_metrics,
                                                           const log::Logger& logger,
                                                           const CredentialRotationControllerOptions& options)
    : specs_(dependencies.specs),
      reconciler_(dependencies, logger.child("credentialrotation"), options.rotation),
      controller_(executor, dependencies.clock, reconciler_, controller_metrics, logger.child("controller"),
                  controller_options(options)) {}

void CredentialRotationController::enqueue(const std::string& key) {
  if (key.starts_with(key_prefix())) controller_.queue().add(key);
}

bool CredentialRotationController::rotate(const std::string& name) {
  const auto key = key_prefix() + name;
  if (specs_.find(key) == nullptr) return false;
  reconciler_.request_rotation(key);
  controller_.queue().add(key);
  return true;
}

void CredentialRotationController::start() { controller_.start(); }

boost::asio::awaitable<bool> CredentialRotationController::stop() { co_return co_await controller_.stop(); }

}  // namespace aci::controllers
