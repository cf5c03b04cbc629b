#include "emulator/seed/seed_file.hpp"

#include <gtest/gtest.h>

namespace aci::emulator {
namespace {

TEST(SeedFileTest, YamlPlainScalarsBecomeTypedQuotedStayStrings) {
  auto seed = parse_seed_text("a: 5\nb: true\nc: '5'\nd: 1.5\ne: ~\nf: text\ng: [x, 'true']\n");
  ASSERT_TRUE(seed) << seed.error();
  EXPECT_EQ((*seed)["a"], 5);
  EXPECT_EQ((*seed)["b"], true);
  EXPECT_EQ((*seed)["c"], "5");
  EXPECT_EQ((*seed)["d"], 1.5);
  EXPECT_TRUE((*seed)["e"].is_null());
  EXPECT_EQ((*seed)["f"], "text");
  EXPECT_EQ((*seed)["g"][1], "true");
}

TEST(SeedFileTest, GuidsAndZeroPaddedIdsStayStrings) {
  auto seed = parse_seed_text("id: 00000000-0000-0000-0000-000000000001\nversion: v1\n");
  ASSERT_TRUE(seed);
  EXPECT_EQ((*seed)["id"], "00000000-0000-0000-0000-000000000001");
}

TEST(SeedFileTest, MalformedDocumentsAreErrorsNotThrows) {
  EXPECT_FALSE(parse_seed_text("a: [1, 2"));
  EXPECT_FALSE(parse_seed_text("- just\n- a list\n"));
  EXPECT_FALSE(parse_seed_text("{\"a\": ", true));
  EXPECT_TRUE(parse_seed_text(""));
}

TEST(SeedFileTest, DemoSeedReads) {
  auto seed = read_seed_file(std::string(ACI_SOURCE_DIR) + "/config/emulator-demo.yaml");
  ASSERT_TRUE(seed) << seed.error();
  EXPECT_EQ((*seed)["registries"][0]["name"], "myregistry");
  EXPECT_FALSE(read_seed_file("/nonexistent/seed.yaml"));
}

}  // namespace
}  // namespace aci::emulator
