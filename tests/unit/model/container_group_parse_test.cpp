#include "daemon/model/resource_parser.hpp"

#include <gtest/gtest.h>

namespace aci::model {
namespace {

// Lines 1-9 of every document below; the tests' own lines start at line 10.
constexpr const char* kHeader =
    "apiVersion: acioperator.io/v1alpha1\n"
    "kind: ContainerGroup\n"
    "metadata:\n"
    "  name: hello\n"
    "spec:\n"
    "  azure:\n"
    "    subscriptionId: 00000000-0000-0000-0000-000000000001\n"
    "    resourceGroup: demo-rg\n"
    "    location: westeurope\n";

// A valid container list, lines 10-14.
constexpr const char* kContainers =
    "  containers:\n"
    "    - name: app\n"
    "      image: myregistry.azurecr.io/aci-helloworld:v1\n"
    "      resources: {cpu: 1, memoryInGB: 1.5}\n"
    "      ports: [{port: 80, protocol: TCP}]\n";

std::string errors_of(const std::string& yaml) {
  const auto result = parse_resources(yaml, "cg.yaml");
  std::string text;
  for (const auto& document : result.documents) {
    for (const auto& error : document.errors) text += error.to_string() + "\n";
  }
  return text;
}

ContainerGroup parse_group(const std::string& yaml) {
  auto result = parse_resources(yaml, "cg.yaml");
  EXPECT_EQ(result.documents.size(), 1U);
  EXPECT_TRUE(result.ok()) << errors_of(yaml);
  if (!result.ok() || result.documents.empty()) return {};
  return std::get<ContainerGroup>(*result.documents.front().resource);
}

TEST(ContainerGroupParseTest, ReadsEveryField) {
  const auto group = parse_group(std::string(kHeader) +
                                 "    name: hello-weu\n"
                                 "  osType: Linux\n"
                                 "  restartPolicy: OnFailure\n"
                                 "  containers:\n"
                                 "    - name: app\n"
                                 "      image: myregistry.azurecr.io/aci-helloworld:v1\n"
                                 "      command: [/app, --serve]\n"
                                 "      resources: {cpu: 1.25, memoryInGB: 2.5}\n"
                                 "      ports: [{port: 80, protocol: TCP}, {port: 53, protocol: UDP}]\n"
                                 "      env:\n"
                                 "        - {name: MODE, value: prod}\n"
                                 "        - {name: DB_PASSWORD, secretRef: {keyVault: mykeyvault, secret: db-password}}\n"
                                 "  ipAddress: {type: Public, ports: [{port: 80, protocol: TCP}], dnsNameLabel: hello-demo}\n"
                                 "  imageRegistryCredentials:\n"
                                 "    - server: myregistry.azurecr.io\n"
                                 "      username: {keyVault: mykeyvault, secret: myregistry-pull-usr}\n"
                                 "      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}\n"
                                 "  tags: {team: web}\n"
                                 "  policy: {deletion: Orphan, mode: DetectOnly, adopt: true, recreateOnImmutableChange: false}\n");
  EXPECT_EQ(group.metadata.name, "hello");
  EXPECT_EQ(group.azure.subscription_id, "00000000-0000-0000-0000-000000000001");
  EXPECT_EQ(group.azure.resource_group, "demo-rg");
  EXPECT_EQ(group.azure.location, "westeurope");
  EXPECT_EQ(group.azure.name, "hello-weu");
  EXPECT_EQ(group.os_type, OsType::Linux);
  EXPECT_EQ(group.restart_policy, RestartPolicy::OnFailure);
  ASSERT_EQ(group.containers.size(), 1U);
  const auto& app = group.containers[0];
  EXPECT_EQ(app.image, "myregistry.azurecr.io/aci-helloworld:v1");
  EXPECT_EQ(app.command, (std::vector<std::string>{"/app", "--serve"}));
  EXPECT_DOUBLE_EQ(app.cpu, 1.25);
  EXPECT_DOUBLE_EQ(app.memory_gb, 2.5);
  EXPECT_EQ(app.ports, (std::vector<Port>{{80, Protocol::TCP}, {53, Protocol::UDP}}));
  ASSERT_EQ(app.env.size(), 2U);
  EXPECT_EQ(app.env[0].value, "prod");
  EXPECT_FALSE(app.env[0].secret_ref);
  EXPECT_EQ(app.env[1].secret_ref, (KeyVaultRef{"mykeyvault", "db-password"}));
  EXPECT_FALSE(app.env[1].value);
  ASSERT_TRUE(group.ip_address);
  EXPECT_EQ(group.ip_address->dns_name_label, "hello-demo");
  ASSERT_EQ(group.registry_credentials.size(), 1U);
  EXPECT_EQ(group.registry_credentials[0].password, (KeyVaultRef{"mykeyvault", "myregistry-pull-pwd"}));
  EXPECT_EQ(group.tags, (std::map<std::string, std::string>{{"team", "web"}}));
  EXPECT_EQ(group.policy.deletion, DeletionPolicy::Orphan);
  EXPECT_EQ(group.policy.mode, PolicyMode::DetectOnly);
  EXPECT_TRUE(group.policy.adopt);
  EXPECT_FALSE(group.policy.recreate_on_immutable_change);
  EXPECT_EQ(group.secret_refs(), (std::vector<KeyVaultRef>{{"mykeyvault", "db-password"},
                                                          {"mykeyvault", "myregistry-pull-pwd"},
                                                          {"mykeyvault", "myregistry-pull-usr"}}));
}

TEST(ContainerGroupParseTest, AppliesDefaults) {
  const auto group = parse_group(std::string(kHeader) +
                                 "  containers:\n"
                                 "    - name: app\n"
                                 "      image: nginx\n"
                                 "      ports: [{port: 80}]\n");
  EXPECT_EQ(group.azure.name, "hello");
  EXPECT_EQ(group.os_type, OsType::Linux);
  EXPECT_EQ(group.restart_policy, RestartPolicy::Always);
  EXPECT_DOUBLE_EQ(group.containers[0].cpu, 1.0);
  EXPECT_DOUBLE_EQ(group.containers[0].memory_gb, 1.5);
  EXPECT_EQ(group.containers[0].ports[0].protocol, Protocol::TCP);
  EXPECT_FALSE(group.ip_address);
  EXPECT_EQ(group.policy.deletion, DeletionPolicy::Delete);
  EXPECT_EQ(group.policy.mode, PolicyMode::Manage);
  EXPECT_FALSE(group.policy.adopt);
  EXPECT_TRUE(group.policy.recreate_on_immutable_change);
}

TEST(ContainerGroupParseTest, NormalizesLocationDisplayName) {
  const auto group = parse_group(
      "apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata: {name: hello}\nspec:\n"
      "  azure: {subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: demo-rg, location: West Europe}\n" +
      std::string(kContainers));
  EXPECT_EQ(group.azure.location, "westeurope");
}

TEST(ContainerGroupParseTest, RejectsUnknownFieldsAnywhere) {
  EXPECT_EQ(errors_of(std::string(kHeader) + "    region: westeurope\n" + kContainers + "  labels: {}\n"),
            "cg.yaml:10: spec.azure.region: unknown key\n"
            "cg.yaml:16: spec.labels: unknown key\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "      imagePullPolicy: Always\n"),
            "cg.yaml:15: spec.containers[0].imagePullPolicy: unknown key\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "  policy: {delete: Orphan}\n"),
            "cg.yaml:15: spec.policy.delete: unknown key\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "extra: 1\n"), "cg.yaml:15: extra: unknown key\n");
}

TEST(ContainerGroupParseTest, RejectsDuplicateKeys) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "      image: nginx\n"),
            "cg.yaml:15: spec.containers[0].image: duplicate key\n");
}

