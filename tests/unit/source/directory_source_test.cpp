#include "daemon/source/directory_source.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <functional>
#include <sstream>

#include "daemon/core/loop_supervisor.hpp"
#include "daemon/core/test_fault.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/fake_clock.hpp"
#include "tests/unit/source/source_fixtures.hpp"

namespace aci::source {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test::group_spec;

constexpr auto kDebounce = 100ms;

// Real files, real inotify and a real io_context; the debounce runs on a FakeClock, so
// how often a file is read does not depend on how fast this machine is. The kernel
// queues an inotify event before the write that causes it returns, so one poll of
// the io_context sees every change made so far.
class DirectorySourceTest : public ::testing::Test {
 protected:
  DirectorySourceTest()
      : clock(io),
        logger(std::make_shared<log::LogSink>(log_output, log::Level::debug), "source"),
        source(std::make_unique<DirectorySource>(io.get_executor(), dir.path(), kDebounce, clock, logger, store)) {
    store.set_listener([this](const std::string& key) { notified.push_back(key); });
  }

  // The source takes the queued events, then the quiet period passes.
  void settle() {
    clock.poll();
    clock.advance(kDebounce);
  }
  // settle() until `done`, giving up (and failing) after ten seconds of real time.
  bool settle_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io.run_one_for(5ms);
      settle();
    }
    return true;
  }
  std::string image(const std::string& name) const {
    const auto* entry = store.find("ContainerGroup/" + name);
    return entry && entry->resource ? std::get<model::ContainerGroup>(*entry->resource).containers[0].image : "";
  }
  bool present(const std::string& name) const { return store.find("ContainerGroup/" + name) != nullptr; }

  testing::TempDir dir;
  boost::asio::io_context io;
  aci::test::FakeClock clock;
  std::ostringstream log_output;
  log::Logger logger;
  SpecStore store;
  std::unique_ptr<DirectorySource> source;
  std::vector<std::string> notified;
};

TEST_F(DirectorySourceTest, ReadsTheTreeAtStartSkippingHiddenAndForeignFiles) {
  dir.write("a.yaml", group_spec("one"));
  dir.write("nested/deeper/b.yml", group_spec("two"));
  dir.write("c.json", R"({"apiVersion":"acioperator.io/v1alpha1","kind":"ContainerGroup","metadata":{"name":"three"},)"
                      R"("spec":{"azure":{"subscriptionId":"00000000-0000-0000-0000-000000000001","resourceGroup":"rg",)"
                      R"("location":"westeurope"},"containers":[{"name":"app","image":"nginx:1",)"
                      R"("resources":{"cpu":1,"memoryInGB":1.5}}]}})");
  dir.write(".hidden.yaml", group_spec("hidden"));
  dir.write(".git/config.yaml", group_spec("git"));
  dir.write("notes.txt", group_spec("text"));
  dir.write("backup.yaml~", group_spec("backup"));
  ASSERT_TRUE(source->start({}));
  EXPECT_EQ(store.keys("ContainerGroup"),
            (std::vector<std::string>{"ContainerGroup/one", "ContainerGroup/three", "ContainerGroup/two"}));
  EXPECT_EQ(source->files_read(), 3u);
}

TEST_F(DirectorySourceTest, SymlinkedFilesAreFollowedAsInAConfigMapMount) {
  dir.write("..2026_01_01/a.yaml", group_spec("one", "nginx:1"));
  dir.write("..2026_01_02/a.yaml", group_spec("one", "nginx:2"));
  fs::create_directory_symlink("..2026_01_01", dir.path() + "/..data");
  fs::create_symlink("..data/a.yaml", dir.path() + "/a.yaml");
  ASSERT_TRUE(source->start({}));
  EXPECT_EQ(image("one"), "nginx:1");
  // The kubelet's update: a new ..data link renamed over the old one.
  fs::create_directory_symlink("..2026_01_02", dir.path() + "/..data_tmp");
  fs::rename(dir.path() + "/..data_tmp", dir.path() + "/..data");
  ASSERT_TRUE(settle_until([&] { return image("one") == "nginx:2"; }));
}

TEST_F(DirectorySourceTest, AnEditIsReadOnceTheQuietPeriodHasPassed) {
  dir.write("a.yaml", group_spec("one", "nginx:1"));
  ASSERT_TRUE(source->start({}));
  const auto reads = source->files_read();
  dir.write("a.yaml", group_spec("one", "nginx:2"));
  clock.poll();
  clock.advance(kDebounce - 1ms);
  EXPECT_EQ(image("one"), "nginx:1");
  clock.advance(1ms);
  EXPECT_EQ(image("one"), "nginx:2");
  EXPECT_EQ(source->files_read(), reads + 1);
  EXPECT_EQ(notified, (std::vector<std::string>{"ContainerGroup/one", "ContainerGroup/one"}));
}

