#pragma once
// ContainerGroupResync: every period, a survey (container_group_survey.hpp: one paged
// list call per resource group, secrets read again so a new version reaches its groups
// within one period) and the keys whose plan would write queued, plus groups carrying
// our owner tag that no spec declares, for their deletion policy. A separate loop reads
// each group's instance view (container state) by GET, spread evenly over its own,
// slower period. Both loops ("resync", "instance_view") run under the LoopSupervisor,
// which restarts them if they throw.
// Use on the executor's thread; stop() before destroying.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "daemon/azure/arm_client.hpp"
#include "daemon/controllers/container_group_reconciler.hpp"
#include "daemon/controllers/secret_resolver.hpp"
#include "daemon/core/clock.hpp"
#include "daemon/core/log.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/core/work_queue.hpp"
#include "daemon/source/spec_store.hpp"

namespace aci::controllers {

struct ContainerGroupResyncOptions {
  std::string owner;
  core::Duration period = std::chrono::minutes(5);
  core::Duration instance_view_period = std::chrono::minutes(10);
};

class ContainerGroupResync {
 public:
  ContainerGroupResync(boost::asio::any_io_executor executor, const source::SpecStore& specs, azure::ArmClient& arm,
                       SecretResolver& secrets, ContainerGroupReconciler& reconciler, core::WorkQueue& queue,
                       const core::Clock& clock, log::Logger logger, ContainerGroupResyncOptions options);
  ~ContainerGroupResync();
  ContainerGroupResync(const ContainerGroupResync&) = delete;
  ContainerGroupResync& operator=(const ContainerGroupResync&) = delete;

  // Starts both loops. The first resync pass runs at once: it finds groups whose spec
  // was removed while the daemon was down.
  void start();
  // Ends both loops at their next wait; a request in flight finishes first.
  void stop();

  // One resync pass now: returns the keys it queued.
  boost::asio::awaitable<std::vector<std::string>> resync_once();

 private:
  boost::asio::awaitable<void> resync_loop();
  boost::asio::awaitable<void> instance_view_loop();

  boost::asio::any_io_executor executor_;
  const source::SpecStore& specs_;
  azure::ArmClient& arm_;
  SecretResolver& secrets_;
  ContainerGroupReconciler& reconciler_;
  core::WorkQueue& queue_;
  const core::Clock& clock_;
  log::Logger logger_;
  ContainerGroupResyncOptions options_;
  core::TimerPtr resync_timer_;
  core::TimerPtr instance_view_timer_;
  bool stopped_ = false;
  core::LoopHandle resync_loop_;
  core::LoopHandle instance_view_loop_;
};

}  // namespace aci::controllers
