#include "daemon/status/status_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/child_process.hpp"

namespace aci::status {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

const core::WallTime kStart{std::chrono::seconds(1767225600)};  // 2026-01-01T00:00:00Z

json read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

std::vector<std::string> files_under(const std::string& directory) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), directory).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class StatusStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<StatusStore> make_store(const std::string& directory) {
    return std::make_unique<StatusStore>(io.get_executor(), log::Logger(sink, "status"), directory);
  }
  void set_ready(StatusStore& store, const std::string& key, const std::string& status, core::WallTime now) {
    store.update(key, [&](json& object) { set_condition(object, "Ready", status, "Because", "said so", now); });
  }
  void run_turn() {
    io.restart();
    io.poll();
  }

  testing::TempDir dir;
  boost::asio::io_context io;
  std::ostringstream log_output;
  std::shared_ptr<log::LogSink> sink = std::make_shared<log::LogSink>(log_output);
};

TEST(SetConditionTest, AddsAConditionInTheShapeOfMetav1Condition) {
  json status = json::object();
  set_condition(status, "Ready", "False", "Provisioning", "the group is being created", kStart);
  EXPECT_EQ(status["conditions"], json::parse(R"([{"type":"Ready","status":"False","reason":"Provisioning",
      "message":"the group is being created","lastTransitionTime":"2026-01-01T00:00:00Z"}])"));
  EXPECT_EQ(find_condition(status, "Ready"), &status["conditions"][0]);
  EXPECT_EQ(find_condition(status, "Synced"), nullptr);
}

TEST(SetConditionTest, TheTransitionTimeMovesOnlyWhenTheStatusChanges) {
  json status = json::object();
  set_condition(status, "Ready", "False", "Provisioning", "creating", kStart);
  set_condition(status, "Ready", "False", "Pulling", "pulling images", kStart + 1min);
  EXPECT_EQ((*find_condition(status, "Ready"))["lastTransitionTime"], "2026-01-01T00:00:00Z");
  EXPECT_EQ((*find_condition(status, "Ready"))["reason"], "Pulling");
  EXPECT_EQ((*find_condition(status, "Ready"))["message"], "pulling images");
  set_condition(status, "Ready", "True", "Running", "", kStart + 2min);
  EXPECT_EQ((*find_condition(status, "Ready"))["lastTransitionTime"], "2026-01-01T00:02:00Z");
}

TEST(SetConditionTest, ConditionsOfOtherTypesAreKept) {
  json status = json::object();
  set_condition(status, "Ready", "True", "Running", "", kStart);
  set_condition(status, "Synced", "Unknown", "Pending", "", kStart);
  ASSERT_EQ(status["conditions"].size(), 2u);
  EXPECT_EQ((*find_condition(status, "Ready"))["status"], "True");
  EXPECT_EQ((*find_condition(status, "Synced"))["status"], "Unknown");
}

TEST(SetConditionTest, AStatusOtherThanTrueFalseOrUnknownIsABug) {
  json status = json::object();
  EXPECT_THROW(set_condition(status, "Ready", "true", "R", "", kStart), std::invalid_argument);
}

TEST_F(StatusStoreTest, UpdateStartsFromAnEmptyObjectAndKeepsWhatIsThere) {
  auto store = make_store("");
  store->update("ContainerGroup/web", [](json& status) {
    EXPECT_EQ(status, json::object());
    status["state"] = "Running";
  });
  store->update("ContainerGroup/web", [](json& status) { status["fqdn"] = "web.westeurope.azurecontainer.io"; });
  EXPECT_EQ(*store->find("ContainerGroup/web"),
            json::parse(R"({"state":"Running","fqdn":"web.westeurope.azurecontainer.io"})"));
  EXPECT_EQ(store->find("ContainerGroup/other"), nullptr);
}

TEST_F(StatusStoreTest, SnapshotHoldsEveryObjectByKeyAndRemoveForgetsOne) {
  auto store = make_store("");
  store->update("ContainerGroup/a", [](json& status) { status["state"] = "Running"; });
  store->update("CredentialRotation/b", [](json& status) { status["currentKeyId"] = "k1"; });
  EXPECT_EQ(store->snapshot(), json::parse(R"({"ContainerGroup/a":{"state":"Running"},
                                               "CredentialRotation/b":{"currentKeyId":"k1"}})"));
  store->remove("ContainerGroup/a");
  EXPECT_EQ(store->snapshot().size(), 1u);
}

TEST_F(StatusStoreTest, ASecretThatReachesAStatusIsRedacted) {
  const std::string secret = "pull-Pa55w0rd-value";
  sink->redactor().add(secret);
  auto store = make_store(dir.path());
  store->update("ContainerGroup/web", [&](json& status) {
    status["lastError"] = "login failed with " + secret;
    set_condition(status, "Synced", "False", "RegistryLoginFailed", "password " + secret + " refused", kStart);
  });
  store->flush();
  const auto text = store->snapshot().dump();
  EXPECT_EQ(text.find(secret), std::string::npos);
  EXPECT_NE(text.find("[REDACTED]"), std::string::npos);
  EXPECT_EQ(read_json(dir.path() + "/ContainerGroup/web.json").dump().find(secret), std::string::npos);
}

