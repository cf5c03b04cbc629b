// Every background loop of the real daemon survives its own exception: with the
// test-only ACI_OPERATOR_TEST_THROW hook each loop throws once, which must show up in
// aci_operator_background_failures_total, after which the loop works again; a loop
// that keeps failing turns /healthz to 503.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/operator_fixture.hpp"

namespace aci::testing {
namespace {

using namespace std::chrono_literals;

// Every loop the hook can name in a daemon that runs until SIGTERM.
const std::vector<std::string> kLoops{
    "resync",
    "instance_view",
    "directory_watch",
    "containergroup_worker",
    "containergroup_housekeeping",
    "credentialrotation_worker",
    "credentialrotation_housekeeping",
    "work_queue_delay",
    "http_accept",
};

const std::string kReconcileErrors = R"(controller_runtime_reconcile_total{controller="containergroup",result="error"})";

class BackgroundLoopsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(emulator_.started()) << emulator_.process().output(); }

  OperatorInstance& start_operator(const std::string& faults) {
    operator_ = std::make_unique<OperatorInstance>(
        emulator_, dir_,
        "containerGroups: {resyncPeriod: 2s, instanceViewPeriod: 3s, backoff: {base: 200ms, max: 2s}}\n",
        std::vector<std::string>{}, std::vector<std::string>{"ACI_OPERATOR_TEST_THROW=" + faults});
    EXPECT_TRUE(operator_->start());
    return *operator_;
  }

  // A series' value in /metrics, or -1 when it is missing.
  double metric(const std::string& series) const {
    const auto text = operator_->metrics();
    const auto at = text.find(series + " ");
    return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 1));
  }
  double failures(const std::string& loop) const {
    return metric("aci_operator_background_failures_total{loop=\"" + loop + "\"}");
  }
  PlainResponse healthz() const { return plain_http("GET", "127.0.0.1", operator_->port(), "/healthz"); }

  bool restarted(const std::string& loop) {
    return operator_->process()
        .wait_for_line(
            [&](const std::string& line) {
              return line.find("restarting background loop") != std::string::npos &&
                     line.find("\"" + loop + "\"") != std::string::npos;
            },
            30s)
        .has_value();
  }

  TempDir dir_;
  EmulatorInstance emulator_{{"--provisioning-duration", "1s"}};
  std::unique_ptr<OperatorInstance> operator_;
};

TEST_F(BackgroundLoopsTest, EveryLoopThatThrowsIsCountedRestartedAndWorksAgain) {
  std::string faults;
  for (const auto& loop : kLoops) faults += (faults.empty() ? "" : ",") + loop;
  auto& daemon = start_operator(faults);

  // The watch threw at its first iteration; files written after its restart are read.
  ASSERT_TRUE(restarted("directory_watch")) << daemon.process().output();
  daemon.write_spec("hello.yaml", GroupSpec{"hello"}.yaml());
  // A group whose password secret does not exist fails and is retried through the
  // work queue's delay loop.
  auto broken = GroupSpec{"broken"}.yaml();
  broken.replace(broken.find("myregistry-pull-pwd"), std::string("myregistry-pull-pwd").size(), "no-such-secret");
  daemon.write_spec("broken.yaml", broken);
  ASSERT_TRUE(eventually([&] { return daemon.condition("ContainerGroup/hello", "Ready") == "True/Running"; }, 60s))
      << daemon.status().dump(2);

  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& loop : kLoops)
          if (failures(loop) < 1) return false;
        return true;
      },
      30s))
      << daemon.metrics();
  for (const auto& loop : kLoops) EXPECT_EQ(failures(loop), 1) << loop;
  // One failure each is no reason to restart the process.
  const auto health = healthz();
  EXPECT_EQ(health.status, 200u) << health.body;

  // The delay loop works again: the broken group keeps being retried.
  const double errors = metric(kReconcileErrors);
  EXPECT_TRUE(eventually([&] { return metric(kReconcileErrors) >= errors + 2; }, 20s)) << daemon.metrics();

  // Resync lists keep arriving, and the instance-view loop reads the running group
  // (with the broken spec gone and its retries over, nothing else GETs one group).
  daemon.remove_spec("broken.yaml");
  std::this_thread::sleep_for(3s);
  reset_request_counts(emulator_);
  EXPECT_TRUE(eventually(
      [&] {
        return request_count(emulator_, "GET containerGroups (list)") >= 2 &&
               request_count(emulator_, "GET containerGroups") >= 1;
      },
      20s));
  // A spec edit is still picked up by the restarted watch and workers.
  GroupSpec edited{"hello"};
  edited.image = "myregistry.azurecr.io/reports:1.0.0";
  daemon.write_spec("hello.yaml", edited.yaml());
  EXPECT_TRUE(eventually([&] { return request_count(emulator_, "PUT containerGroups") >= 1; }, 30s));
  EXPECT_EQ(daemon.stop(), 0);
}

TEST_F(BackgroundLoopsTest, HealthzFailsNamingALoopThatKeepsFailing) {
  auto& daemon = start_operator("resync:100");
  // Backoffs of 1, 2, 4 and 8 s: the fifth failure, which makes the loop down, comes after 15 s.
  ASSERT_TRUE(eventually([&] { return healthz().status == 503; }, 60s)) << daemon.process().output();
  const auto health = healthz();
  EXPECT_NE(health.body.find("loop resync is down"), std::string::npos) << health.body;
  EXPECT_NE(health.body.find("ACI_OPERATOR_TEST_THROW"), std::string::npos) << health.body;
  EXPECT_GE(failures("resync"), 5);
  // The rest of the daemon is unaffected.
  EXPECT_EQ(plain_http("GET", "127.0.0.1", daemon.port(), "/readyz").status, 200u);
  EXPECT_EQ(daemon.stop(), 0);
}

}  // namespace
}  // namespace aci::testing
