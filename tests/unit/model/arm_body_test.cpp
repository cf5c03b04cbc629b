#include "daemon/model/arm_body.hpp"

#include <gtest/gtest.h>

#include "daemon/model/spec_hash.hpp"
#include "tests/unit/model/model_fixtures.hpp"

namespace aci::model {
namespace {

using namespace fixtures;

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

nlohmann::json hello_body() {
  auto body = build_arm_body(parse_group(hello_yaml()), hello_secrets(), kOwner);
  EXPECT_TRUE(body) << (body ? "" : body.error());
  return body ? *body : nlohmann::json();
}

TEST(ModelArmBodyTest, BuildsTheContainerGroupBody) {
  const auto body = hello_body();
  EXPECT_EQ(body["location"], "westeurope");
  const auto& properties = body["properties"];
  EXPECT_EQ(properties["osType"], "Linux");
  EXPECT_EQ(properties["restartPolicy"], "Always");
  EXPECT_EQ(properties["sku"], "Standard");
  ASSERT_EQ(properties["containers"].size(), 1U);
  const auto& app = properties["containers"][0];
  EXPECT_EQ(app["name"], "app");
  EXPECT_EQ(app["properties"]["image"], "myregistry.azurecr.io/aci-helloworld:v1");
  EXPECT_EQ(app["properties"]["resources"],
            nlohmann::json::parse(R"({"requests": {"cpu": 1.0, "memoryInGB": 1.5}})"));
  EXPECT_EQ(app["properties"]["ports"], nlohmann::json::parse(R"([{"port": 80, "protocol": "TCP"}])"));
  EXPECT_FALSE(app["properties"].contains("command"));
  EXPECT_EQ(properties["ipAddress"],
            nlohmann::json::parse(R"({"type": "Public", "ports": [{"port": 80, "protocol": "TCP"}],
                                      "dnsNameLabel": "hello-demo"})"));
  EXPECT_EQ(properties["imageRegistryCredentials"],
            nlohmann::json::array({{{"server", "myregistry.azurecr.io"},
                                    {"username", kPullAppId},
                                    {"password", kPullPassword}}}));
  EXPECT_FALSE(body.contains("identity"));
}

TEST(ModelArmBodyTest, TagsAreUserTagsPlusOwnerSpecHashDeletionPolicyAndSecretVersions) {
  const auto group = parse_group(hello_yaml());
  const auto body = hello_body();
  const auto hash = spec_hash(group, hello_secrets());
  ASSERT_TRUE(hash);
  EXPECT_EQ(body["tags"], (nlohmann::json{{"team", "web"}, {"acioperator.io/owner", kOwner},
                                          {"acioperator.io/spec-hash", *hash},
                                          {"acioperator.io/deletion-policy", "Delete"},
                                          {"acioperator.io/secret-version.mykeyvault.db-password", "v-db-1"},
                                          {"acioperator.io/secret-version.mykeyvault.myregistry-pull-usr", "v-usr-1"},
                                          {"acioperator.io/secret-version.mykeyvault.myregistry-pull-pwd", "v-pwd-1"}}));
  EXPECT_EQ(deployed_secret_version(body, {"mykeyvault", "myregistry-pull-pwd"}), "v-pwd-1");
  EXPECT_EQ(deployed_secret_version(body, {"mykeyvault", "absent"}), "");
  EXPECT_EQ(deployed_secret_version(nlohmann::json::object(), {"mykeyvault", "db-password"}), "");
}

TEST(ModelArmBodyTest, SecretEnvValueIsSentOnlyAsSecureValue) {
  const auto body = hello_body();
  const auto& env = body["properties"]["containers"][0]["properties"]["environmentVariables"];
  EXPECT_EQ(env, nlohmann::json::parse(std::string(R"([{"name": "MODE", "value": "prod"},
                                                        {"name": "DB_PASSWORD", "secureValue": ")") +
                                       kDbPassword + "\"}]"));
  // The value is in the body exactly once, and that once is the secureValue.
  EXPECT_EQ(occurrences(body.dump(), kDbPassword), 1U);
  EXPECT_EQ(occurrences(body.dump(), kPullPassword), 1U);
}

TEST(ModelArmBodyTest, AlwaysSendsOsTypeAndCommand) {
  auto group = parse_group(hello_yaml());
  group.os_type = OsType::Windows;
  group.containers[0].command = {"cmd", "/c", "echo hi"};
  auto body = build_arm_body(group, hello_secrets(), kOwner);
  ASSERT_TRUE(body);
  EXPECT_EQ((*body)["properties"]["osType"], "Windows");
  EXPECT_EQ((*body)["properties"]["containers"][0]["properties"]["command"],
            nlohmann::json::array({"cmd", "/c", "echo hi"}));
}

TEST(ModelArmBodyTest, IdentityCredentialAddsTheUserAssignedIdentity) {
  const std::string identity =
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/demo-rg/providers/"
      "Microsoft.ManagedIdentity/userAssignedIdentities/acr-pull";
  const auto group = parse_group(
      "apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata: {name: reports}\nspec:\n"
      "  azure: {subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: demo-rg, location: westeurope}\n"
      "  containers: [{name: reports, image: myregistry.azurecr.io/reports:1.0.0}]\n"
      "  imageRegistryCredentials:\n"
      "    - {server: myregistry.azurecr.io, identity: " + identity + "}\n"
      "    - {server: other.azurecr.io, identity: " + identity + "}\n");
  auto body = build_arm_body(group, {}, kOwner);
  ASSERT_TRUE(body) << body.error();
  EXPECT_EQ((*body)["identity"],
            (nlohmann::json{{"type", "UserAssigned"}, {"userAssignedIdentities", {{identity, nlohmann::json::object()}}}}));
  EXPECT_EQ((*body)["properties"]["imageRegistryCredentials"][0],
            (nlohmann::json{{"server", "myregistry.azurecr.io"}, {"identity", identity}}));
  EXPECT_FALSE((*body)["properties"]["imageRegistryCredentials"][0].contains("password"));
}

TEST(ModelArmBodyTest, MissingSecretIsAnErrorNamingTheReference) {
  auto secrets = hello_secrets();
  secrets.erase({"mykeyvault", "db-password"});
  auto body = build_arm_body(parse_group(hello_yaml()), secrets, kOwner);
  ASSERT_FALSE(body);
  EXPECT_EQ(body.error(), "unresolved Key Vault secret: mykeyvault/db-password");
  EXPECT_EQ(body.error().find(kPullPassword), std::string::npos);
}

TEST(ModelArmBodyTest, OmitsOptionalSectionsTheSpecDoesNotHave) {
  const auto group = parse_group(
      "apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata: {name: bare}\nspec:\n"
      "  azure: {subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: demo-rg, location: westeurope}\n"
      "  restartPolicy: Never\n"
      "  containers: [{name: job, image: busybox}]\n");
  auto body = build_arm_body(group, {}, kOwner);
  ASSERT_TRUE(body);
  const auto& properties = (*body)["properties"];
  EXPECT_EQ(properties["restartPolicy"], "Never");
  EXPECT_FALSE(properties.contains("ipAddress"));
  EXPECT_FALSE(properties.contains("imageRegistryCredentials"));
  EXPECT_FALSE(properties["containers"][0]["properties"].contains("environmentVariables"));
  EXPECT_FALSE(properties["containers"][0]["properties"].contains("ports"));
  EXPECT_EQ((*body)["tags"].size(), 3U);  // owner, spec hash, deletion policy
}

}  // namespace
}  // namespace aci::model
