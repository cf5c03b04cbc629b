#include "daemon/model/spec_hash.hpp"

#include <gtest/gtest.h>

#include "daemon/crypto/base64.hpp"
#include "tests/unit/model/model_fixtures.hpp"

namespace aci::model {
namespace {

using namespace fixtures;

std::string hash_of(const ContainerGroup& group, const ResolvedSecrets& secrets = hello_secrets()) {
  auto hash = spec_hash(group, secrets);
  EXPECT_TRUE(hash) << (hash ? "" : hash.error());
  return hash ? *hash : "";
}

TEST(ModelSpecHashTest, IsSha256Hex) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto hash = hash_of(parse_group(hello_yaml()));
  EXPECT_EQ(hash.size(), 64U);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(hash, sha256_hex(*canonical_spec(parse_group(hello_yaml()), hello_secrets())));
}

TEST(ModelSpecHashTest, IsStableUnderKeyAndListReordering) {
  const auto reordered = parse_group(
      "kind: ContainerGroup\n"
      "apiVersion: acioperator.io/v1alpha1\n"
      "spec:\n"
      "  tags: {team: web}\n"
      "  imageRegistryCredentials:\n"
      "    - password: {secret: myregistry-pull-pwd, keyVault: mykeyvault}\n"
      "      username: {secret: myregistry-pull-usr, keyVault: mykeyvault}\n"
      "      server: myregistry.azurecr.io\n"
      "  ipAddress: {dnsNameLabel: hello-demo, ports: [{protocol: TCP, port: 80}], type: Public}\n"
      "  containers:\n"
      "    - env:\n"
      "        - {secretRef: {secret: db-password, keyVault: mykeyvault}, name: DB_PASSWORD}\n"
      "        - {value: prod, name: MODE}\n"
      "      ports: [{protocol: TCP, port: 80}]\n"
      "      resources: {memoryInGB: 1.50, cpu: 1.0}\n"
      "      image: myregistry.azurecr.io/aci-helloworld:v1\n"
      "      name: app\n"
      "  azure: {location: West Europe, resourceGroup: demo-rg, subscriptionId: 00000000-0000-0000-0000-000000000001}\n"
      "metadata: {name: hello}\n");
  EXPECT_EQ(hash_of(reordered), hash_of(parse_group(hello_yaml())));
}

TEST(ModelSpecHashTest, IsStableUnderContainerOrder) {
  auto group = parse_group(hello_yaml());
  auto sidecar = group.containers[0];
  sidecar.name = "sidecar";
  sidecar.ports = {{8080, Protocol::TCP}};
  auto forward = group;
  forward.containers.push_back(sidecar);
  auto backward = group;
  backward.containers.insert(backward.containers.begin(), sidecar);
  EXPECT_EQ(hash_of(forward), hash_of(backward));
  EXPECT_NE(hash_of(forward), hash_of(group));
}

TEST(ModelSpecHashTest, ChangesWithASecretVersion) {
  const auto group = parse_group(hello_yaml());
  auto rotated = hello_secrets();
  rotated[{"mykeyvault", "myregistry-pull-pwd"}] = {"a-new-password", "v-pwd-2"};
  EXPECT_NE(hash_of(group, rotated), hash_of(group));
}

TEST(ModelSpecHashTest, DependsOnTheVersionNotTheValue) {
  const auto group = parse_group(hello_yaml());
  auto same_version = hello_secrets();
  same_version[{"mykeyvault", "db-password"}].value = "another-value";
  EXPECT_EQ(hash_of(group, same_version), hash_of(group));
}

TEST(ModelSpecHashTest, HashInputHoldsNoSecretValueInAnyForm) {
  const auto group = parse_group(hello_yaml());
  const auto canonical = canonical_spec(group, hello_secrets());
  ASSERT_TRUE(canonical);
  for (const std::string value : {kDbPassword, kPullPassword}) {
    EXPECT_EQ(canonical->find(value), std::string::npos) << value;
    EXPECT_EQ(canonical->find(crypto::base64_encode(value)), std::string::npos) << value;
    EXPECT_EQ(canonical->find(sha256_hex(value)), std::string::npos) << value;
    EXPECT_EQ(hash_of(group).find(value), std::string::npos);
  }
  EXPECT_NE(canonical->find("\"version\":\"v-db-1\""), std::string::npos);
  EXPECT_NE(canonical->find("\"secret\":\"db-password\""), std::string::npos);
}

TEST(ModelSpecHashTest, ChangesWithEveryPropertyButNotWithTags) {
  const auto base = hash_of(parse_group(hello_yaml()));
  auto group = parse_group(hello_yaml());
  group.tags["team"] = "platform";
  EXPECT_EQ(hash_of(group), base);
  group.containers[0].image = "myregistry.azurecr.io/aci-helloworld:v2";
  EXPECT_NE(hash_of(group), base);
  group = parse_group(hello_yaml());
  group.containers[0].memory_gb = 2;
  EXPECT_NE(hash_of(group), base);
  group = parse_group(hello_yaml());
  group.containers[0].env[0].value = "dev";
  EXPECT_NE(hash_of(group), base);
  group = parse_group(hello_yaml());
  group.ip_address->dns_name_label = "hello-other";
  EXPECT_NE(hash_of(group), base);
}

TEST(ModelSpecHashTest, UnresolvedSecretIsAnError) {
  auto hash = spec_hash(parse_group(hello_yaml()), {});
  ASSERT_FALSE(hash);
  EXPECT_EQ(hash.error(),
            "unresolved Key Vault secrets: mykeyvault/db-password, mykeyvault/myregistry-pull-pwd, "
            "mykeyvault/myregistry-pull-usr");
}

TEST(ModelSpecHashTest, SecretVersionsListEveryReference) {
  EXPECT_EQ(secret_versions(parse_group(hello_yaml()), hello_secrets()),
            (std::map<std::string, std::string>{{"mykeyvault/db-password", "v-db-1"},
                                                {"mykeyvault/myregistry-pull-pwd", "v-pwd-1"},
                                                {"mykeyvault/myregistry-pull-usr", "v-usr-1"}}));
}

}  // namespace
}  // namespace aci::model
