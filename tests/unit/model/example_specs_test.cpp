#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "daemon/model/arm_body.hpp"
#include "daemon/model/resource_parser.hpp"

namespace aci::model {
namespace {

std::vector<std::filesystem::path> example_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(ACI_SOURCE_DIR) / "config/examples")) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ModelExamplesTest, EveryExampleFileParses) {
  const auto files = example_files();
  ASSERT_GE(files.size(), 4U);
  std::size_t groups = 0;
  std::size_t rotations = 0;
  for (const auto& file : files) {
    const auto result = load_resources(file.string());
    EXPECT_FALSE(result.documents.empty()) << file;
    for (const auto& message : result.error_messages()) ADD_FAILURE() << message;
    for (const auto& document : result.documents) {
      if (!document.resource) continue;
      if (std::holds_alternative<ContainerGroup>(*document.resource)) {
        ++groups;
        // Every example also builds a body once its secrets are resolved.
        const auto& group = std::get<ContainerGroup>(*document.resource);
        ResolvedSecrets secrets;
        for (const auto& ref : group.secret_refs()) secrets[ref] = {"value", "1"};
        EXPECT_TRUE(build_arm_body(group, secrets, "examples")) << file;
      } else {
        ++rotations;
      }
    }
  }
  EXPECT_GE(groups, 3U);
  EXPECT_GE(rotations, 1U);
}

TEST(ModelExamplesTest, HelloWorldPullsWithTheRotatedCredential) {
  const auto result = load_resources(std::string(ACI_SOURCE_DIR) + "/config/examples/hello-world.yaml");
  ASSERT_TRUE(result.ok());
  const auto& group = std::get<ContainerGroup>(*result.documents.at(0).resource);
  EXPECT_EQ(group.azure.subscription_id, "00000000-0000-0000-0000-000000000001");
  EXPECT_EQ(group.azure.resource_group, "demo-rg");
  EXPECT_EQ(group.azure.location, "westeurope");
  EXPECT_EQ(group.containers.at(0).image, "myregistry.azurecr.io/aci-helloworld:v1");
  EXPECT_EQ(group.secret_refs(), (std::vector<KeyVaultRef>{{"mykeyvault", "myregistry-pull-pwd"},
                                                          {"mykeyvault", "myregistry-pull-usr"}}));

  const auto rotations = load_resources(std::string(ACI_SOURCE_DIR) + "/config/examples/myregistry-pull-rotation.yaml");
  ASSERT_TRUE(rotations.ok());
  const auto& rotation = std::get<CredentialRotation>(*rotations.documents.at(0).resource);
  EXPECT_EQ(rotation.metadata.name, "myregistry-pull");
  EXPECT_EQ(rotation.password_ref(), (KeyVaultRef{"mykeyvault", "myregistry-pull-pwd"}));
  EXPECT_EQ(rotation.username_ref(), (KeyVaultRef{"mykeyvault", "myregistry-pull-usr"}));
}

}  // namespace
}  // namespace aci::model