TEST(ContainerGroupParseTest, RejectsWrongTypes) {
  EXPECT_EQ(errors_of(std::string(kHeader) + "  containers: app\n"), "cg.yaml:10: spec.containers: must be a list\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  containers:\n    - app\n"),
            "cg.yaml:11: spec.containers[0]: must be a mapping\n");
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  containers:\n"
                      "    - name: app\n"
                      "      image: nginx\n"
                      "      resources: {cpu: [1], memoryInGB: lots}\n"
                      "      ports: [{port: http}]\n"
                      "      command: /app\n"),
            "cg.yaml:13: spec.containers[0].resources.cpu: must be a single value, not a list\n"
            "cg.yaml:13: spec.containers[0].resources.memoryInGB: must be a number, got 'lots'\n"
            "cg.yaml:14: spec.containers[0].ports[0].port: must be a whole number, got 'http'\n"
            "cg.yaml:15: spec.containers[0].command: must be a list\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "  osType: Linux2\n"),
            "cg.yaml:15: spec.osType: must be one of Linux, Windows, got 'Linux2'\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "  policy: {adopt: maybe}\n"),
            "cg.yaml:15: spec.policy.adopt: must be true or false, got 'maybe'\n");
}

TEST(ContainerGroupParseTest, RejectsInvalidContainerGroupNames) {
  EXPECT_EQ(errors_of(std::string(kHeader) + "    name: Hello_World\n" + kContainers),
            "cg.yaml:10: spec.azure.name: may contain only lowercase letters, digits and '-', got 'Hello_World'\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "    name: hello-\n" + kContainers),
            "cg.yaml:10: spec.azure.name: must end with a lowercase letter or digit, got 'hello-'\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "    name: hello--world\n" + kContainers),
            "cg.yaml:10: spec.azure.name: must not contain '--', got 'hello--world'\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "    name: " + std::string(64, 'a') + "\n" + kContainers),
            "cg.yaml:10: spec.azure.name: must be 1-63 characters long, got 64 ('" + std::string(64, 'a') + "')\n");
}

