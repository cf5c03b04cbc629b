#pragma once
// Specs and resolved secrets shared by the model tests: a hello-world group in
// the shape of config/examples/hello-world.yaml, with a secret env var added.

#include <gtest/gtest.h>

#include <string>

#include "daemon/model/resource_parser.hpp"

namespace aci::model::fixtures {

inline constexpr const char* kDbPassword = "db-Pa55w0rd-value";
inline constexpr const char* kPullPassword = "pull-Pa55w0rd-value";
inline constexpr const char* kPullAppId = "00000000-0000-0000-0000-0000000000cc";
inline constexpr const char* kOwner = "aci-operator/test";

inline std::string hello_yaml() {
  return "apiVersion: acioperator.io/v1alpha1\n"
         "kind: ContainerGroup\n"
         "metadata: {name: hello}\n"
         "spec:\n"
         "  azure: {subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: demo-rg, location: westeurope}\n"
         "  containers:\n"
         "    - name: app\n"
         "      image: myregistry.azurecr.io/aci-helloworld:v1\n"
         "      resources: {cpu: 1, memoryInGB: 1.5}\n"
         "      ports: [{port: 80, protocol: TCP}]\n"
         "      env:\n"
         "        - {name: MODE, value: prod}\n"
         "        - {name: DB_PASSWORD, secretRef: {keyVault: mykeyvault, secret: db-password}}\n"
         "  ipAddress: {type: Public, ports: [{port: 80, protocol: TCP}], dnsNameLabel: hello-demo}\n"
         "  imageRegistryCredentials:\n"
         "    - server: myregistry.azurecr.io\n"
         "      username: {keyVault: mykeyvault, secret: myregistry-pull-usr}\n"
         "      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}\n"
         "  tags: {team: web}\n";
}

inline ContainerGroup parse_group(const std::string& yaml) {
  auto result = parse_resources(yaml, "test.yaml");
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error_messages().front());
  if (!result.ok()) return {};
  return std::get<ContainerGroup>(*result.documents.front().resource);
}

inline ResolvedSecrets hello_secrets() {
  return {{{"mykeyvault", "db-password"}, {kDbPassword, "v-db-1"}},
          {{"mykeyvault", "myregistry-pull-usr"}, {kPullAppId, "v-usr-1"}},
          {{"mykeyvault", "myregistry-pull-pwd"}, {kPullPassword, "v-pwd-1"}}};
}

}  // namespace aci::model::fixtures
