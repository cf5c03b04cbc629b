#include "daemon/source/spec_tree.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/support/child_process.hpp"

namespace aci::source {
namespace {

namespace fs = std::filesystem;

TEST(SpecTreeTest, SpecFilesAreYamlOrJsonAndNotHidden) {
  EXPECT_TRUE(is_spec_file_name("web.yaml"));
  EXPECT_TRUE(is_spec_file_name("web.yml"));
  EXPECT_TRUE(is_spec_file_name("web.json"));
  EXPECT_FALSE(is_spec_file_name(".web.yaml"));
  EXPECT_FALSE(is_spec_file_name("web.yaml.swp"));
  EXPECT_FALSE(is_spec_file_name("web.yaml~"));
  EXPECT_FALSE(is_spec_file_name("README.md"));
}

TEST(SpecTreeTest, FollowsFileLinksButNotDirectoryLinks) {
  testing::TempDir dir;
  dir.write("real/a.yaml", "");
  fs::create_symlink(dir.path() + "/real/a.yaml", dir.path() + "/link.yaml");
  fs::create_directory_symlink(dir.path() + "/real", dir.path() + "/loop");
  fs::create_symlink(dir.path() + "/nowhere.yaml", dir.path() + "/dangling.yaml");
  const auto tree = SpecTree::scan(dir.path());
  std::vector<std::string> files;
  for (const auto& [path, stamp] : tree.files) files.push_back(fs::path(path).lexically_relative(dir.path()).string());
  EXPECT_EQ(files, (std::vector<std::string>{"link.yaml", "real/a.yaml"}));
  EXPECT_EQ(tree.files.at(dir.path() + "/link.yaml"), tree.files.at(dir.path() + "/real/a.yaml"));
  EXPECT_EQ(tree.directories, (std::set<std::string>{dir.path(), dir.path() + "/real"}));
  EXPECT_TRUE(tree.unreadable.empty());  // a dangling link is a file that is not there
}

TEST(SpecTreeTest, AMissingRootIsUnreadableNotEmpty) {
  const auto tree = SpecTree::scan("/nonexistent/specs");
  EXPECT_EQ(tree.unreadable, (std::vector<std::string>{"/nonexistent/specs"}));
  EXPECT_TRUE(tree.under_unreadable("/nonexistent/specs/a.yaml"));
  EXPECT_FALSE(tree.under_unreadable("/nonexistent/specs-other/a.yaml"));
}

}  // namespace
}  // namespace aci::source