TEST(ContainerGroupParseTest, RejectsMetadataNameThatCannotBeTheGroupName) {
  EXPECT_EQ(errors_of("apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata: {name: hello.world}\n"
                      "spec:\n  azure:\n    subscriptionId: 00000000-0000-0000-0000-000000000001\n"
                      "    resourceGroup: demo-rg\n    location: westeurope\n  containers: [{name: app, image: nginx}]\n"),
            "cg.yaml:6: spec.azure.name: is not set, so metadata.name is used as the container group name, but it "
            "may contain only lowercase letters, digits and '-', got 'hello.world'; set spec.azure.name\n");
}

TEST(ContainerGroupParseTest, RejectsInvalidContainerNames) {
  EXPECT_EQ(errors_of(std::string(kHeader) + "  containers:\n    - name: -app\n      image: nginx\n"),
            "cg.yaml:11: spec.containers[0].name: must start with a lowercase letter or digit, got '-app'\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  containers:\n    - name: App\n      image: nginx\n"),
            "cg.yaml:11: spec.containers[0].name: may contain only lowercase letters, digits and '-', got 'App'\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  containers:\n    - name: a--b\n      image: nginx\n"),
            "cg.yaml:11: spec.containers[0].name: must not contain '--', got 'a--b'\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  containers:\n    - image: nginx\n"),
            "cg.yaml:11: spec.containers[0].name: is required\n");
}

TEST(ContainerGroupParseTest, RejectsInvalidResourceGroupNames) {
  const auto with_group = [](const std::string& group) {
    return "apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata: {name: hello}\nspec:\n"
           "  azure:\n    subscriptionId: 00000000-0000-0000-0000-000000000001\n    resourceGroup: " +
           group + "\n    location: westeurope\n" + kContainers;
  };
  EXPECT_EQ(errors_of(with_group("demo.")), "cg.yaml:7: spec.azure.resourceGroup: must end with a character other "
                                            "than '.', got 'demo.'\n");
  EXPECT_EQ(errors_of(with_group("demo#rg")), "cg.yaml:7: spec.azure.resourceGroup: may contain only letters, "
                                              "digits, '_', '-', '.', '(' and ')', got 'demo#rg'\n");
  EXPECT_EQ(errors_of(with_group(std::string(91, 'r'))),
            "cg.yaml:7: spec.azure.resourceGroup: must be 1-90 characters long, got 91 ('" + std::string(91, 'r') +
                "')\n");
  EXPECT_EQ(errors_of(with_group("My_Group.(prod)-1")), "");
}

