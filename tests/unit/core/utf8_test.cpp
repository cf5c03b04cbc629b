#include "daemon/core/utf8.hpp"

#include <gtest/gtest.h>

namespace aci::core {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

TEST(Utf8Test, AcceptsWellFormedTextAndRejectsEveryIllFormedShape) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));                          // U+10FFFF
  EXPECT_FALSE(is_valid_utf8("caf\xE9"));                                  // Latin-1
  EXPECT_FALSE(is_valid_utf8("\xC3"));                                     // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                                 // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));                             // overlong, 3 bytes
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));                             // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));                         // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\x80"));                                     // lone continuation
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(Utf8Test, ReplacesEachMaximalIllFormedPartWithOneReplacementCharacter) {
  EXPECT_EQ(to_valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(to_valid_utf8("caf\xE9"), "caf" + kReplacement);
  // A truncated three-byte character is one ill-formed part, then the text goes on.
  EXPECT_EQ(to_valid_utf8("a\xE2\x82z"), "a" + kReplacement + "z");
  // Bytes that can never begin a character are replaced one by one.
  EXPECT_EQ(to_valid_utf8("\xC0\xAF"), kReplacement + kReplacement);
  EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), kReplacement + kReplacement + kReplacement);
  EXPECT_TRUE(is_valid_utf8(to_valid_utf8("\xF0\x9F\x98\xF0\x9F\x98\x80\xFF")));
}

TEST(Utf8Test, PrefixNeverEndsInsideACharacter) {
  const std::string text = std::string(511, 'a') + "\xC3\xA9 and more";
  EXPECT_EQ(utf8_prefix(text, 512), std::string(511, 'a'));
  EXPECT_EQ(utf8_prefix(text, 513), std::string(511, 'a') + "\xC3\xA9");
  EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80", 3), "");
  EXPECT_EQ(utf8_prefix("short", 512), "short");
  for (std::size_t limit = 0; limit < 12; ++limit) {
    EXPECT_TRUE(is_valid_utf8(utf8_prefix("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", limit))) << limit;
  }
}

TEST(Utf8Test, RepairsStringsAndKeysOfJsonSoAStrictDumpNeverThrows) {
  nlohmann::json value = {{"message", "caf\xE9"}, {"list", {"ok", "\xFF"}}, {"nested", {{"k\xE9y", "v"}}}};
  EXPECT_THROW((void)value.dump(), nlohmann::json::type_error);
  make_valid_utf8(value);
  EXPECT_NO_THROW((void)value.dump());
  EXPECT_EQ(value["message"], "caf" + kReplacement);
  EXPECT_EQ(value["list"][1], kReplacement);
  EXPECT_TRUE(value["nested"].contains("k" + kReplacement + "y"));
  EXPECT_EQ(dump_json(nlohmann::json("\xE9")), "\"" + kReplacement + "\"");
}

}  // namespace
}  // namespace aci::core
