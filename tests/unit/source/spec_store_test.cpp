#include "daemon/source/spec_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/source/source_fixtures.hpp"

namespace aci::source {
namespace {

std::string image_of(const SpecStore& store, const std::string& key) {
  const auto* entry = store.find(key);
  if (entry == nullptr || !entry->resource) return "";
  return std::get<model::ContainerGroup>(*entry->resource).containers.at(0).image;
}

class SpecStoreTest : public ::testing::Test {
 protected:
  SpecStoreTest() {
    store.set_listener([this](const std::string& key) { notified.push_back(key); });
  }
  void load(const std::string& file, const std::string& text) {
    store.update_origin(file, model::parse_resources(text, file));
  }
  bool was_notified(const std::string& key) const {
    return std::find(notified.begin(), notified.end(), key) != notified.end();
  }
  SpecStore store;
  std::vector<std::string> notified;
};

TEST_F(SpecStoreTest, KeysCarryKindNamespaceAndName) {
  EXPECT_EQ(resource_key("ContainerGroup", "", "web"), "ContainerGroup/web");
  EXPECT_EQ(resource_key("ContainerGroup", "prod", "web"), "ContainerGroup/prod/web");
}

TEST_F(SpecStoreTest, ANamespacedObjectIsKeyedWithItsNamespace) {
  load("a.yaml", test::group_spec("web", "nginx:1", "prod"));
  EXPECT_EQ(store.keys("ContainerGroup"), (std::vector<std::string>{"ContainerGroup/prod/web"}));
}

TEST_F(SpecStoreTest, StoresEveryDocumentOfAFileAndNotifiesEach) {
  load("a.yaml", test::group_spec("one") + "---\n" + test::group_spec("two"));
  EXPECT_EQ(store.keys("ContainerGroup"), (std::vector<std::string>{"ContainerGroup/one", "ContainerGroup/two"}));
  EXPECT_EQ(notified, (std::vector<std::string>{"ContainerGroup/one", "ContainerGroup/two"}));
  EXPECT_EQ(store.find("ContainerGroup/one")->origin, "a.yaml");
  EXPECT_TRUE(store.keys("CredentialRotation").empty());
}

TEST_F(SpecStoreTest, ABadDocumentKeepsTheLastGoodSpecAndCarriesTheError) {
  load("a.yaml", test::group_spec("one", "nginx:1") + "---\n" + test::group_spec("two"));
  // "bogus" sits directly under spec: the document is valid YAML with an unknown field.
  load("a.yaml", test::group_spec("one", "nginx:2") + "---\n" + test::group_spec("two", "nginx:2") + "  bogus: 1\n");
  EXPECT_EQ(image_of(store, "ContainerGroup/one"), "nginx:2");
  EXPECT_EQ(image_of(store, "ContainerGroup/two"), "nginx:1");
  EXPECT_NE(store.find("ContainerGroup/two")->error.find("spec.bogus: unknown key"), std::string::npos);
  EXPECT_TRUE(store.find("ContainerGroup/one")->error.empty());
}

TEST_F(SpecStoreTest, AFixedDocumentClearsTheErrorAndTakesTheNewSpec) {
  load("a.yaml", test::group_spec("one", "nginx:1"));
  load("a.yaml", test::group_spec("one", "nginx:2") + "  bogus: 1\n");
  load("a.yaml", test::group_spec("one", "nginx:3"));
  EXPECT_EQ(image_of(store, "ContainerGroup/one"), "nginx:3");
  EXPECT_TRUE(store.find("ContainerGroup/one")->error.empty());
}

TEST_F(SpecStoreTest, AnObjectThatNeverParsedHasAnErrorAndNoSpec) {
  load("a.yaml", test::group_spec("one") + "  bogus: 1\n");
  const auto* entry = store.find("ContainerGroup/one");
  ASSERT_NE(entry, nullptr);
  EXPECT_FALSE(entry->resource.has_value());
  EXPECT_NE(entry->error.find("unknown key"), std::string::npos);
}

TEST_F(SpecStoreTest, AnUnreadableFileDeletesNothing) {
  load("a.yaml", test::group_spec("one"));
  load("a.yaml", "{not yaml: [");
  ASSERT_NE(store.find("ContainerGroup/one"), nullptr);
  EXPECT_EQ(image_of(store, "ContainerGroup/one"), "nginx:1");
  EXPECT_NE(store.find("ContainerGroup/one")->error.find("invalid YAML"), std::string::npos);
  EXPECT_TRUE(store.has_origin_error("a.yaml"));
  EXPECT_TRUE(store.origin_errors().contains("a.yaml"));
}

TEST_F(SpecStoreTest, APartlyUnreadableFileKeepsObjectsItNoLongerNames) {
  load("a.yaml", test::group_spec("one") + "---\n" + test::group_spec("two"));
  load("a.yaml", test::group_spec("one") + "---\nkind: [broken\n");
  EXPECT_TRUE(store.find("ContainerGroup/one")->error.empty());
  ASSERT_NE(store.find("ContainerGroup/two"), nullptr);
  EXPECT_EQ(image_of(store, "ContainerGroup/two"), "nginx:1");
  EXPECT_NE(store.find("ContainerGroup/two")->error.find("invalid YAML"), std::string::npos);
  // Once the file reads cleanly without it, it is deleted.
  load("a.yaml", test::group_spec("one"));
  EXPECT_EQ(store.find("ContainerGroup/two"), nullptr);
  EXPECT_FALSE(store.has_origin_error("a.yaml"));
}

TEST_F(SpecStoreTest, ACleanReadWithoutTheObjectDeletesIt) {
  load("a.yaml", test::group_spec("one") + "---\n" + test::group_spec("two"));
  notified.clear();
  load("a.yaml", test::group_spec("one"));
  EXPECT_EQ(store.find("ContainerGroup/two"), nullptr);
  EXPECT_TRUE(was_notified("ContainerGroup/two"));
}

TEST_F(SpecStoreTest, RemovingTheOriginDeletesItsObjects) {
  load("a.yaml", test::group_spec("one"));
  notified.clear();
  store.remove_origin("a.yaml");
  EXPECT_EQ(store.find("ContainerGroup/one"), nullptr);
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(notified, (std::vector<std::string>{"ContainerGroup/one"}));
}

TEST_F(SpecStoreTest, AnObjectDeclaredInTwoFilesIsAnErrorNamingBoth) {
  load("a.yaml", test::group_spec("one", "nginx:1"));
  load("b.yaml", test::group_spec("one", "nginx:2"));
  const auto* entry = store.find("ContainerGroup/one");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->error, "ContainerGroup/one is declared in more than one file: a.yaml, b.yaml");
  EXPECT_EQ(image_of(store, "ContainerGroup/one"), "nginx:1");  // the running spec is left alone
  // Re-reading either file does not pick a winner.
  load("a.yaml", test::group_spec("one", "nginx:3"));
  EXPECT_FALSE(store.find("ContainerGroup/one")->error.empty());
  EXPECT_EQ(image_of(store, "ContainerGroup/one"), "nginx:1");
  // Once one file is gone, the other one's spec applies.
  store.remove_origin("a.yaml");
  EXPECT_TRUE(store.find("ContainerGroup/one")->error.empty());
  EXPECT_EQ(store.find("ContainerGroup/one")->origin, "b.yaml");
  EXPECT_EQ(image_of(store, "ContainerGroup/one"), "nginx:2");
}

TEST_F(SpecStoreTest, AnObjectDeclaredTwiceInOneFileIsAnError) {
  load("a.yaml", test::group_spec("one", "nginx:1") + "---\n" + test::group_spec("one", "nginx:2"));
  const auto* entry = store.find("ContainerGroup/one");
  ASSERT_NE(entry, nullptr);
  EXPECT_NE(entry->error.find("already defined in document 1"), std::string::npos);
  EXPECT_FALSE(entry->resource.has_value());
}

TEST_F(SpecStoreTest, AnObjectMovedToAnotherFileComesFromThere) {
  load("a.yaml", test::group_spec("one"));
  store.remove_origin("a.yaml");
  load("b.yaml", test::group_spec("one", "nginx:2"));
  EXPECT_EQ(store.find("ContainerGroup/one")->origin, "b.yaml");
  EXPECT_EQ(image_of(store, "ContainerGroup/one"), "nginx:2");
}

TEST_F(SpecStoreTest, TheListenerSeesTheUpdatedStore) {
  load("a.yaml", test::group_spec("one", "nginx:1") + "---\n" + test::group_spec("two", "nginx:1"));
  std::vector<std::string> seen;
  store.set_listener([&](const std::string& key) { seen.push_back(image_of(store, key)); });
  load("a.yaml", test::group_spec("one", "nginx:2") + "---\n" + test::group_spec("two", "nginx:2"));
  EXPECT_EQ(seen, (std::vector<std::string>{"nginx:2", "nginx:2"}));
}

}  // namespace
}  // namespace aci::source