TEST(ContainerGroupParseTest, RejectsInvalidSubscriptionIdAndMissingAzureFields) {
  EXPECT_EQ(errors_of("apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata: {name: hello}\nspec:\n"
                      "  azure:\n    subscriptionId: my-subscription\n" +
                      std::string(kContainers)),
            "cg.yaml:6: spec.azure.subscriptionId: must be a GUID such as 00000000-0000-0000-0000-000000000000, got "
            "'my-subscription'\n"
            "cg.yaml:6: spec.azure.resourceGroup: is required\n"
            "cg.yaml:6: spec.azure.location: is required\n");
  EXPECT_EQ(errors_of("apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata: {name: hello}\nspec:\n" +
                      std::string(kContainers)),
            "cg.yaml:5: spec.azure: is required\n");
}

TEST(ContainerGroupParseTest, RejectsInvalidDnsNameLabels) {
  const auto with_label = [](const std::string& label) {
    return std::string(kHeader) + kContainers + "  ipAddress: {ports: [{port: 80}], dnsNameLabel: " + label + "}\n";
  };
  EXPECT_EQ(errors_of(with_label("demo")),
            "cg.yaml:15: spec.ipAddress.dnsNameLabel: must be 5-63 characters long, got 4 ('demo')\n");
  EXPECT_EQ(errors_of(with_label("1hello")),
            "cg.yaml:15: spec.ipAddress.dnsNameLabel: must start with a lowercase letter, got '1hello'\n");
  EXPECT_EQ(errors_of(with_label("Hello-demo")),
            "cg.yaml:15: spec.ipAddress.dnsNameLabel: may contain only lowercase letters, digits and '-', got "
            "'Hello-demo'\n");
  EXPECT_EQ(errors_of(with_label("hello-demo-1")), "");
}

TEST(ContainerGroupParseTest, RejectsCpuAndMemoryOutsideAciLimits) {
  const auto with_resources = [](const std::string& resources) {
    return std::string(kHeader) + "  containers:\n    - name: app\n      image: nginx\n      resources: " + resources +
           "\n";
  };
  EXPECT_EQ(errors_of(with_resources("{cpu: 0, memoryInGB: 1}")),
            "cg.yaml:13: spec.containers[0].resources.cpu: must be greater than 0 and at most 4, got 0\n");
  EXPECT_EQ(errors_of(with_resources("{cpu: 5, memoryInGB: 1}")),
            "cg.yaml:13: spec.containers[0].resources.cpu: must be greater than 0 and at most 4, got 5\n");
  EXPECT_EQ(errors_of(with_resources("{cpu: 0.125, memoryInGB: 1}")),
            "cg.yaml:13: spec.containers[0].resources.cpu: must be a multiple of 0.01, got 0.125\n");
  EXPECT_EQ(errors_of(with_resources("{cpu: 1, memoryInGB: 16.5}")),
            "cg.yaml:13: spec.containers[0].resources.memoryInGB: must be greater than 0 and at most 16, got 16.5\n");
  EXPECT_EQ(errors_of(with_resources("{cpu: 1, memoryInGB: -1}")),
            "cg.yaml:13: spec.containers[0].resources.memoryInGB: must be greater than 0 and at most 16, got -1\n");
  EXPECT_EQ(errors_of(with_resources("{cpu: 1, memoryInGB: 1.25}")),
            "cg.yaml:13: spec.containers[0].resources.memoryInGB: must be a multiple of 0.1, got 1.25\n");
  EXPECT_EQ(errors_of(with_resources("{cpu: 4, memoryInGB: 16}")), "");
  EXPECT_EQ(errors_of(with_resources("{cpu: 0.01, memoryInGB: 0.1}")), "");
}