TEST_F(DirectorySourceTest, ABurstOfWritesIsReadOnce) {
  ASSERT_TRUE(source->start({}));
  for (int i = 0; i < 20; ++i) dir.write("a.yaml", group_spec("one", "nginx:" + std::to_string(i)));
  ASSERT_TRUE(settle_until([&] { return image("one") == "nginx:19"; }));
  EXPECT_EQ(source->files_read(), 1u);
}

TEST_F(DirectorySourceTest, EventsDuringTheQuietPeriodPostponeTheRead) {
  dir.write("a.yaml", group_spec("one", "nginx:1"));
  ASSERT_TRUE(source->start({}));
  dir.write("a.yaml", group_spec("one", "nginx:2"));
  clock.poll();
  clock.advance(kDebounce / 2);
  dir.write("b.yaml", group_spec("two"));
  clock.advance(kDebounce / 2);  // the first quiet period ends, but it was not quiet
  EXPECT_EQ(image("one"), "nginx:1");
  clock.advance(kDebounce);
  EXPECT_EQ(image("one"), "nginx:2");
  EXPECT_TRUE(present("two"));
}

TEST_F(DirectorySourceTest, ABurstThatNeverGoesQuietIsStillRead) {
  ASSERT_TRUE(source->start({}));
  int writes = 0;
  while (source->files_read() == 0 && writes < 100) {
    dir.write("a.yaml", group_spec("one", "nginx:" + std::to_string(writes++)));
    clock.poll();
    clock.advance(kDebounce / 2);
  }
  EXPECT_TRUE(present("one"));
  EXPECT_LE(writes, 21);  // ten debounce periods
}

TEST_F(DirectorySourceTest, AnEditInvisibleToTheFileStampIsStillRead) {
  const auto path = dir.write("a.yaml", group_spec("one", "nginx:1"));
  const auto written = fs::last_write_time(path);
  ASSERT_TRUE(source->start({}));
  // Same size, same modification time (as two writes within one tick of the file
  // system's clock), same inode: only the event says the file changed.
  dir.write("a.yaml", group_spec("one", "nginx:2"));
  fs::last_write_time(path, written);
  ASSERT_TRUE(settle_until([&] { return image("one") == "nginx:2"; }));
}

TEST_F(DirectorySourceTest, ARenamedFileKeepsItsObjects) {
  dir.write("a.yaml", group_spec("one"));
  ASSERT_TRUE(source->start({}));
  fs::rename(dir.path() + "/a.yaml", dir.path() + "/renamed.yaml");
  ASSERT_TRUE(settle_until([&] { return present("one") && store.find("ContainerGroup/one")->origin.ends_with("renamed.yaml"); }));
  EXPECT_TRUE(store.find("ContainerGroup/one")->error.empty());
}

TEST_F(DirectorySourceTest, ADeletedFileDeletesItsObjects) {
  dir.write("a.yaml", group_spec("one") + "---\n" + group_spec("two"));
  dir.write("b.yaml", group_spec("three"));
  ASSERT_TRUE(source->start({}));
  fs::remove(dir.path() + "/a.yaml");
  ASSERT_TRUE(settle_until([&] { return !present("one"); }));
  EXPECT_FALSE(present("two"));
  EXPECT_TRUE(present("three"));
}

TEST_F(DirectorySourceTest, DirectoriesMadeAfterStartAreWatched) {
  ASSERT_TRUE(source->start({}));
  dir.write("new/deeper/a.yaml", group_spec("one"));
  ASSERT_TRUE(settle_until([&] { return present("one"); }));
  // Found by the walk the first time; this one only a watch on the new directory sees.
  dir.write("new/deeper/b.yaml", group_spec("two"));
  ASSERT_TRUE(settle_until([&] { return present("two"); }));
  fs::rename(dir.path() + "/new", dir.path() + "/moved");
  ASSERT_TRUE(settle_until(
      [&] { return present("two") && store.find("ContainerGroup/two")->origin.find("/moved/") != std::string::npos; }));
  dir.write("moved/deeper/c.yaml", group_spec("three"));
  ASSERT_TRUE(settle_until([&] { return present("three"); }));
  fs::remove_all(dir.path() + "/moved");
  ASSERT_TRUE(settle_until([&] { return store.size() == 0; }));
}

TEST_F(DirectorySourceTest, ABrokenFileMarksOnlyItsOwnObjectsFailed) {
  dir.write("a.yaml", group_spec("one"));
  dir.write("b.yaml", group_spec("two"));
  ASSERT_TRUE(source->start({}));
  dir.write("b.yaml", "kind: [broken");
  ASSERT_TRUE(settle_until([&] { return !store.find("ContainerGroup/two")->error.empty(); }));
  EXPECT_EQ(image("two"), "nginx:1");
  EXPECT_TRUE(store.find("ContainerGroup/one")->error.empty());
  EXPECT_NE(log_output.str().find("invalid spec"), std::string::npos);
}

