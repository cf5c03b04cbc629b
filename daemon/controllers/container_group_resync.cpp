#include "daemon/controllers/container_group_resync.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "daemon/controllers/container_group_survey.hpp"
#include "daemon/core/test_fault.hpp"

namespace aci::controllers {

namespace asio = boost::asio;

ContainerGroupResync::ContainerGroupResync(asio::any_io_executor executor, const source::SpecStore& specs,
                                           azure::ArmClient& arm, SecretResolver& secrets,
                                           ContainerGroupReconciler& reconciler, core::WorkQueue& queue,
                                           const core::Clock& clock, log::Logger logger,
                                           ContainerGroupResyncOptions options)
    : executor_(std::move(executor)),
      specs_(specs),
      arm_(arm),
      secrets_(secrets),
      reconciler_(reconciler),
      queue_(queue),
      clock_(clock),
      logger_(std::move(logger)),
      options_(std::move(options)),
      resync_timer_(clock.make_timer(executor_)),
      instance_view_timer_(clock.make_timer(executor_)) {}

ContainerGroupResync::~ContainerGroupResync() { stop(); }

void ContainerGroupResync::start() {
  resync_loop_ = core::spawn_supervised(executor_, "resync", [this] { return resync_loop(); });
  instance_view_loop_ = core::spawn_supervised(executor_, "instance_view", [this] { return instance_view_loop(); });
}

void ContainerGroupResync::stop() {
  stopped_ = true;
  resync_loop_.cancel();
  instance_view_loop_.cancel();
  resync_timer_->cancel();
  instance_view_timer_->cancel();
}

asio::awaitable<void> ContainerGroupResync::resync_loop() {
  while (!stopped_) {
    core::test_fault_point("resync");
    const auto queued = co_await resync_once();
    logger_.debug("resync pass done", {{"queued", queued.size()}});
    if (!co_await resync_timer_->wait_until(clock_.steady_now() + options_.period)) break;
  }
}

asio::awaitable<std::vector<std::string>> ContainerGroupResync::resync_once() {
  const auto survey = co_await survey_container_groups(specs_, arm_, secrets_, reconciler_.pins(),
                                                       options_.owner, logger_);
  std::vector<std::string> queued;
  for (const auto& item : survey.items) {
    if (item.orphan) {
      queued.push_back(reconciler_.add_orphan(item.target, item.orphan_policy));
    } else if (item.plan ? item.plan->writes() : item.listed) {
      // No plan but listed: the spec cannot be compared (a secret is unreadable); the
      // reconcile reports why. An unlisted resource group waits for the next pass, so
      // one failed list never turns into a GET per group.
      queued.push_back(item.key);
    }
  }
  for (const auto& key : queued) queue_.add(key);
  if (survey.orphans_withheld > 0)
    logger_.warn("groups carrying our owner tag have no spec, but some spec files fail to parse; "
                 "their deletion policy waits until every file parses",
                 {{"groups", survey.orphans_withheld}});
  co_return queued;
}

asio::awaitable<void> ContainerGroupResync::instance_view_loop() {
  // Walks the managed keys in order, one GET every period / (number of keys), so the
  // reads are spread evenly and adapt as keys come and go.
  std::string last_key;
  while (!stopped_) {
    core::test_fault_point("instance_view");
    const auto& managed = reconciler_.managed();
    const auto count = static_cast<long>(std::max<std::size_t>(managed.size(), 1));
    const auto spacing = std::max<core::Duration>(options_.instance_view_period / count, std::chrono::milliseconds(1));
    if (!co_await instance_view_timer_->wait_until(clock_.steady_now() + spacing) || stopped_) break;
    if (managed.empty()) continue;
    auto next = managed.upper_bound(last_key);
    if (next == managed.end()) next = managed.begin();
    last_key = next->first;
    const auto& target = next->second.azure;
    const azure::ContainerGroupRef ref{target.subscription_id, target.resource_group, target.name};
    auto group = co_await arm_.get_container_group(ref);
    if (!managed.contains(last_key)) continue;  // its spec went away meanwhile
    if (group) {
      reconciler_.record_instance_view(last_key, *group);
    } else if (group.error().kind == azure::AzureErrorKind::not_found) {
      queue_.add(last_key);  // deleted behind our back: the reconcile recreates it
    } else {
      logger_.debug("instance view read failed", {{"key", last_key}, {"error", group.error().to_string()}});
    }
  }
}

}  // namespace aci::controllers
