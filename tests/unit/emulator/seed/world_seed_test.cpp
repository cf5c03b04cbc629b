#include "emulator/seed/world_seed.hpp"

#include <gtest/gtest.h>

#include "daemon/crypto/certificate.hpp"
#include "emulator/identity/token_service.hpp"
#include "emulator/iso_time.hpp"
#include "emulator/seed/seed_file.hpp"

namespace aci::emulator {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class WorldSeedTest : public ::testing::Test {
 protected:
  WorldSeedTest()
      : directory_(now(), random_, 5s),
        tokens_(now(), random_, key()),
        registries_(now(), directory_, tokens_),
        arm_(now(), registries_, ArmSettings{}),
        vaults_(now(), tokens_, "https://127.0.0.1:1") {}

  static crypto::KeyAndCertificate key() {
    static const crypto::KeyAndCertificate pair = [] {
      auto ca = crypto::make_certificate_authority("seed test CA", std::chrono::hours(24 * 365 * 30));
      return *crypto::make_leaf_certificate(*ca, "signing", {}, {}, std::chrono::hours(24 * 365 * 30));
    }();
    return pair;
  }
  NowFunction now() {
    return [this] { return now_; };
  }
  Expected<Ok, std::string> seed(const std::string& yaml) {
    auto document = parse_seed_text(yaml);
    EXPECT_TRUE(document) << document.error();
    return apply_seed(*document, SeedTargets{directory_, registries_, arm_, vaults_});
  }

  TimePoint now_ = *parse_iso8601("2025-01-01T00:00:00Z");
  RandomSource random_{4};
  Directory directory_;
  TokenService tokens_;
  RegistryService registries_;
  ContainerGroupService arm_;
  KeyVaultService vaults_;
};

TEST_F(WorldSeedTest, DemoSeedBuildsTheWalkthroughWorld) {
  auto document = read_seed_file(std::string(ACI_SOURCE_DIR) + "/config/emulator-demo.yaml");
  ASSERT_TRUE(document);
  auto seeded = apply_seed(*document, SeedTargets{directory_, registries_, arm_, vaults_});
  ASSERT_TRUE(seeded) << seeded.error();
  const std::string pull_app = "11111111-1111-1111-1111-111111111111";
  EXPECT_EQ(vaults_.latest_value("mykeyvault", "myregistry-pull-usr"), pull_app);
  auto password = vaults_.latest_value("mykeyvault", "myregistry-pull-pwd");
  ASSERT_TRUE(password);
  EXPECT_GE(password->size(), 30u) << "generated, not a fixed value";
  EXPECT_TRUE(directory_.check_password(pull_app, *password)) << "seeded passwords need no propagation wait";
  EXPECT_FALSE(registries_.check("myregistry.azurecr.io/aci-helloworld:v1",
                                 {{"myregistry.azurecr.io", pull_app, *password, ""}}));
  auto* pull = directory_.application_by_app_id(pull_app);
  auto* operator_app = directory_.application_by_app_id("22222222-2222-2222-2222-222222222222");
  ASSERT_TRUE(pull && operator_app);
  EXPECT_TRUE(directory_.may_manage(operator_app->service_principal_id, *pull));
  EXPECT_TRUE(directory_.sign_in_with_secret("contoso.example", operator_app->app_id, "demo-only-secret"));
  EXPECT_TRUE(directory_.find_managed_identity("33333333-3333-3333-3333-333333333333", {}, {}));
}

TEST_F(WorldSeedTest, ErrorsNameTheEntry) {
  auto no_tenant = seed("applications: [{displayName: a}]");
  ASSERT_FALSE(no_tenant);
  EXPECT_NE(no_tenant.error().find("tenant"), std::string::npos);
  auto bad_vault = seed("tenants: [{id: t}]\napplications:\n  - displayName: a\n    passwords: [{value: generate, storeIn: {vault: nope, secret: s}}]\n");
  ASSERT_FALSE(bad_vault);
  EXPECT_NE(bad_vault.error().find("nope"), std::string::npos);
}

TEST_F(WorldSeedTest, UnknownRegistryInARoleIsAnError) {
  auto result = seed("tenants: [{id: t}]\napplications:\n  - displayName: a\n    roles: [{role: AcrPull, registry: ghost}]\n");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("ghost"), std::string::npos);
}

TEST_F(WorldSeedTest, WrongTypesAreErrorsNotThrows) {
  EXPECT_FALSE(seed("tenants: 5"));
  EXPECT_FALSE(seed("tenants: [{id: [1]}]"));
  EXPECT_FALSE(seed("tenants: [{id: t}]\napplications: [{displayName: a, passwords: [{value: 5}]}]"));
  EXPECT_FALSE(seed("subscriptions: [{name: nothing}]"));
}

}  // namespace
}  // namespace aci::emulator
