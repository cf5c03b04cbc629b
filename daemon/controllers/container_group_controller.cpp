#include "daemon/controllers/container_group_controller.hpp"

#include "daemon/core/loop_supervisor.hpp"
#include "daemon/model/resource_parser.hpp"

namespace aci::controllers {

namespace {

core::ControllerOptions controller_options(const ContainerGroupControllerOptions& options) {
  core::ControllerOptions result;
  result.name = "containergroup";
  result.workers = options.workers;
  result.stop_timeout = options.stop_timeout;
  // A reconcile waits for its deployment, which ACI may take minutes to finish.
  result.reconcile_timeout = options.operation_timeout + std::chrono::minutes(1);
  result.rate_limiter.base_delay = options.backoff_base;
  result.rate_limiter.max_delay = options.backoff_max;
  return result;
}

}  // namespace

ContainerGroupController::ContainerGroupController(const boost::asio::any_io_executor& executor,
                                                   Dependencies dependencies, const log::Logger& logger,
                                                   const ContainerGroupControllerOptions& options)
    : executor_(executor),
      specs_(dependencies.specs),
      status_(dependencies.status),
      group_metrics_(dependencies.group_metrics),
      // Within a resync period the cache answers; each resync pass reads every secret again.
      secrets_(dependencies.key_vault, dependencies.clock, options.resync_period),
      arm_(dependencies.arm),
      reconciler_(dependencies.specs, dependencies.arm, secrets_, dependencies.pins, dependencies.status,
                  dependencies.group_metrics,
                  dependencies.clock, logger.child("containergroup"), {options.owner, options.operation_timeout}),
      controller_(executor, dependencies.clock, dispatch_, dependencies.controller_metrics,
                  logger.child("controller"), controller_options(options)),
      resync_(executor, dependencies.specs, dependencies.arm, secrets_, reconciler_, controller_.queue(),
              dependencies.clock, logger.child("resync"),
              {options.owner, options.resync_period, options.instance_view_period}) {}

ContainerGroupController::~ContainerGroupController() = default;

void ContainerGroupController::enqueue(const std::string& key) {
  if (key.starts_with(std::string(model::kContainerGroupKind) + "/")) controller_.queue().add(key);
}

boost::asio::awaitable<void> ContainerGroupController::observe(const std::string& key) {
  const auto managed = reconciler_.managed().find(key);
  if (managed == reconciler_.managed().end()) co_return;
  const auto& target = managed->second.azure;
  const azure::ContainerGroupRef ref{target.subscription_id, target.resource_group, target.name};
  auto actual = co_await arm_.get_container_group(ref);
  if (actual) reconciler_.record_observed(key, *actual);
}

GroupRolloutView ContainerGroupController::rollout_view(const std::string& key, const model::KeyVaultRef& ref) const {
  GroupRolloutView view;
  const auto* deployed = reconciler_.deployed_versions(key);
  if (deployed == nullptr) return view;
  view.seen = true;
  if (const auto version = deployed->find(ref.to_string()); version != deployed->end()) view.version = version->second;
  const auto phase = group_metrics_.phase(key);
  view.ready = phase == metrics::GroupPhase::ready;
  // A deployment that ended Failed, or a group we may not write, halts a roll-out; an
  // Azure error on the way is retried by the reconciler until the batch times out.
  const auto* status = status_.find(key);
  if (status == nullptr) return view;
  const auto* ready = status::find_condition(*status, "Ready");
  const bool deployment_failed = (ready != nullptr && ready->value("reason", "") == "DeploymentFailed") ||
                                 status->value("provisioningState", "") == "Failed";
  if (deployment_failed || phase == metrics::GroupPhase::conflict)
    view.failure = status->value("lastError", std::string("provisioningState Failed"));
  return view;
}

void ContainerGroupController::start() {
  controller_.start();
  resync_.start();
}

void ContainerGroupController::start_once(std::uint32_t max_attempts, std::function<void()> on_settled) {
  once_ = std::make_unique<core::ConvergeOnce>(reconciler_, max_attempts, std::move(on_settled));
  for (const auto& key : specs_.keys(model::kContainerGroupKind)) {
    once_->expect(key);
    controller_.queue().add(key);
  }
  // One survey first, for groups whose spec is gone; the workers start after it, so
  // every key is expected before its first reconcile ends. If the survey throws, the
  // declared keys still converge (arm and start are idempotent), so the run ends.
  const auto converge = [this] {
    once_->arm();
    controller_.start();
  };
  core::spawn_once(
      executor_, "start_once",
      [this, converge]() -> boost::asio::awaitable<void> {
        for (const auto& key : co_await resync_.resync_once()) once_->expect(key);
        converge();
      },
      converge);
}

boost::asio::awaitable<bool> ContainerGroupController::stop() {
  resync_.stop();
  co_return co_await controller_.stop();
}

boost::asio::awaitable<core::Result> ContainerGroupController::Dispatch::reconcile(const std::string& key) {
  if (owner_.once_) co_return co_await owner_.once_->reconcile(key);
  co_return co_await owner_.reconciler_.reconcile(key);
}

}  // namespace aci::controllers