TEST(ContainerGroupParseTest, RejectsGroupTotalsOverAciLimits) {
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  containers:\n"
                      "    - {name: a, image: nginx, resources: {cpu: 2, memoryInGB: 8}}\n"
                      "    - {name: b, image: nginx, resources: {cpu: 1.5, memoryInGB: 8}}\n"
                      "    - {name: c, image: nginx, resources: {cpu: 1, memoryInGB: 0.5}}\n"),
            "cg.yaml:10: spec.containers: the containers request 4.5 CPUs in total; a container group may have at "
            "most 4\n"
            "cg.yaml:10: spec.containers: the containers request 16.5 GB of memory in total; a container group may "
            "have at most 16\n");
}

TEST(ContainerGroupParseTest, RejectsDuplicateContainerNames) {
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  containers:\n"
                      "    - {name: app, image: nginx}\n"
                      "    - {name: app, image: redis}\n"),
            "cg.yaml:12: spec.containers[1].name: duplicate container name 'app' (also spec.containers[0])\n");
}

TEST(ContainerGroupParseTest, RejectsAPortTwoContainersExpose) {
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  containers:\n"
                      "    - {name: web, image: nginx, resources: {cpu: 1}, ports: [{port: 80}]}\n"
                      "    - name: api\n"
                      "      image: api\n"
                      "      resources: {cpu: 1}\n"
                      "      ports:\n"
                      "        - {port: 8080}\n"
                      "        - {port: 80, protocol: TCP}\n"),
            "cg.yaml:17: spec.containers[1].ports[1].port: port 80/TCP is already exposed by spec.containers[0] "
            "(web); the containers of a group share one network namespace\n");
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  containers:\n"
                      "    - {name: app, image: nginx, ports: [{port: 80}, {port: 80}]}\n"),
            "cg.yaml:11: spec.containers[0].ports[1].port: port 80/TCP is already exposed by spec.containers[0] "
            "(app); the containers of a group share one network namespace\n");
}

TEST(ContainerGroupParseTest, AllowsOnePortNumberForTcpAndUdp) {
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  containers:\n"
                      "    - {name: dns, image: coredns, ports: [{port: 53, protocol: TCP}, {port: 53, protocol: UDP}]}\n"),
            "");
}

TEST(ContainerGroupParseTest, RejectsIpAddressPortsThatAreDuplicatedOrNotExposed) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  ipAddress:\n"
                      "    ports:\n"
                      "      - {port: 80}\n"
                      "      - {port: 80, protocol: TCP}\n"
                      "      - {port: 8080}\n"
                      "      - {port: 80, protocol: UDP}\n"),
            "cg.yaml:18: spec.ipAddress.ports[1].port: duplicate port 80/TCP\n"
            "cg.yaml:19: spec.ipAddress.ports[2].port: port 8080/TCP is not exposed by any container\n"
            "cg.yaml:20: spec.ipAddress.ports[3].port: port 80/UDP is not exposed by any container\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "  ipAddress: {type: Public}\n"),
            "cg.yaml:15: spec.ipAddress.ports: is required\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "  ipAddress: {ports: []}\n"),
            "cg.yaml:15: spec.ipAddress.ports: must list at least one port\n");
}

TEST(ContainerGroupParseTest, RejectsPrivateIpAddress) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "  ipAddress: {type: Private, ports: [{port: 80}]}\n"),
            "cg.yaml:15: spec.ipAddress.type: Private needs a virtual network (subnetIds), which aci-operator does "
            "not manage; use Public\n");
}

TEST(ContainerGroupParseTest, RejectsLiteralPasswordWithoutRepeatingIt) {
  const auto errors = errors_of(std::string(kHeader) + kContainers +
                                "  imageRegistryCredentials:\n"
                                "    - server: myregistry.azurecr.io\n"
                                "      username: {keyVault: mykeyvault, secret: myregistry-pull-usr}\n"
                                "      password: Hunter2-S3cret!\n");
  EXPECT_EQ(errors,
            "cg.yaml:18: spec.imageRegistryCredentials[0].password: literal passwords are not accepted; keep the "
            "password in Key Vault and refer to it: password: {keyVault: <vault>, secret: <secret-name>}\n");
  EXPECT_EQ(errors.find("Hunter2"), std::string::npos);
}

