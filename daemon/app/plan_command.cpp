#include "daemon/app/plan_command.hpp"

#include <boost/asio/io_context.hpp>
#include <map>
#include <ostream>
#include <variant>

#include "daemon/azure/azure_services.hpp"
#include "daemon/controllers/container_group_survey.hpp"
#include "daemon/controllers/secret_resolver.hpp"
#include "daemon/core/loop_supervisor.hpp"
#include "daemon/model/resource_parser.hpp"
#include "daemon/source/directory_source.hpp"
#include "daemon/source/spec_store.hpp"

namespace aci::app {

namespace {

namespace asio = boost::asio;
using controllers::PlanAction;

bool detect_only(const source::SpecStore& specs, const std::string& key) {
  const auto* entry = specs.find(key);
  if (entry == nullptr || !entry->resource) return false;
  const auto* group = std::get_if<model::ContainerGroup>(&*entry->resource);
  return group != nullptr && group->policy.mode == model::PolicyMode::DetectOnly;
}

// Prints the survey; returns false when some object could not be compared.
bool print_plan(std::ostream& out, const source::SpecStore& specs, const controllers::Survey& survey) {
  std::map<std::string, int> counts;
  bool complete = true;
  for (const auto& key : specs.keys(model::kContainerGroupKind)) {
    const auto* entry = specs.find(key);
    if (entry == nullptr || entry->error.empty()) continue;
    out << "invalid    " << key << ": " << entry->error << "\n";
    ++counts["invalid"];
    complete = false;
  }
  for (const auto& item : survey.items) {
    const auto id = item.target.resource_id();
    if (item.orphan) {
      const bool release = item.orphan_policy == model::DeletionPolicy::Orphan;
      out << (release ? "release    " : "delete     ") << id << " (no spec declares it; deletion policy "
          << model::to_string(item.orphan_policy) << ")\n";
      ++counts[release ? "release" : "delete"];
      continue;
    }
    if (!item.plan) {
      out << "error      " << item.key << ": " << item.error << "\n";
      ++counts["error"];
      complete = false;
      continue;
    }
    const auto& plan = *item.plan;
    const std::string action = plan.action == PlanAction::none ? "unchanged" : std::string(to_string(plan.action));
    out << action << std::string(action.size() < 11 ? 11 - action.size() : 1, ' ') << item.key << " " << id;
    if (detect_only(specs, item.key) && plan.writes()) out << " (DetectOnly: reported, never applied)";
    out << "\n";
    if (!plan.reason.empty()) out << "             " << plan.reason << "\n";
    for (const auto& difference : plan.differences) {
      out << "             " << difference.path << ": " << difference.actual << " -> " << difference.desired
          << (difference.requires_recreate ? " (cannot change in place)" : "") << "\n";
    }
    ++counts[action];
  }
  if (survey.orphans_withheld > 0) {
    out << "withheld   " << survey.orphans_withheld
        << " group(s) carrying our owner tag have no spec, but some spec files fail to parse\n";
  }
  out << "Plan:";
  const char* separator = " ";
  for (const auto& [action, count] : counts) {
    out << separator << count << " " << action;
    separator = ", ";
  }
  if (counts.empty()) out << " nothing declared";
  out << ".\n";
  return complete;
}

}  // namespace

int run_plan(const config::Config& config, std::shared_ptr<log::LogSink> sink, std::ostream& out) {
  log::Logger logger(std::move(sink), "plan");
  if (config.specs.directory.empty()) {
    logger.error("plan needs specs.directory in the configuration");
    return 1;
  }
  asio::io_context io;
  core::RealClock clock;
  auto& supervisor = core::loop_supervisor(io.get_executor());
  supervisor.configure(clock, logger.child("supervisor"), {});
  source::SpecStore specs;
  source::DirectorySource directory(io.get_executor(), config.specs.directory, config.specs.debounce, clock,
                                    logger.child("source"), specs);
  if (auto started = directory.start({}); !started) {
    logger.error("cannot read the specs", {{"error", started.error()}});
    return 1;
  }
  directory.stop();
  auto azure = azure::AzureServices::create(io.get_executor(), config.azure, clock, logger.child("azure"), nullptr);
  if (!azure) {
    logger.error("cannot set up the Azure clients", {{"error", azure.error()}});
    return 1;
  }
  controllers::SecretResolver secrets((*azure)->key_vault(), clock, config.container_groups.resync_period);
  const controllers::SecretPins latest_everywhere;  // the plan shows what the latest secret versions would change
  int exit_code = 1;
  // A throw is logged and leaves exit code 1; stopping the io_context ends pending Azure calls.
  supervisor.spawn_once(
      io.get_executor(), "plan",
      [&]() -> asio::awaitable<void> {
        const auto survey = co_await controllers::survey_container_groups(specs, (*azure)->arm(), secrets,
                                                                          latest_everywhere, config.owner, logger);
        exit_code = print_plan(out, specs, survey) ? 0 : 1;
        (*azure)->shutdown();
      },
      [&io] { io.stop(); });
  io.run();
  return exit_code;
}

}  // namespace aci::app
