#include "daemon/model/resource_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace aci::model {
namespace {

std::string group_document(const std::string& name, const std::string& cpu = "1") {
  return "apiVersion: acioperator.io/v1alpha1\n"
         "kind: ContainerGroup\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "spec:\n"
         "  azure: {subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: demo-rg, location: westeurope}\n"
         "  containers:\n"
         "    - name: app\n"
         "      image: nginx\n"
         "      resources: {cpu: " + cpu + "}\n";  // 10 lines
}

TEST(ModelResourceParserTest, OneBadDocumentLeavesTheOthersParsed) {
  const auto text = group_document("first") + "---\n" + group_document("second", "9") + "---\n" +
                    group_document("third");
  const auto result = parse_resources(text, "multi.yaml");
  ASSERT_EQ(result.documents.size(), 3U);
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.documents[0].ok());
  EXPECT_TRUE(result.documents[2].ok());
  const auto& bad = result.documents[1];
  EXPECT_FALSE(bad.ok());
  EXPECT_FALSE(bad.resource);
  EXPECT_EQ(bad.index, 1U);
  EXPECT_EQ(bad.name, "second");
  EXPECT_EQ(bad.kind, "ContainerGroup");
  EXPECT_EQ(bad.line, 12);
  ASSERT_EQ(bad.errors.size(), 1U);
  // Line 21 of the file: the second document starts after line 11's "---".
  EXPECT_EQ(bad.errors[0].to_string(),
            "multi.yaml:21: spec.containers[0].resources.cpu: must be greater than 0 and at most 4, got 9");
  EXPECT_EQ(bad.describe(bad.errors[0]),
            "multi.yaml:21: spec.containers[0].resources.cpu: must be greater than 0 and at most 4, got 9 "
            "(document 2, ContainerGroup second)");
  EXPECT_EQ(result.error_messages(), std::vector<std::string>{bad.describe(bad.errors[0])});
  EXPECT_EQ(std::get<ContainerGroup>(*result.documents[2].resource).metadata.name, "third");
}

TEST(ModelResourceParserTest, InvalidYamlInOneDocumentIsContained) {
  const auto text = group_document("first") + "---\nkind: [unclosed\n---\n" + group_document("third");
  const auto result = parse_resources(text, "multi.yaml");
  ASSERT_EQ(result.documents.size(), 3U);
  EXPECT_TRUE(result.documents[0].ok());
  EXPECT_TRUE(result.documents[2].ok());
  ASSERT_EQ(result.documents[1].errors.size(), 1U);
  const auto& error = result.documents[1].errors[0];
  EXPECT_EQ(error.file, "multi.yaml");
  EXPECT_GE(error.line, 12);
  EXPECT_LE(error.line, 13);
  EXPECT_EQ(error.message.rfind("invalid YAML: ", 0), 0U) << error.message;
  EXPECT_EQ(result.documents[1].label(), "document 2");
}

// Found by spec_fuzz: yaml-cpp quoted the offending byte, and the summary (a status
// condition's message) was no longer valid UTF-8.
TEST(ModelResourceParserTest, InvalidYamlMessageIsValidUtf8) {
  const auto result = parse_resources("kind: \"\\\xC0\"\n", "bad.yaml");
  ASSERT_EQ(result.documents.size(), 1U);
  const auto summary = result.documents[0].summary();
  EXPECT_NE(summary.find("invalid YAML: "), std::string::npos) << summary;
  EXPECT_EQ(summary.find('\xC0'), std::string::npos) << summary;
  EXPECT_NO_THROW((void)nlohmann::json(summary).dump());
}

TEST(ModelResourceParserTest, SkipsEmptyDocumentsAndComments) {
  const auto text = "# leading comment\n---\n" + group_document("only") + "---\n# nothing here\n---\n";
  const auto result = parse_resources(text, "a.yaml");
  ASSERT_EQ(result.documents.size(), 1U);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.documents[0].index, 0U);
  EXPECT_EQ(result.documents[0].line, 3);
}

TEST(ModelResourceParserTest, RejectsUnknownKindAndApiVersion) {
  EXPECT_EQ(parse_resources("apiVersion: v1\nkind: ContainerGroup\nmetadata: {name: a}\n", "k.yaml").error_messages(),
            (std::vector<std::string>{"k.yaml:1: apiVersion: must be acioperator.io/v1alpha1, got 'v1' (document 1, "
                                      "ContainerGroup a)",
                                      "k.yaml:1: spec: is required (document 1, ContainerGroup a)"}));
  EXPECT_EQ(parse_resources("apiVersion: acioperator.io/v1alpha1\nkind: Pod\nmetadata: {name: a}\nspec: {x: 1}\n",
                            "k.yaml")
                .error_messages(),
            (std::vector<std::string>{"k.yaml:2: kind: must be ContainerGroup or CredentialRotation, got 'Pod' "
                                      "(document 1, Pod a)"}));
  EXPECT_EQ(parse_resources("metadata: {name: a}\n", "k.yaml").error_messages(),
            (std::vector<std::string>{"k.yaml:1: apiVersion: is required (document 1, a)",
                                      "k.yaml:1: kind: is required (document 1, a)"}));
}

