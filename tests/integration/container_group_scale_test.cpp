// 200 container groups in 4 resource groups, reconciled by the real daemon against the
// real emulator: what converging costs with and without faults, and what a steady
// state costs (a needless PUT would restart a group, so it must cost no write at all).

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/integration/operator_fixture.hpp"

namespace aci::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kGroups = 200;
constexpr int kResourceGroups = 4;

std::string resource_group(int index) { return "scale-rg-" + std::to_string(index % kResourceGroups); }
std::string group_name(int index) { return "scale-" + std::to_string(index); }

// The demo seed with four more resource groups.
std::string scale_seed(const TempDir& dir) {
  std::ifstream in(std::string(ACI_SOURCE_DIR) + "/config/emulator-demo.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto seed = text.str();
  const std::string anchor = "      - name: demo-rg\n        location: westeurope\n";
  std::string more;
  for (int index = 0; index < kResourceGroups; ++index)
    more += "      - name: " + resource_group(index) + "\n        location: westeurope\n";
  seed.replace(seed.find(anchor), anchor.size(), anchor + more);
  return dir.write("scale-seed.yaml", seed);
}

class ContainerGroupScaleTest : public ::testing::Test {
 protected:
  std::vector<std::string> emulator_args(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--seed", scale_seed(dir_), "--provisioning-duration", "1s"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // Writes the 200 specs, 50 documents to a file.
  static void write_specs(const OperatorInstance& daemon) {
    for (int file = 0; file < kResourceGroups; ++file) {
      std::string documents;
      for (int index = file; index < kGroups; index += kResourceGroups) {
        GroupSpec spec(group_name(index));
        spec.resource_group = resource_group(index);
        documents += "---\n" + spec.yaml();
      }
      daemon.write_spec("groups-" + std::to_string(file) + ".yaml", documents);
    }
  }

  static int ready_count(const OperatorInstance& daemon) {
    int ready = 0;
    const auto statuses = daemon.status();
    for (const auto& [key, status] : statuses.items()) {
      for (const auto& condition : status.value("conditions", json::array()))
        if (condition.value("type", "") == "Ready" && condition.value("status", "") == "True") ++ready;
    }
    return ready;
  }

  // Every group exists and its containers never restarted: each was created once.
  static void expect_each_created_once(EmulatorInstance& emulator) {
    const auto auth = emulator.bearer("https://management.azure.com/.default");
    for (int index = 0; index < kGroups; ++index) {
      HttpsResponse response;
      // The emulator throttles the test's own 200 reads as ARM would: wait as it asks.
      for (int attempt = 0; attempt < 50; ++attempt) {
        response = emulator.call("GET", group_path(group_name(index), resource_group(index)), "", auth);
        if (response.status != 429) break;
        std::this_thread::sleep_for(std::chrono::seconds(std::stoi(response.headers["retry-after"])));
      }
      ASSERT_EQ(response.status, 200u) << group_name(index);
      const auto group = json::parse(response.body);
      EXPECT_EQ(group["properties"]["containers"][0]["properties"]["instanceView"]["restartCount"], 0)
          << group_name(index) << " was written more than once";
    }
  }

  // Converges the 200 groups and returns how many requests the emulator answered until then.
  int converge(EmulatorInstance& emulator, const std::string& settings) {
    EXPECT_TRUE(emulator.started()) << emulator.process().output();
    TempDir dir;
    OperatorInstance daemon(emulator, dir, settings);
    write_specs(daemon);
    EXPECT_TRUE(daemon.start());
    const bool converged = eventually([&] { return ready_count(daemon) == kGroups; }, 600s);
    const int requests = request_count(emulator);
    EXPECT_TRUE(converged) << ready_count(daemon) << " of " << kGroups << " ready";
    EXPECT_EQ(daemon.stop(), 0);
    return requests;
  }

  TempDir dir_;
};

TEST_F(ContainerGroupScaleTest, FaultsCostAtMostHalfAgainTheRequestsAndNeverADuplicateCreate) {
  // Periods longer than the test: only converging is counted.
  const std::string settings = "containerGroups: {workers: 16, resyncPeriod: 1h, instanceViewPeriod: 1h}\n"
                               "log: {level: info}\n";
  int fault_free = 0;
  {
    EmulatorInstance emulator(emulator_args());
    fault_free = converge(emulator, settings);
    expect_each_created_once(emulator);
  }
  EmulatorInstance emulator(emulator_args());
  const json faults{
      {"routes",
       {{{"route", "*"}, {"latencyMs", 300}}, {{"route", "arm"}, {"errorRate", 0.2}, {"status", 500}}}},
      {"throttling",
       {{"enabled", true},
        {"reads", {{"capacity", 60}, {"refillPerSecond", 20}}},
        {"writes", {{"capacity", 20}, {"refillPerSecond", 8}}},
        {"deletes", {{"capacity", 20}, {"refillPerSecond", 8}}}}}};
  ASSERT_EQ(emulator.call("POST", "/_emulator/faults", faults.dump()).status, 200u);
  const int faulty = converge(emulator, settings);
  ASSERT_EQ(emulator.call("DELETE", "/_emulator/faults").status, 200u);
  expect_each_created_once(emulator);
  std::cout << "requests to converge " << kGroups << " groups: " << fault_free << " without faults, " << faulty
            << " with faults\n";
  EXPECT_LE(faulty, fault_free * 3 / 2);
}

TEST_F(ContainerGroupScaleTest, UnchangedGroupsCostOneListPerResourceGroupPerResyncAndNoWrite) {
  EmulatorInstance emulator(emulator_args());
  ASSERT_TRUE(emulator.started());
  TempDir dir;
  OperatorInstance daemon(emulator, dir,
                          "containerGroups: {workers: 16, resyncPeriod: 2s, instanceViewPeriod: 40s}\n"
                          "log: {level: info}\n");
  write_specs(daemon);
  ASSERT_TRUE(daemon.start());
  ASSERT_TRUE(eventually([&] { return ready_count(daemon) == kGroups; }, 300s));
  reset_request_counts(emulator);
  std::this_thread::sleep_for(10s);
  const int lists = request_count(emulator, "GET containerGroups (list)");
  const int gets = request_count(emulator, "GET containerGroups");
  // A pass every 2 s, one list per resource group each: five passes in 10 s, and one
  // more may straddle the window's edges.
  EXPECT_GE(lists, 3 * kResourceGroups);
  EXPECT_LE(lists, 6 * kResourceGroups);
  EXPECT_EQ(request_count(emulator, "PUT containerGroups"), 0);
  EXPECT_EQ(request_count(emulator, "PATCH containerGroups"), 0);
  EXPECT_EQ(request_count(emulator, "DELETE containerGroups"), 0);
  // 200 instance-view GETs spread over 40 s: about 50 in 10 s, never a burst of all of them.
  EXPECT_GE(gets, 20);
  EXPECT_LE(gets, 90);
  std::cout << "steady state over 10 s: " << lists << " list calls, " << gets << " instance-view GETs\n";
  EXPECT_EQ(daemon.stop(), 0);
}

}  // namespace
}  // namespace aci::testing