TEST_F(StatusStoreTest, StatusFilesAreWrittenAfterTheTurnOncePerKey) {
  auto store = make_store(dir.path());
  set_ready(*store, "ContainerGroup/web", "False", kStart);
  set_ready(*store, "ContainerGroup/web", "True", kStart + 1s);
  store->update("ContainerGroup/web", [](json& status) { status["state"] = "Running"; });
  store->update("ContainerGroup/prod/api", [](json& status) { status["state"] = "Pending"; });
  EXPECT_FALSE(fs::exists(dir.path() + "/ContainerGroup/web.json"));
  run_turn();
  EXPECT_EQ(store->files_written(), 2u);
  EXPECT_EQ(read_json(dir.path() + "/ContainerGroup/web.json"), *store->find("ContainerGroup/web"));
  EXPECT_EQ(read_json(dir.path() + "/ContainerGroup/prod/api.json")["state"], "Pending");
  // Only the final files: no temporary file is left behind.
  EXPECT_EQ(files_under(dir.path()), (std::vector<std::string>{"ContainerGroup/prod/api.json", "ContainerGroup/web.json"}));
}

TEST_F(StatusStoreTest, RemovingAnObjectDeletesItsFile) {
  auto store = make_store(dir.path());
  store->update("ContainerGroup/web", [](json& status) { status["state"] = "Running"; });
  run_turn();
  ASSERT_TRUE(fs::exists(dir.path() + "/ContainerGroup/web.json"));
  store->remove("ContainerGroup/web");
  run_turn();
  EXPECT_FALSE(fs::exists(dir.path() + "/ContainerGroup/web.json"));
}

TEST_F(StatusStoreTest, ARestartKeepsStatusesAndTransitionTimes) {
  auto first = make_store(dir.path());
  set_ready(*first, "ContainerGroup/web", "True", kStart);
  first.reset();  // writes what is pending
  auto second = make_store(dir.path());
  ASSERT_NE(second->find("ContainerGroup/web"), nullptr);
  set_ready(*second, "ContainerGroup/web", "True", kStart + 1h);
  EXPECT_EQ((*find_condition(*second->find("ContainerGroup/web"), "Ready"))["lastTransitionTime"],
            "2026-01-01T00:00:00Z");
}

TEST_F(StatusStoreTest, RetainDropsObjectsDeletedWhileStopped) {
  auto first = make_store(dir.path());
  set_ready(*first, "ContainerGroup/kept", "True", kStart);
  set_ready(*first, "ContainerGroup/gone", "True", kStart);
  first.reset();
  dir.write("ContainerGroup/.left-by-a-crash.json.tmp", "{");
  dir.write("ContainerGroup/garbage.json", "not json");
  auto second = make_store(dir.path());
  second->retain({"ContainerGroup/kept"});
  run_turn();
  EXPECT_EQ(second->snapshot().size(), 1u);
  EXPECT_EQ(files_under(dir.path()), (std::vector<std::string>{"ContainerGroup/garbage.json", "ContainerGroup/kept.json"}));
  EXPECT_NE(log_output.str().find("ignoring a status file"), std::string::npos);
}

TEST_F(StatusStoreTest, KeysThatCannotNameAFileSafelyAreNotWritten) {
  auto store = make_store(dir.path());
  EXPECT_EQ(store->file_for("ContainerGroup/web"), dir.path() + "/ContainerGroup/web.json");
  EXPECT_EQ(store->file_for("ContainerGroup/prod/web"), dir.path() + "/ContainerGroup/prod/web.json");
  EXPECT_EQ(store->file_for("ContainerGroup/../../etc/passwd"), std::nullopt);
  EXPECT_EQ(store->file_for("ContainerGroup/.hidden"), std::nullopt);
  EXPECT_EQ(store->file_for("web"), std::nullopt);
  EXPECT_EQ(store->file_for("ContainerGroup//web"), std::nullopt);
  store->update("ContainerGroup/../escape", [](json& status) { status["state"] = "x"; });
  store->flush();
  EXPECT_EQ(store->files_written(), 0u);
  EXPECT_FALSE(fs::exists(dir.path() + "/escape.json"));
}

TEST_F(StatusStoreTest, WithoutADirectoryNothingIsWritten) {
  auto store = make_store("");
  store->update("ContainerGroup/web", [](json& status) { status["state"] = "Running"; });
  run_turn();
  EXPECT_EQ(store->files_written(), 0u);
  EXPECT_EQ(store->file_for("ContainerGroup/web"), std::nullopt);
}

TEST_F(StatusStoreTest, TheStoreMayGoBeforeItsPostedWrite) {
  auto store = make_store(dir.path());
  store->update("ContainerGroup/web", [](json& status) { status["state"] = "Running"; });
  store.reset();
  run_turn();  // the posted write finds the store gone and does nothing
  EXPECT_EQ(read_json(dir.path() + "/ContainerGroup/web.json")["state"], "Running");
}

}  // namespace
}  // namespace aci::status