TEST(ModelResourceParserTest, RejectsDocumentThatIsNotAMapping) {
  EXPECT_EQ(parse_resources("- a\n- b\n", "l.yaml").error_messages(),
            std::vector<std::string>{"l.yaml:1: must be a mapping (document 1)"});
}

TEST(ModelResourceParserTest, RejectsInvalidMetadata) {
  EXPECT_EQ(parse_resources("apiVersion: acioperator.io/v1alpha1\nkind: CredentialRotation\nmetadata:\n"
                            "  namespace: Apps\nspec: {}\n",
                            "m.yaml")
                .documents[0]
                .errors.front()
                .to_string(),
            "m.yaml:4: metadata.name: is required");
  EXPECT_EQ(parse_resources("apiVersion: acioperator.io/v1alpha1\nkind: CredentialRotation\nmetadata:\n"
                            "  name: My_Rotation\n  owner: me\nspec: {}\n",
                            "m.yaml")
                .documents[0]
                .errors[0]
                .to_string(),
            "m.yaml:4: metadata.name: may contain only lowercase letters, digits, '-' and '.', got 'My_Rotation'");
}

TEST(ModelResourceParserTest, RejectsASecondDefinitionInTheSameFile) {
  const auto result = parse_resources(group_document("twin") + "---\n" + group_document("twin"), "d.yaml");
  ASSERT_EQ(result.documents.size(), 2U);
  EXPECT_TRUE(result.documents[0].ok());
  EXPECT_EQ(result.error_messages(),
            std::vector<std::string>{"d.yaml:12: metadata.name: ContainerGroup 'twin' is already defined in "
                                     "document 1 (ContainerGroup twin) (document 2, ContainerGroup twin)"});
}

TEST(ModelResourceParserTest, RejectsTwoSpecsForOneAzureContainerGroup) {
  auto second = group_document("other");
  second.insert(second.find("location: westeurope}") + std::string("location: westeurope").size(), ", name: same");
  auto first = group_document("same");
  const auto result = parse_resources(first + "---\n" + second, "d.yaml");
  ASSERT_EQ(result.documents.size(), 2U);
  EXPECT_TRUE(result.documents[0].ok());
  EXPECT_EQ(result.error_messages(),
            std::vector<std::string>{
                "d.yaml:12: spec.azure: container group /subscriptions/00000000-0000-0000-0000-000000000001/"
                "resourceGroups/demo-rg/providers/Microsoft.ContainerInstance/containerGroups/same is already "
                "managed by document 1 (ContainerGroup same) (document 2, ContainerGroup other)"});
}

TEST(ModelResourceParserTest, ParsesJson) {
  const auto result = parse_resources(
      R"({"apiVersion": "acioperator.io/v1alpha1", "kind": "ContainerGroup", "metadata": {"name": "j"},
          "spec": {"azure": {"subscriptionId": "00000000-0000-0000-0000-000000000001", "resourceGroup": "rg",
                             "location": "westeurope"},
                   "containers": [{"name": "app", "image": "nginx", "resources": {"cpu": 0.5, "memoryInGB": 1.0}}]}})",
      "j.json");
  ASSERT_TRUE(result.ok()) << result.error_messages().front();
  const auto& group = std::get<ContainerGroup>(*result.documents[0].resource);
  EXPECT_DOUBLE_EQ(group.containers[0].cpu, 0.5);
  EXPECT_EQ(kind_of(*result.documents[0].resource), "ContainerGroup");
  EXPECT_EQ(metadata_of(*result.documents[0].resource).name, "j");
}

TEST(ModelResourceParserTest, JsonErrorsNameTheLine) {
  const auto result = parse_resources(
      "{\n"
      "  \"apiVersion\": \"acioperator.io/v1alpha1\",\n"
      "  \"kind\": \"CredentialRotation\",\n"
      "  \"metadata\": {\"name\": \"r\"},\n"
      "  \"spec\": {\n"
      "    \"tenantId\": \"nope\"\n"
      "  }\n"
      "}\n",
      "r.json");
  ASSERT_FALSE(result.ok());
  const auto& errors = result.documents[0].errors;
  const auto tenant = std::find_if(errors.begin(), errors.end(),
                                   [](const auto& error) { return error.field == "spec.tenantId"; });
  ASSERT_NE(tenant, errors.end());
  EXPECT_EQ(tenant->to_string(),
            "r.json:6: spec.tenantId: must be a GUID such as 00000000-0000-0000-0000-000000000000, got 'nope'");
}

TEST(ModelResourceParserTest, MissingFileIsOneFailedDocument) {
  const auto result = load_resources("/nonexistent/specs.yaml");
  ASSERT_EQ(result.documents.size(), 1U);
  EXPECT_EQ(result.error_messages(),
            std::vector<std::string>{"/nonexistent/specs.yaml: cannot read the file (document 1)"});
}

TEST(ModelResourceParserTest, LoadsAFile) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("model-parser-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".yaml");
  std::ofstream(path) << group_document("from-file");
  const auto result = load_resources(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.documents[0].file, path.string());
}

}  // namespace
}  // namespace aci::model