TEST_F(DirectorySourceTest, TheSameObjectInTwoFilesIsAnErrorNamingBoth) {
  const auto a = dir.write("a.yaml", group_spec("one", "nginx:1"));
  ASSERT_TRUE(source->start({}));
  const auto b = dir.write("b.yaml", group_spec("one", "nginx:2"));
  ASSERT_TRUE(settle_until([&] { return !store.find("ContainerGroup/one")->error.empty(); }));
  EXPECT_EQ(store.find("ContainerGroup/one")->error,
            "ContainerGroup/one is declared in more than one file: " + a + ", " + b);
  EXPECT_EQ(image("one"), "nginx:1");
}

TEST_F(DirectorySourceTest, ARootThatDisappearsDeletesNothing) {
  dir.write("a.yaml", group_spec("one"));
  ASSERT_TRUE(source->start({}));
  const auto moved = dir.path() + ".moved";
  fs::rename(dir.path(), moved);
  settle();
  settle();
  EXPECT_EQ(image("one"), "nginx:1");
  EXPECT_NE(log_output.str().find("cannot read part of the spec directory"), std::string::npos);
  fs::rename(moved, dir.path());
  ASSERT_TRUE(settle_until([&] { return store.find("ContainerGroup/one")->error.empty(); }));
}

TEST_F(DirectorySourceTest, StopWhileWaitingForTheQuietPeriodReadsNothingMore) {
  ASSERT_TRUE(source->start({}));
  dir.write("a.yaml", group_spec("one"));
  clock.poll();
  ASSERT_EQ(clock.sleeper_count(), 1u);  // the source waits for quiet
  source->stop();
  source.reset();  // destroying it at once must be safe: its coroutine has not ended yet
  clock.advance(kDebounce * 20);
  io.restart();
  io.run();  // the coroutine ends, so run() returns
  EXPECT_FALSE(present("one"));
}

TEST_F(DirectorySourceTest, StopWhileWaitingForEventsEndsTheCoroutine) {
  ASSERT_TRUE(source->start({}));
  clock.poll();
  source->stop();
  source->stop();
  source.reset();
  io.restart();
  EXPECT_GE(io.run(), 1u);  // the aborted wait resumed the coroutine, which ended
}

TEST_F(DirectorySourceTest, AWatchThatThrowsIsRestartedAndReadsEveryFileAgain) {
  core::loop_supervisor(io.get_executor()).configure(clock, logger, {});
  dir.write("a.yaml", group_spec("one"));
  core::arm_test_faults("directory_watch");
  ASSERT_TRUE(source->start({}));
  clock.poll();  // the watch throws at its first iteration
  core::arm_test_faults("");
  EXPECT_NE(log_output.str().find("background loop failed; restarting it"), std::string::npos);
  dir.write("b.yaml", group_spec("two"));  // while the watch is down
  clock.advance(1s);                      // the first backoff
  EXPECT_TRUE(present("two"));
  // Both files were read again: a.yaml twice in all, though it did not change.
  EXPECT_EQ(source->files_read(), 3u);
  dir.write("c.yaml", group_spec("three"));
  EXPECT_TRUE(settle_until([&] { return present("three"); }));
}

TEST_F(DirectorySourceTest, AStoppedSourceNeitherStartsNorRescans) {
  dir.write("a.yaml", group_spec("one"));
  source->stop();
  EXPECT_FALSE(source->start({}));
  source->rescan();
  EXPECT_EQ(store.size(), 0u);
}

TEST_F(DirectorySourceTest, RescanReadsOnlyWhatChanged) {
  dir.write("a.yaml", group_spec("one"));
  dir.write("b.yaml", group_spec("two"));
  ASSERT_TRUE(source->start({}));
  source->rescan();
  EXPECT_EQ(source->files_read(), 2u);
  dir.write("b.yaml", group_spec("two", "nginx:22"));
  source->rescan();
  EXPECT_EQ(source->files_read(), 3u);
  EXPECT_EQ(image("two"), "nginx:22");
}

TEST_F(DirectorySourceTest, AMissingRootIsAClearError) {
  DirectorySource missing(io.get_executor(), "/nonexistent/specs/", kDebounce, clock, logger, store);
  auto started = missing.start({});
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error(), "spec directory '/nonexistent/specs' is not a readable directory");
}

// The daemon's configuration: the real clock and its timers.
TEST(DirectorySourceRealClockTest, AnEditIsRead) {
  testing::TempDir dir;
  dir.write("a.yaml", group_spec("one", "nginx:1"));
  boost::asio::io_context io;
  core::RealClock clock;
  std::ostringstream output;
  SpecStore store;
  DirectorySource source(io.get_executor(), dir.path(), 20ms, clock,
                         log::Logger(std::make_shared<log::LogSink>(output), "source"), store);
  ASSERT_TRUE(source.start({}));
  dir.write("a.yaml", group_spec("one", "nginx:2"));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  auto image = [&] { return std::get<model::ContainerGroup>(*store.find("ContainerGroup/one")->resource).containers[0].image; };
  while (image() != "nginx:2" && std::chrono::steady_clock::now() < deadline) io.run_one_for(50ms);
  EXPECT_EQ(image(), "nginx:2");
  source.stop();
  io.restart();
  io.run();  // every wait ends after stop(), so this returns
}

}  // namespace
}  // namespace aci::source
