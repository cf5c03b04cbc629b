// `aci-operator validate` as an operator (or a CI job) runs it: the real binary on
// real files, judged by its exit code and what it prints.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "tests/support/child_process.hpp"

namespace aci::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

Outcome validate(std::vector<std::string> paths) {
  paths.insert(paths.begin(), {ACI_OPERATOR_BIN, "validate"});
  ChildProcess process(paths);
  Outcome outcome;
  outcome.code = process.wait(20s).value_or(-1);
  for (const auto& line : process.stdout_lines()) outcome.out += line + "\n";
  for (const auto& line : process.stderr_lines()) outcome.err += line + "\n";
  return outcome;
}

std::string group(const std::string& name, const std::string& extra = "") {
  return "apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata:\n  name: " + name +
         "\nspec:\n  azure:\n    subscriptionId: 00000000-0000-0000-0000-000000000001\n"
         "    resourceGroup: rg\n    location: westeurope\n  containers:\n    - name: app\n      image: nginx:1\n"
         "      resources: {cpu: 1, memoryInGB: 1.5}\n" +
         extra;
}

TEST(ValidateCommandTest, TheExampleSpecsPass) {
  const std::string examples = std::string(ACI_SOURCE_DIR) + "/config/examples";
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(examples)) files += entry.is_regular_file() ? 1 : 0;
  const auto outcome = validate({examples});
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_EQ(outcome.err, "");
  EXPECT_TRUE(std::regex_match(outcome.out, std::regex("[0-9]+ objects OK in " + std::to_string(files) + " files\n")))
      << outcome.out;
}

TEST(ValidateCommandTest, ALiteralPasswordFailsNamingFileAndField) {
  TempDir dir;
  const std::string password = "Sup3r-secret-literal";
  const auto file = dir.write("web.yaml", group("web",
                                                "  imageRegistryCredentials:\n"
                                                "    - server: myregistry.azurecr.io\n"
                                                "      username: {keyVault: mykeyvault, secret: usr}\n"
                                                "      password: " + password + "\n"));
  const auto outcome = validate({file});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find(file + ":17: spec.imageRegistryCredentials[0].password: literal passwords are not accepted"),
            std::string::npos)
      << outcome.err;
  EXPECT_NE(outcome.err.find("(document 1, ContainerGroup web)"), std::string::npos) << outcome.err;
  EXPECT_EQ(outcome.err.find(password), std::string::npos);
  EXPECT_EQ(outcome.out, "");
}

TEST(ValidateCommandTest, ATagValueThatIsNotUtf8FailsNamingTheField) {
  TempDir dir;
  const auto file = dir.write("cafe.yaml", group("cafe", "  tags:\n    team: caf\xE9\n"));
  const auto outcome = validate({file});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find(file + ":15: spec.tags.team: not valid UTF-8"), std::string::npos) << outcome.err;
}

TEST(ValidateCommandTest, AnUnknownFieldInADirectoryFails) {
  TempDir dir;
  dir.write("good.yaml", group("good"));
  const auto bad = dir.write("nested/bad.yml", group("bad", "  colour: blue\n"));
  dir.write("notes.txt", "not a spec, not read");
  const auto outcome = validate({dir.path()});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find(bad + ":14: spec.colour: unknown key (document 1, ContainerGroup bad)\n"),
            std::string::npos)
      << outcome.err;
  EXPECT_NE(outcome.err.find("1 error in 2 files"), std::string::npos) << outcome.err;
}

TEST(ValidateCommandTest, AnObjectInTwoFilesFailsInBoth) {
  TempDir dir;
  const auto a = dir.write("a.yaml", group("web"));
  const auto b = dir.write("b.yaml", group("web"));
  const auto outcome = validate({dir.path(), a});  // a.yaml named twice is still one file
  EXPECT_EQ(outcome.code, 1);
  const auto message = "metadata.name: ContainerGroup/web is declared in more than one file: " + a + ", " + b;
  EXPECT_NE(outcome.err.find(a + ":1: " + message), std::string::npos) << outcome.err;
  EXPECT_NE(outcome.err.find(b + ":1: " + message), std::string::npos) << outcome.err;
}

TEST(ValidateCommandTest, GoodFilesPrintTheCount) {
  TempDir dir;
  const auto file = dir.write("two.yaml", group("one") + "---\n" + group("two"));
  const auto outcome = validate({file});
  EXPECT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "2 objects OK in 1 file\n");
}

TEST(ValidateCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(validate({}).code, 2);
  const auto missing = validate({"/nonexistent/specs"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("/nonexistent/specs: no such file or directory"), std::string::npos);
}

}  // namespace
}  // namespace aci::testing
