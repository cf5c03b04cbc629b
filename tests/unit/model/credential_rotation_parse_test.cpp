#include "daemon/model/resource_parser.hpp"

#include <gtest/gtest.h>

namespace aci::model {
namespace {

using namespace std::chrono_literals;

// Lines 1-12; the tests' own spec lines start at line 13.
constexpr const char* kHeader =
    "apiVersion: acioperator.io/v1alpha1\n"
    "kind: CredentialRotation\n"
    "metadata:\n"
    "  name: myregistry-pull\n"
    "spec:\n"
    "  tenantId: 00000000-0000-0000-0000-0000000000aa\n"
    "  application:\n"
    "    objectId: 00000000-0000-0000-0000-0000000000bb\n"
    "    appId: 00000000-0000-0000-0000-0000000000cc\n"
    "  keyVault: mykeyvault\n"
    "  usernameSecret: myregistry-pull-usr\n"
    "  passwordSecret: myregistry-pull-pwd\n";

std::string errors_of(const std::string& yaml) {
  std::string text;
  for (const auto& document : parse_resources(yaml, "rot.yaml").documents) {
    for (const auto& error : document.errors) text += error.to_string() + "\n";
  }
  return text;
}

CredentialRotation parse_rotation(const std::string& yaml) {
  auto result = parse_resources(yaml, "rot.yaml");
  EXPECT_TRUE(result.ok()) << errors_of(yaml);
  if (!result.ok()) return {};
  return std::get<CredentialRotation>(*result.documents.front().resource);
}

std::chrono::system_clock::time_point at(int y, unsigned m, unsigned d, int hour = 0, int minute = 0) {
  return std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)) +
         std::chrono::hours(hour) + std::chrono::minutes(minute);
}

TEST(CredentialRotationParseTest, ReadsEveryField) {
  const auto rotation = parse_rotation(std::string(kHeader) +
                                       "  every: 720h\n"
                                       "  passwordLifetime: 2160h\n"
                                       "  gracePeriod: 48h\n"
                                       "  verify: {registry: myregistry.azurecr.io}\n"
                                       "  rollout: {maxConcurrent: 3}\n");
  EXPECT_EQ(rotation.metadata.name, "myregistry-pull");
  EXPECT_EQ(rotation.tenant_id, "00000000-0000-0000-0000-0000000000aa");
  EXPECT_EQ(rotation.application_object_id, "00000000-0000-0000-0000-0000000000bb");
  EXPECT_EQ(rotation.application_app_id, "00000000-0000-0000-0000-0000000000cc");
  EXPECT_EQ(rotation.username_ref(), (KeyVaultRef{"mykeyvault", "myregistry-pull-usr"}));
  EXPECT_EQ(rotation.password_ref(), (KeyVaultRef{"mykeyvault", "myregistry-pull-pwd"}));
  EXPECT_EQ(rotation.every, std::chrono::milliseconds(720h));
  EXPECT_FALSE(rotation.schedule);
  EXPECT_EQ(rotation.password_lifetime, 2160h);
  EXPECT_EQ(rotation.grace_period, 48h);
  EXPECT_EQ(rotation.verify_registry, "myregistry.azurecr.io");
  EXPECT_EQ(rotation.max_concurrent, 3);
  EXPECT_EQ(rotation.next_rotation_after(at(2025, 1, 1)), at(2025, 1, 31));
}

TEST(CredentialRotationParseTest, DefaultsGracePeriodRolloutAndVerify) {
  const auto rotation = parse_rotation(std::string(kHeader) + "  every: 720h\n  passwordLifetime: 2160h\n");
  EXPECT_EQ(rotation.grace_period, 24h);
  EXPECT_EQ(rotation.max_concurrent, 1);
  EXPECT_FALSE(rotation.verify_registry);
}

TEST(CredentialRotationParseTest, AcceptsACronScheduleInsteadOfEvery) {
  const auto rotation = parse_rotation(std::string(kHeader) + "  schedule: \"0 3 * * 1\"\n  passwordLifetime: 720h\n");
  ASSERT_TRUE(rotation.schedule);
  EXPECT_FALSE(rotation.every);
  EXPECT_EQ(rotation.schedule->text(), "0 3 * * 1");
  // 2025-01-01 is a Wednesday; the next Monday is the 6th.
  EXPECT_EQ(rotation.next_rotation_after(at(2025, 1, 1)), at(2025, 1, 6, 3));
}

TEST(CredentialRotationParseTest, RequiresExactlyOneOfEveryAndSchedule) {
  EXPECT_EQ(errors_of(std::string(kHeader) + "  every: 720h\n  schedule: \"0 3 * * 1\"\n  passwordLifetime: 2160h\n"),
            "rot.yaml:14: spec.schedule: every and schedule are mutually exclusive; set exactly one\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  passwordLifetime: 2160h\n"),
            "rot.yaml:6: spec.every: is required unless schedule is set: every: a duration such as 720h, or "
            "schedule: a 5-field cron expression in UTC such as \"0 3 * * 1\"\n");
}

TEST(CredentialRotationParseTest, RejectsBadDurations) {
  EXPECT_EQ(errors_of(std::string(kHeader) + "  every: 30d\n  passwordLifetime: 90 days\n  gracePeriod: -1h\n"),
            "rot.yaml:13: spec.every: must be a duration such as 500ms, 30s, 5m or 720h, got '30d'\n"
            "rot.yaml:14: spec.passwordLifetime: must be a duration such as 500ms, 30s, 5m or 720h, got '90 days'\n"
            "rot.yaml:15: spec.gracePeriod: must be a duration such as 500ms, 30s, 5m or 720h, got '-1h'\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  every: 0s\n  passwordLifetime: 2160h\n"),
            "rot.yaml:13: spec.every: must be longer than 0s\n");
}

