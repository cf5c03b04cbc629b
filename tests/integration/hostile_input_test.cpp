// Text from outside must never crash the daemon or vanish: an Azure error message whose
// multi-byte character straddles the daemon's 512-byte cut, and a spec file holding a
// byte that is not UTF-8. The real daemon against the real emulator; the daemon must
// stay up, report each problem in /status and the status files, and leave every other
// group alone.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/integration/operator_fixture.hpp"

namespace aci::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class HostileInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(emulator_.started()) << emulator_.process().output();
    status_dir_ = dir_.path() + "/status";
    daemon_ = std::make_unique<OperatorInstance>(
        emulator_, dir_,
        "status: {directory: " + status_dir_ + "}\n"
        "containerGroups: {resyncPeriod: 2s, instanceViewPeriod: 3s, backoff: {base: 200ms, max: 1s}}\n");
    ASSERT_TRUE(daemon_->start());
    // A group that runs before the bad input arrives: it must not be disturbed.
    daemon_->write_spec("steady.yaml", GroupSpec{"steady"}.yaml());
    ASSERT_TRUE(ready("steady")) << daemon_->status().dump(2);
    steady_before_ = arm_get("steady");
  }

  bool ready(const std::string& name) {
    return eventually([&] { return daemon_->condition("ContainerGroup/" + name, "Ready") == "True/Running"; }, 60s);
  }

  // The status file of a ContainerGroup, parsed strictly (invalid UTF-8 fails the parse).
  json status_file(const std::string& name) const {
    std::ifstream in(status_dir_ + "/ContainerGroup/" + name + ".json");
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str(), nullptr, false);
  }

  json arm_get(const std::string& name) {
    auto response = emulator_.call("GET", group_path(name), "", emulator_.bearer("https://management.azure.com/.default"));
    return response.status == 200 ? json::parse(response.body, nullptr, false) : json();
  }

  // The daemon is still running and serving, nothing threw, and "steady" was not
  // written to (its tags, spec hash included, are as they were).
  void expect_nothing_else_harmed() {
    EXPECT_FALSE(daemon_->process().wait(0ms).has_value()) << daemon_->process().output();
    EXPECT_EQ(daemon_->condition("ContainerGroup/steady", "Ready"), "True/Running");
    const auto steady = arm_get("steady");
    EXPECT_EQ(steady.value("tags", json()), steady_before_.value("tags", json()));
    EXPECT_EQ(steady["properties"].value("provisioningState", ""), "Succeeded");
    const auto output = daemon_->process().output();
    EXPECT_EQ(output.find("terminate called"), std::string::npos);
    EXPECT_EQ(output.find("reconcile threw"), std::string::npos) << output;
  }

  TempDir dir_;
  std::string status_dir_;
  EmulatorInstance emulator_{{"--provisioning-duration", "1s"}};
  std::unique_ptr<OperatorInstance> daemon_;
  json steady_before_;
};

TEST_F(HostileInputTest, AnArmErrorWithAMultiByteCharacterAtTheCutIsReportedNotACrash) {
  const std::string message = std::string(511, 'a') + "\xC3\xA9 and more";
  const json faults = {{"routes",
                        {{{"route", "PUT containerGroups"}, {"errorRate", 1}, {"status", 400}, {"message", message},
                          {"count", 5}}}}};
  ASSERT_EQ(emulator_.call("POST", "/_emulator/faults", faults.dump()).status, 200u);
  reset_request_counts(emulator_);
  daemon_->write_spec("hello.yaml", GroupSpec{"hello"}.yaml());

  // The refused PUT is in /status and in the status file, cut before the character.
  ASSERT_TRUE(eventually([&] {
    return daemon_->status_of("ContainerGroup/hello").value("lastError", "").find("aaa...") != std::string::npos;
  }, 30s)) << daemon_->status().dump(2);
  EXPECT_TRUE(eventually([&] {
    const auto file = status_file("hello");
    return file.is_object() && file.value("lastError", "").find("aaa...") != std::string::npos;
  }, 10s));
  // Once the faults are used up the group is created after all.
  EXPECT_TRUE(ready("hello")) << daemon_->status().dump(2);
  EXPECT_GE(request_count(emulator_, "PUT containerGroups"), 5);
  expect_nothing_else_harmed();
}

TEST_F(HostileInputTest, ASpecValueThatIsNotUtf8IsAnInvalidSpecNamingTheField) {
  GroupSpec latin1{"cafe"};
  latin1.tags = "    team: caf\xE9\n";
  reset_request_counts(emulator_);
  daemon_->write_spec("cafe.yaml", latin1.yaml());

  ASSERT_TRUE(eventually([&] { return daemon_->condition("ContainerGroup/cafe", "Synced") == "False/InvalidSpec"; },
                         30s))
      << daemon_->status().dump(2);
  EXPECT_NE(daemon_->status_of("ContainerGroup/cafe").value("lastError", "").find("spec.tags.team: not valid UTF-8"),
            std::string::npos)
      << daemon_->status().dump(2);
  EXPECT_TRUE(eventually([&] { return status_file("cafe").value("lastError", "").find("spec.tags.team") !=
                                      std::string::npos; },
                         10s));
  // Two resync periods: nothing is written for it, ever.
  std::this_thread::sleep_for(4s);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 0);
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 0);
  expect_nothing_else_harmed();

  // Fixed, the same file creates the group.
  daemon_->write_spec("cafe.yaml", GroupSpec{"cafe"}.yaml());
  EXPECT_TRUE(ready("cafe")) << daemon_->status().dump(2);
}

}  // namespace
}  // namespace aci::testing