TEST(ContainerGroupParseTest, RejectsLiteralUsername) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  imageRegistryCredentials:\n"
                      "    - server: myregistry.azurecr.io\n"
                      "      username: 00000000-0000-0000-0000-0000000000cc\n"
                      "      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}\n"),
            "cg.yaml:17: spec.imageRegistryCredentials[0].username: must be a Key Vault reference {keyVault: "
            "<vault>, secret: <secret-name>}, not a literal value\n");
}

TEST(ContainerGroupParseTest, RequiresExactlyOneCredentialForm) {
  const std::string identity =
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/demo-rg/providers/"
      "Microsoft.ManagedIdentity/userAssignedIdentities/acr-pull";
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  imageRegistryCredentials:\n"
                      "    - server: myregistry.azurecr.io\n"
                      "      identity: " + identity + "\n"
                      "      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}\n"),
            "cg.yaml:16: spec.imageRegistryCredentials[0]: sets both identity and username/password; use one form: "
            "identity, or username and password\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  imageRegistryCredentials:\n"
                      "    - server: myregistry.azurecr.io\n"),
            "cg.yaml:16: spec.imageRegistryCredentials[0]: needs username and password (Key Vault references "
            "{keyVault: <vault>, secret: <secret-name>}) or identity (a user-assigned managed identity's resource "
            "ID)\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  imageRegistryCredentials:\n"
                      "    - server: myregistry.azurecr.io\n"
                      "      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}\n"),
            "cg.yaml:16: spec.imageRegistryCredentials[0].username: is required with password: username: "
            "{keyVault: <vault>, secret: <secret-name>}\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  imageRegistryCredentials:\n"
                      "    - server: myregistry.azurecr.io\n"
                      "      username: {keyVault: mykeyvault, secret: myregistry-pull-usr}\n"),
            "cg.yaml:16: spec.imageRegistryCredentials[0].password: is required with username: password: "
            "{keyVault: <vault>, secret: <secret-name>}\n");
  const auto group = parse_group(std::string(kHeader) + kContainers +
                                 "  imageRegistryCredentials:\n"
                                 "    - {server: myregistry.azurecr.io, identity: " + identity + "}\n");
  ASSERT_EQ(group.registry_credentials.size(), 1U);
  EXPECT_EQ(group.registry_credentials[0].identity, identity);
  EXPECT_TRUE(group.secret_refs().empty());
}

TEST(ContainerGroupParseTest, RejectsInvalidRegistryServerAndIdentity) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  imageRegistryCredentials:\n"
                      "    - server: https://myregistry.azurecr.io\n"
                      "      identity: /subscriptions/abc/resourceGroups/rg/providers/Microsoft.ManagedIdentity/x\n"),
            "cg.yaml:16: spec.imageRegistryCredentials[0].server: must be a registry login server such as "
            "myregistry.azurecr.io (no scheme, no path), got 'https://myregistry.azurecr.io'\n"
            "cg.yaml:17: spec.imageRegistryCredentials[0].identity: must be the resource ID of a user-assigned "
            "managed identity, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/"
            "userAssignedIdentities/<name>, got '/subscriptions/abc/resourceGroups/rg/providers/"
            "Microsoft.ManagedIdentity/x'\n");
}

TEST(ContainerGroupParseTest, RejectsDuplicateRegistryServers) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  imageRegistryCredentials:\n"
                      "    - {server: myregistry.azurecr.io, username: {keyVault: kv1, secret: u}, password: "
                      "{keyVault: kv1, secret: p}}\n"
                      "    - {server: MyRegistry.azurecr.io, username: {keyVault: kv1, secret: u}, password: "
                      "{keyVault: kv1, secret: p}}\n"),
            "cg.yaml:17: spec.imageRegistryCredentials[1].server: duplicate server 'MyRegistry.azurecr.io' (also "
            "spec.imageRegistryCredentials[0])\n");
}