TEST(CredentialRotationParseTest, RejectsBadCronSchedules) {
  const auto with_schedule = [](const std::string& schedule) {
    return errors_of(std::string(kHeader) + "  schedule: \"" + schedule + "\"\n  passwordLifetime: 2160h\n");
  };
  EXPECT_EQ(with_schedule("0 3 * *"),
            "rot.yaml:13: spec.schedule: is not a valid cron schedule ('0 3 * *'): expected 5 fields (minute hour "
            "day-of-month month day-of-week), got 4\n");
  EXPECT_EQ(with_schedule("0 24 * * *"),
            "rot.yaml:13: spec.schedule: is not a valid cron schedule ('0 24 * * *'): hour: 24 is out of range 0-23\n");
  EXPECT_EQ(with_schedule("0 0 30 2 *"),
            "rot.yaml:13: spec.schedule: is not a valid cron schedule ('0 0 30 2 *'): never fires: no chosen month "
            "has the chosen day of the month\n");
}

TEST(CredentialRotationParseTest, RequiresLifetimeLongerThanGracePeriod) {
  EXPECT_EQ(errors_of(std::string(kHeader) + "  every: 1h\n  passwordLifetime: 12h\n  gracePeriod: 24h\n"),
            "rot.yaml:14: spec.passwordLifetime: must be longer than gracePeriod (24h), got 12h\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  every: 1h\n  passwordLifetime: 24h\n"),
            "rot.yaml:14: spec.passwordLifetime: must be longer than gracePeriod (24h), got 24h\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  every: 720h\n  passwordLifetime: 730h\n"),
            "rot.yaml:14: spec.passwordLifetime: must be at least every + gracePeriod (744h) so a password does not "
            "expire while it is being retired, got 730h\n");
  EXPECT_EQ(errors_of(std::string(kHeader) + "  passwordLifetime: 2160h\n  every: 1m\n  gracePeriod: 10s\n"), "");
}

TEST(CredentialRotationParseTest, RejectsNamesKeyVaultDoesNotAccept) {
  EXPECT_EQ(errors_of("apiVersion: acioperator.io/v1alpha1\nkind: CredentialRotation\nmetadata: {name: r}\nspec:\n"
                      "  tenantId: 00000000-0000-0000-0000-0000000000aa\n"
                      "  application: {objectId: 00000000-0000-0000-0000-0000000000bb, appId: app}\n"
                      "  keyVault: my_vault\n"
                      "  usernameSecret: pull.usr\n"
                      "  passwordSecret: " + std::string(128, 'p') + "\n"
                      "  every: 720h\n  passwordLifetime: 2160h\n"),
            "rot.yaml:6: spec.application.appId: must be a GUID such as 00000000-0000-0000-0000-000000000000, got "
            "'app'\n"
            "rot.yaml:7: spec.keyVault: may contain only letters, digits and '-', got 'my_vault'\n"
            "rot.yaml:8: spec.usernameSecret: may contain only letters, digits and '-', got 'pull.usr'\n"
            "rot.yaml:9: spec.passwordSecret: must be 1-127 characters long, got 128 ('" + std::string(128, 'p') +
                "')\n");
}

TEST(CredentialRotationParseTest, RejectsOneSecretForBothUsernameAndPassword) {
  EXPECT_EQ(errors_of("apiVersion: acioperator.io/v1alpha1\nkind: CredentialRotation\nmetadata: {name: r}\nspec:\n"
                      "  tenantId: 00000000-0000-0000-0000-0000000000aa\n"
                      "  application: {objectId: 00000000-0000-0000-0000-0000000000bb, appId: "
                      "00000000-0000-0000-0000-0000000000cc}\n"
                      "  keyVault: mykeyvault\n  usernameSecret: pull\n  passwordSecret: pull\n"
                      "  every: 720h\n  passwordLifetime: 2160h\n"),
            "rot.yaml:9: spec.passwordSecret: must differ from usernameSecret\n");
}

TEST(CredentialRotationParseTest, RejectsMaxConcurrentBelowOneAndBadRegistry) {
  EXPECT_EQ(errors_of(std::string(kHeader) +
                      "  every: 720h\n  passwordLifetime: 2160h\n"
                      "  rollout: {maxConcurrent: 0}\n"
                      "  verify: {registry: \"myregistry.azurecr.io/v2\"}\n"),
            "rot.yaml:15: spec.rollout.maxConcurrent: must be between 1 and 1000, got 0\n"
            "rot.yaml:16: spec.verify.registry: must be a registry login server such as myregistry.azurecr.io (no "
            "scheme, no path), got 'myregistry.azurecr.io/v2'\n");
}

TEST(CredentialRotationParseTest, ReportsMissingRequiredFields) {
  EXPECT_EQ(errors_of("apiVersion: acioperator.io/v1alpha1\nkind: CredentialRotation\nmetadata: {name: r}\n"
                      "spec:\n  every: 720h\n  extra: true\n"),
            "rot.yaml:5: spec.tenantId: is required\n"
            "rot.yaml:5: spec.application: is required\n"
            "rot.yaml:5: spec.keyVault: is required\n"
            "rot.yaml:5: spec.usernameSecret: is required\n"
            "rot.yaml:5: spec.passwordSecret: is required\n"
            "rot.yaml:5: spec.passwordLifetime: is required\n"
            "rot.yaml:6: spec.extra: unknown key\n");
}

}  // namespace
}  // namespace aci::model