TEST(ContainerGroupParseTest, RejectsInvalidKeyVaultReferences) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  imageRegistryCredentials:\n"
                      "    - server: myregistry.azurecr.io\n"
                      "      username: {keyVault: 1vault, secret: pull_usr}\n"
                      "      password: {keyVault: my--vault, secret: pwd, version: abc}\n"),
            "cg.yaml:17: spec.imageRegistryCredentials[0].username.keyVault: must start with a letter, got "
            "'1vault'\n"
            "cg.yaml:17: spec.imageRegistryCredentials[0].username.secret: may contain only letters, digits and '-', "
            "got 'pull_usr'\n"
            "cg.yaml:18: spec.imageRegistryCredentials[0].password.keyVault: must not contain '--', got "
            "'my--vault'\n"
            "cg.yaml:18: spec.imageRegistryCredentials[0].password.version: unknown key\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "      env: [{name: X, secretRef: {keyVault: kv, secret: x}}]\n"),
            "cg.yaml:15: spec.containers[0].env[0].secretRef.keyVault: must be 3-24 characters long, got 2 ('kv')\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "      env: [{name: X, secretRef: {keyVault: mykeyvault}}]\n"),
            "cg.yaml:15: spec.containers[0].env[0].secretRef.secret: is required\n");
}

TEST(ContainerGroupParseTest, RequiresExactlyOneOfValueAndSecretRef) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "      env:\n"
                      "        - name: DB_PASSWORD\n"
                      "          value: plain\n"
                      "          secretRef: {keyVault: mykeyvault, secret: db-password}\n"
                      "        - name: EMPTY\n"),
            "cg.yaml:16: spec.containers[0].env[0]: sets both value and secretRef; set exactly one\n"
            "cg.yaml:19: spec.containers[0].env[1]: needs either value or secretRef {keyVault: <vault>, secret: "
            "<secret-name>}\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "      env: [{name: X, secretRef: x-secret}]\n"),
            "cg.yaml:15: spec.containers[0].env[0].secretRef: must be a Key Vault reference {keyVault: <vault>, "
            "secret: <secret-name>}, not a literal value\n");
}

TEST(ContainerGroupParseTest, RejectsDuplicateEnvNames) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "      env:\n"
                      "        - {name: MODE, value: prod}\n"
                      "        - {name: MODE, value: dev}\n"),
            "cg.yaml:17: spec.containers[0].env[1].name: duplicate environment variable 'MODE' (also "
            "spec.containers[0].env[0])\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers + "      env: [{name: A=B, value: x}]\n"),
            "cg.yaml:15: spec.containers[0].env[0].name: may contain only printable characters other than '=' and "
            "spaces, got 'A=B'\n");
}

TEST(ContainerGroupParseTest, RejectsReservedAndInvalidTags) {
  EXPECT_EQ(errors_of(std::string(kHeader) + kContainers +
                      "  tags:\n"
                      "    acioperator.io/owner: me\n"
                      "    a/b: x\n"
                      "    nested: {x: y}\n"),
            "cg.yaml:16: spec.tags.acioperator.io/owner: tags starting with acioperator.io/ are reserved for "
            "aci-operator\n"
            "cg.yaml:17: spec.tags.a/b: may contain only characters other than < > % & \\ ? /, got 'a/b'\n"
            "cg.yaml:18: spec.tags.nested: must be a single value, not a mapping\n");
}

TEST(ContainerGroupParseTest, RejectsWindowsGroupWithSeveralContainers) {
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  osType: Windows\n"
                      "  containers:\n"
                      "    - {name: a, image: mcr.microsoft.com/windows/nanoserver:ltsc2022, resources: {cpu: 1}}\n"
                      "    - {name: b, image: mcr.microsoft.com/windows/nanoserver:ltsc2022, resources: {cpu: 1}}\n"),
            "cg.yaml:11: spec.containers: has 2 containers; a Windows container group holds exactly one\n");
}

TEST(ContainerGroupParseTest, RejectsEmptyOrMissingContainerList) {
  EXPECT_EQ(errors_of(std::string(kHeader) + "  containers: []\n"),
            "cg.yaml:10: spec.containers: must list at least one container\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  osType: Linux\n"), "cg.yaml:6: spec.containers: is required\n");
}

TEST(ContainerGroupParseTest, RejectsImageWithSpaces) {
  EXPECT_EQ(errors_of(std::string(kHeader) + "  containers:\n    - name: app\n      image: \"nginx latest\"\n"),
            "cg.yaml:12: spec.containers[0].image: must not contain spaces, got 'nginx latest'\n");
}

TEST(ContainerGroupParseTest, ToleratesKubernetesMetadataAndStatus) {
  const auto group = parse_group(
      "apiVersion: acioperator.io/v1alpha1\n"
      "kind: ContainerGroup\n"
      "metadata:\n"
      "  name: hello\n"
      "  namespace: apps\n"
      "  labels: {app: hello}\n"
      "  annotations: {note: x}\n"
      "  generation: 3\n"
      "  uid: 6f1c2d7e-0000-4000-8000-000000000001\n"
      "  resourceVersion: \"12345\"\n"
      "  creationTimestamp: \"2025-01-01T00:00:00Z\"\n"
      "  deletionTimestamp: \"2025-01-02T00:00:00Z\"\n"
      "  finalizers: [acioperator.io/finalizer]\n"
      "  managedFields: [{manager: kubectl, operation: Update}]\n"
      "spec:\n"
      "  azure: {subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: demo-rg, location: westeurope}\n"
      "  containers: [{name: app, image: nginx}]\n"
      "status:\n"
      "  specHash: abc\n");
  EXPECT_EQ(group.metadata.namespace_, "apps");
  EXPECT_EQ(group.metadata.generation, 3);
  EXPECT_EQ(group.metadata.resource_version, "12345");
  EXPECT_EQ(group.metadata.deletion_timestamp, "2025-01-02T00:00:00Z");
  EXPECT_EQ(group.metadata.finalizers, (std::vector<std::string>{"acioperator.io/finalizer"}));
  EXPECT_EQ(group.metadata.labels.at("app"), "hello");
}

TEST(ContainerGroupParseTest, ReportsEveryProblemOfADocumentAtOnce) {
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  restartPolicy: Sometimes\n"
                      "  containers:\n"
                      "    - name: app\n"
                      "      image: nginx\n"
                      "      resources: {cpu: 8}\n"
                      "  policy: {mode: Dry}\n"),
            "cg.yaml:10: spec.restartPolicy: must be one of Always, OnFailure, Never, got 'Sometimes'\n"
            "cg.yaml:14: spec.containers[0].resources.cpu: must be greater than 0 and at most 4, got 8\n"
            "cg.yaml:15: spec.policy.mode: must be one of Manage, DetectOnly, got 'Dry'\n");
}

TEST(ContainerGroupParseTest, RejectsTextThatIsNotValidUtf8AndNamesTheField) {
  // A Latin-1 byte in a tag value, a tag name, a list item and a label: each is named,
  // and no message repeats the bad bytes.
  const auto errors = errors_of(std::string(kHeader) + kContainers +
                                "  tags:\n"
                                "    team: caf\xE9\n"
                                "    caf\xE9: x\n"
                                "    ok: fine\n");
  EXPECT_EQ(errors,
            "cg.yaml:16: spec.tags.team: not valid UTF-8\n"
            "cg.yaml:17: spec.tags.caf\xEF\xBF\xBD: not valid UTF-8\n");
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  containers:\n"
                      "    - name: app\n"
                      "      image: nginx\n"
                      "      command: [/app, \"--name=\xFF\"]\n"),
            "cg.yaml:13: spec.containers[0].command[1]: not valid UTF-8\n");
  EXPECT_EQ(errors_of("apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata:\n  name: hello\n"
                      "  labels: {app: \"h\xC3\"}\nspec:\n"
                      "  azure: {subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: demo-rg, "
                      "location: westeurope}\n  containers: [{name: app, image: nginx}]\n"),
            "cg.yaml:5: metadata.labels.app: not valid UTF-8\n");
}

}  // namespace
}  // namespace aci::model
