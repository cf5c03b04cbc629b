#include "emulator/arm/container_group_service.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <memory>
#include <random>
#include <set>
#include <string>

#include "tests/unit/emulator/arm/fake_image_pull_checker.hpp"

namespace aci::emulator {
namespace {

using boost::beast::http::verb;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kSubscription = "00000000-0000-0000-0000-0000000000a1";
constexpr const char* kBase = "https://127.0.0.1:8443";
constexpr const char* kRegistry = "myregistry.azurecr.io";
constexpr const char* kSecureValue = "s3cret-value-never-shown";
constexpr const char* kRegistryPassword = "registry-password-never-shown";

std::string group_path(const std::string& name, const std::string& api_version = "2023-05-01",
                       const std::string& resource_group = "demo-rg") {
  return std::string("/subscriptions/") + kSubscription + "/resourceGroups/" + resource_group +
         "/providers/Microsoft.ContainerInstance/containerGroups/" + name + "?api-version=" + api_version;
}

std::string action_path(const std::string& name, const std::string& action) {
  return std::string("/subscriptions/") + kSubscription +
         "/resourceGroups/demo-rg/providers/Microsoft.ContainerInstance/containerGroups/" + name + "/" + action +
         "?api-version=2023-05-01";
}

std::string list_path(bool whole_subscription = false) {
  if (whole_subscription) {
    return std::string("/subscriptions/") + kSubscription +
           "/providers/Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01";
  }
  return std::string("/subscriptions/") + kSubscription +
         "/resourceGroups/demo-rg/providers/Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01";
}

json group_body(const std::string& image = "mcr.microsoft.com/azuredocs/aci-helloworld:latest") {
  return json{{"location", "West Europe"},
              {"properties",
               {{"osType", "Linux"},
                {"containers",
                 json::array({{{"name", "app"},
                               {"properties",
                                {{"image", image},
                                 {"ports", json::array({{{"port", 80}}})},
                                 {"environmentVariables",
                                  json::array({{{"name", "MODE"}, {"value", "prod"}},
                                               {{"name", "DB_PASSWORD"}, {"secureValue", kSecureValue}}})},
                                 {"resources", {{"requests", {{"cpu", 1}, {"memoryInGB", 1.5}}}}}}}}})},
                {"ipAddress",
                 {{"type", "Public"}, {"dnsNameLabel", "demo-app"}, {"ports", json::array({{{"port", 80}}})}}}}}};
}

json private_image_body(const std::string& username, const std::string& password) {
  json body = group_body(std::string(kRegistry) + "/aci-helloworld:v1");
  body["properties"]["imageRegistryCredentials"] =
      json::array({{{"server", kRegistry}, {"username", username}, {"password", password}}});
  return body;
}

class ContainerGroupServiceTest : public ::testing::Test {
 protected:
  ContainerGroupServiceTest() {
    settings_.random_seed = 42;
    pulls_.add_registry(kRegistry, {"pull-app-id", kRegistryPassword, ""});
    rebuild();
  }

  void rebuild() {
    service_ = std::make_unique<ContainerGroupService>([this] { return now_; }, pulls_, settings_);
    service_->seed(json::array({{{"id", kSubscription},
                                 {"resourceGroups", json::array({{{"name", "demo-rg"}, {"location", "westeurope"}},
                                                                 {{"name", "other-rg"}, {"location", "eastus"}}})}}}));
  }

  http::ServerResponse call(verb method, const std::string& target, const std::string& body = "",
                            const std::string& content_type = "application/json") {
    http::ServerRequest request{method, target, 11};
    if (!body.empty()) {
      request.set(boost::beast::http::field::content_type, content_type);
      request.body() = body;
      request.prepare_payload();
    }
    return service_->handle(request, kBase);
  }

  http::ServerResponse put(const std::string& name, const json& body,
                           const std::string& api_version = "2023-05-01") {
    return call(verb::put, group_path(name, api_version), body.dump());
  }

  json get(const std::string& name) { return parse(call(verb::get, group_path(name))); }

  static json parse(const http::ServerResponse& response) {
    if (response.body().empty()) return json();
    return json::parse(response.body());
  }

  // The path and query of a URL this service built (they all start with kBase).
  static std::string local(const std::string& url) {
    EXPECT_EQ(url.rfind(kBase, 0), 0u) << url;
    return url.substr(std::string(kBase).size());
  }

  json poll(const http::ServerResponse& accepted) {
    return parse(call(verb::get, local(std::string(accepted["Azure-AsyncOperation"]))));
  }

  static const json& container(const json& group, std::size_t index = 0) {
    return group.at("properties").at("containers").at(index).at("properties");
  }

  static std::vector<std::string> event_names(const json& group) {
    std::vector<std::string> names;
    for (const auto& event : container(group).at("instanceView").at("events")) {
      names.push_back(event.at("name").get<std::string>());
    }
    return names;
  }

  void create_running(const std::string& name, const json& body = group_body()) {
    ASSERT_EQ(put(name, body).result_int(), 201u);
    now_ += 3s;
    ASSERT_EQ(get(name)["properties"]["provisioningState"], "Succeeded");
  }

  TimePoint now_ = TimePoint(std::chrono::seconds(1'700'000'000));
  testing::FakeImagePullChecker pulls_;
  ArmSettings settings_;
  std::unique_ptr<ContainerGroupService> service_;
};

TEST_F(ContainerGroupServiceTest, CreateAnswers201WithAsyncOperationThatSucceedsOverTime) {
  auto response = put("demo", group_body());
  ASSERT_EQ(response.result_int(), 201u) << response.body();
  json body = parse(response);
  EXPECT_EQ(body["properties"]["provisioningState"], "Creating");
  std::string operation_url(response["Azure-AsyncOperation"]);
  EXPECT_EQ(operation_url.rfind(std::string(kBase) + "/subscriptions/" + kSubscription +
                                    "/providers/Microsoft.ContainerInstance/locations/westeurope/operations/",
                                0),
            0u)
      << operation_url;
  EXPECT_NE(operation_url.find("api-version=2023-05-01"), std::string::npos);
  EXPECT_EQ(response["Retry-After"], "1");

  json status = poll(response);
  EXPECT_EQ(status["status"], "InProgress");
  EXPECT_FALSE(status.contains("error"));

  now_ += 3s;
  status = poll(response);
  EXPECT_EQ(status["status"], "Succeeded");
  EXPECT_EQ(status["name"], operation_url.substr(operation_url.rfind('/') + 1, 36));

  json group = get("demo");
  EXPECT_EQ(group["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(group["properties"]["instanceView"]["state"], "Running");
  EXPECT_EQ(container(group)["instanceView"]["currentState"]["state"], "Running");
  EXPECT_EQ(container(group)["instanceView"]["restartCount"], 0);
  EXPECT_EQ(event_names(group), (std::vector<std::string>{"Pulling", "Pulled", "Started"}));
}

TEST_F(ContainerGroupServiceTest, StatesMoveWithTheClockWithoutAnyTimer) {
  ASSERT_EQ(put("demo", group_body()).result_int(), 201u);
  json group = get("demo");
  EXPECT_EQ(group["properties"]["instanceView"]["state"], "Pending");
  EXPECT_EQ(container(group)["instanceView"]["currentState"]["state"], "Waiting");
  EXPECT_EQ(event_names(group), (std::vector<std::string>{"Pulling"}));

  now_ += 1s;
  group = get("demo");
  EXPECT_EQ(event_names(group), (std::vector<std::string>{"Pulling", "Pulled"}));
  EXPECT_EQ(group["properties"]["provisioningState"], "Creating");

  now_ += 1500ms;
  group = get("demo");
  EXPECT_EQ(container(group)["instanceView"]["currentState"]["state"], "Running");
  EXPECT_EQ(group["properties"]["instanceView"]["state"], "Running");
  EXPECT_EQ(group["properties"]["provisioningState"], "Creating");

  now_ += 500ms;
  EXPECT_EQ(get("demo")["properties"]["provisioningState"], "Succeeded");
}

TEST_F(ContainerGroupServiceTest, ShortProvisioningAlsoShortensContainerStart) {
  settings_.provisioning_duration = 500ms;
  rebuild();
  ASSERT_EQ(put("demo", group_body()).result_int(), 201u);
  now_ += 500ms;
  json group = get("demo");
  EXPECT_EQ(group["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(group["properties"]["instanceView"]["state"], "Running");
}

TEST_F(ContainerGroupServiceTest, GetFillsInWhatAzureFillsIn) {
  json body = group_body();
  body["properties"]["containers"][0]["properties"].erase("environmentVariables");
  create_running("demo", body);
  json group = get("demo");
  EXPECT_EQ(group["id"], std::string("/subscriptions/") + kSubscription +
                             "/resourceGroups/demo-rg/providers/Microsoft.ContainerInstance/containerGroups/demo");
  EXPECT_EQ(group["name"], "demo");
  EXPECT_EQ(group["type"], "Microsoft.ContainerInstance/containerGroups");
  EXPECT_EQ(group["location"], "westeurope");
  EXPECT_FALSE(group.contains("tags"));
  const json& properties = group["properties"];
  EXPECT_EQ(properties["restartPolicy"], "Always");
  EXPECT_EQ(properties["sku"], "Standard");
  EXPECT_EQ(properties["osType"], "Linux");
  EXPECT_EQ(container(group)["command"], json::array());
  EXPECT_EQ(container(group)["environmentVariables"], json::array());
  EXPECT_EQ(container(group)["ports"], json::parse(R"([{"port":80}])"));
  EXPECT_EQ(properties["ipAddress"]["ports"], json::parse(R"([{"port":80,"protocol":"TCP"}])"));
  EXPECT_EQ(properties["ipAddress"]["fqdn"], "demo-app.westeurope.azurecontainer.io");
  EXPECT_EQ(properties["ipAddress"]["autoGeneratedDomainNameLabelScope"], "Unsecure");
  EXPECT_FALSE(properties["ipAddress"]["ip"].get<std::string>().empty());
  EXPECT_FALSE(properties.contains("isCreatedFromStandbyPool"));
}

TEST_F(ContainerGroupServiceTest, SecureValuesAndRegistryPasswordsAreNeverReturnedNorSaved) {
  auto created = put("demo", private_image_body("pull-app-id", kRegistryPassword));
  ASSERT_EQ(created.result_int(), 201u) << created.body();
  now_ += 3s;
  std::vector<std::string> texts{created.body(), call(verb::get, group_path("demo")).body(),
                                 call(verb::get, list_path()).body(), call(verb::get, list_path(true)).body(),
                                 service_->save().dump(), service_->snapshot().dump()};
  for (const auto& text : texts) {
    EXPECT_EQ(text.find(kSecureValue), std::string::npos) << text;
    EXPECT_EQ(text.find(kRegistryPassword), std::string::npos) << text;
  }
  json group = get("demo");
  EXPECT_EQ(container(group)["environmentVariables"],
            json::parse(R"([{"name":"MODE","value":"prod"},{"name":"DB_PASSWORD"}])"));
  EXPECT_EQ(group["properties"]["imageRegistryCredentials"],
            json::parse(R"([{"server":"myregistry.azurecr.io","username":"pull-app-id"}])"));
  // The password did reach the pull check.
  ASSERT_FALSE(pulls_.checks().empty());
  EXPECT_EQ(pulls_.checks().back().credentials.at(0).password, kRegistryPassword);
}

TEST_F(ContainerGroupServiceTest, RePutWithUnchangedBodyRestartsTheContainers) {
  create_running("demo");
  auto response = put("demo", group_body());
  ASSERT_EQ(response.result_int(), 200u) << response.body();
  EXPECT_EQ(parse(response)["properties"]["provisioningState"], "Updating");
  EXPECT_FALSE(std::string(response["Azure-AsyncOperation"]).empty());
  json group = get("demo");
  EXPECT_EQ(container(group)["instanceView"]["restartCount"], 1);
  EXPECT_EQ(container(group)["instanceView"]["previousState"]["state"], "Terminated");
  EXPECT_EQ(group["properties"]["instanceView"]["state"], "Pending");

  now_ += 3s;
  group = get("demo");
  EXPECT_EQ(group["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(container(group)["instanceView"]["currentState"]["state"], "Running");
  auto names = event_names(group);
  EXPECT_NE(std::find(names.begin(), names.end(), "Killing"), names.end());
  for (const auto& event : container(group)["instanceView"]["events"]) {
    if (event["name"] == "Started" || event["name"] == "Pulling") {
      EXPECT_EQ(event["count"], 2) << event.dump();
    }
  }

  ASSERT_EQ(put("demo", group_body()).result_int(), 200u);
  now_ += 3s;
  EXPECT_EQ(container(get("demo"))["instanceView"]["restartCount"], 2);
}

TEST_F(ContainerGroupServiceTest, ChangesAciCannotApplyInPlaceAreRefusedWith409) {
  create_running("demo");
  auto expect_refused = [&](const json& body, const char* what) {
    auto response = put("demo", body);
    EXPECT_EQ(response.result_int(), 409u) << what;
    json error = parse(response)["error"];
    EXPECT_EQ(error["code"], "InvalidContainerGroupUpdate") << what;
    EXPECT_NE(error["message"].get<std::string>().find("you must delete it first"), std::string::npos);
  };
  json cpu = group_body();
  cpu["properties"]["containers"][0]["properties"]["resources"]["requests"]["cpu"] = 2;
  expect_refused(cpu, "cpu");
  json os = group_body();
  os["properties"]["osType"] = "Windows";
  expect_refused(os, "osType");
  json policy = group_body();
  policy["properties"]["restartPolicy"] = "Never";
  expect_refused(policy, "restartPolicy");
  json ports = group_body();
  ports["properties"]["containers"][0]["properties"]["ports"] = json::parse(R"([{"port":8080}])");
  expect_refused(ports, "container ports");
  json more = group_body();
  more["properties"]["containers"].push_back(more["properties"]["containers"][0]);
  more["properties"]["containers"][1]["name"] = "sidecar";
  expect_refused(more, "container set");
  json private_ip = group_body();
  private_ip["properties"]["ipAddress"]["type"] = "Private";
  expect_refused(private_ip, "ipAddress.type");
  EXPECT_EQ(container(get("demo"))["instanceView"]["restartCount"], 0);

  // Image and environment can change in place; 1.5 and 1.50 are the same memory.
  json image = group_body("mcr.microsoft.com/azuredocs/aci-helloworld:v2");
  image["properties"]["containers"][0]["properties"]["resources"]["requests"]["cpu"] = 1.0;
  EXPECT_EQ(put("demo", image).result_int(), 200u);
}

TEST_F(ContainerGroupServiceTest, WritesWhileTransitioningAreRefused) {
  ASSERT_EQ(put("demo", group_body()).result_int(), 201u);
  auto again = put("demo", group_body());
  EXPECT_EQ(again.result_int(), 409u);
  EXPECT_EQ(parse(again)["error"]["code"], "ContainerGroupTransitioning");
  EXPECT_EQ(call(verb::post, action_path("demo", "restart")).result_int(), 409u);
  EXPECT_EQ(call(verb::post, action_path("demo", "stop")).result_int(), 409u);
}

TEST_F(ContainerGroupServiceTest, WrongRegistryPasswordIsRejectedAtPutTime) {
  auto response = put("demo", private_image_body("pull-app-id", "wrong"));
  EXPECT_EQ(response.result_int(), 400u);
  json error = parse(response)["error"];
  EXPECT_EQ(error["code"], "InaccessibleImage");
  EXPECT_EQ(error["message"],
            "The image 'myregistry.azurecr.io/aci-helloworld:v1' in container group 'demo' is not accessible. "
            "Please check the image and registry credential.");
  EXPECT_EQ(call(verb::get, group_path("demo")).result_int(), 404u);

  EXPECT_EQ(put("demo", private_image_body("pull-app-id", kRegistryPassword)).result_int(), 201u);
}

TEST_F(ContainerGroupServiceTest, DeferredPullFailureEndsFailedWithAciEvents) {
  settings_.validate_images_on_put = false;
  rebuild();
  auto response = put("demo", private_image_body("pull-app-id", "wrong"));
  ASSERT_EQ(response.result_int(), 201u) << response.body();
  now_ += 3s;
  json status = poll(response);
  EXPECT_EQ(status["status"], "Failed");
  EXPECT_EQ(status["error"]["code"], "InaccessibleImage");

  json group = get("demo");
  EXPECT_EQ(group["properties"]["provisioningState"], "Failed");
  EXPECT_EQ(group["properties"]["instanceView"]["state"], "Pending");
  EXPECT_EQ(container(group)["instanceView"]["currentState"]["state"], "Waiting");
  EXPECT_EQ(event_names(group), (std::vector<std::string>{"Pulling", "Failed", "BackOff"}));
  const json& failed = container(group)["instanceView"]["events"][1];
  EXPECT_EQ(failed["type"], "Warning");
  EXPECT_NE(failed["message"].get<std::string>().find("Failed to pull image"), std::string::npos);
}

TEST_F(ContainerGroupServiceTest, ManagedIdentityPullFailureIsReportedAsynchronously) {
  json body = group_body(std::string(kRegistry) + "/aci-helloworld:v1");
  body["properties"]["imageRegistryCredentials"] =
      json::array({{{"server", kRegistry}, {"identity", "/subscriptions/x/userAssignedIdentities/nobody"}}});
  auto response = put("demo", body);
  ASSERT_EQ(response.result_int(), 201u) << response.body();
  now_ += 3s;
  EXPECT_EQ(poll(response)["status"], "Failed");
  EXPECT_EQ(get("demo")["properties"]["provisioningState"], "Failed");
}

TEST_F(ContainerGroupServiceTest, RestartAfterThePasswordWasRevokedFailsThePull) {
  create_running("demo", private_image_body("pull-app-id", kRegistryPassword));
  pulls_.set_password(kRegistry, "rotated");
  auto response = call(verb::post, action_path("demo", "restart"));
  ASSERT_EQ(response.result_int(), 202u);
  EXPECT_FALSE(std::string(response["Location"]).empty());
  now_ += 3s;
  EXPECT_EQ(poll(response)["status"], "Failed");
  json group = get("demo");
  EXPECT_EQ(group["properties"]["provisioningState"], "Failed");
  EXPECT_EQ(container(group)["instanceView"]["restartCount"], 1);
  EXPECT_EQ(container(group)["instanceView"]["currentState"]["state"], "Waiting");
}

TEST_F(ContainerGroupServiceTest, ListsPageWithNextLinkAndCarryNoInstanceView) {
  settings_.page_size = 2;
  rebuild();
  for (const char* name : {"a1", "a2", "a3", "a4", "a5"}) create_running(name);
  ASSERT_EQ(put("elsewhere", group_body()).result_int(), 201u);
  ASSERT_EQ(call(verb::put, group_path("in-other", "2023-05-01", "other-rg"), group_body().dump()).result_int(), 201u);

  std::set<std::string> seen;
  std::string target = list_path();
  int pages = 0;
  while (true) {
    auto response = call(verb::get, target);
    ASSERT_EQ(response.result_int(), 200u) << response.body();
    json page = parse(response);
    ++pages;
    EXPECT_LE(page["value"].size(), 2u);
    for (const auto& item : page["value"]) {
      seen.insert(item["name"].get<std::string>());
      EXPECT_FALSE(item["properties"].contains("instanceView"));
      EXPECT_FALSE(item["properties"]["containers"][0]["properties"].contains("instanceView"));
      EXPECT_TRUE(item["properties"].contains("provisioningState"));
    }
    if (!page.contains("nextLink")) break;
    target = local(page["nextLink"].get<std::string>());
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::set<std::string>{"a1", "a2", "a3", "a4", "a5", "elsewhere"}));

  std::size_t whole = 0;
  target = list_path(true);
  while (true) {
    json page = parse(call(verb::get, target));
    whole += page["value"].size();
    if (!page.contains("nextLink")) break;
    target = local(page["nextLink"].get<std::string>());
  }
  EXPECT_EQ(whole, 7u);

  auto bad = call(verb::get, list_path() + "&$skiptoken=zz");
  EXPECT_EQ(bad.result_int(), 400u);
}

TEST_F(ContainerGroupServiceTest, EmptyListHasNoNextLink) {
  json page = parse(call(verb::get, list_path()));
  EXPECT_EQ(page, json::parse(R"({"value":[]})"));
}

TEST_F(ContainerGroupServiceTest, DeleteRunsAsAnOperationAndThenTheGroupIsGone) {
  create_running("demo");
  auto response = call(verb::delete_, group_path("demo"));
  ASSERT_EQ(response.result_int(), 202u);
  EXPECT_TRUE(response.body().empty());
  std::string location(response["Location"]);
  ASSERT_FALSE(location.empty());
  EXPECT_EQ(poll(response)["status"], "InProgress");
  EXPECT_EQ(call(verb::get, local(location)).result_int(), 202u);
  EXPECT_EQ(get("demo")["properties"]["provisioningState"], "Deleting");
  EXPECT_EQ(put("demo", group_body()).result_int(), 409u);

  now_ += 1s;
  EXPECT_EQ(poll(response)["status"], "Succeeded");
  EXPECT_EQ(call(verb::get, local(location)).result_int(), 204u);
  auto missing = call(verb::get, group_path("demo"));
  EXPECT_EQ(missing.result_int(), 404u);
  EXPECT_EQ(parse(missing)["error"]["code"], "ResourceNotFound");
  EXPECT_EQ(call(verb::delete_, group_path("demo")).result_int(), 204u);
  EXPECT_EQ(parse(call(verb::get, list_path()))["value"].size(), 0u);
}

TEST_F(ContainerGroupServiceTest, DeleteWithoutDurationAnswers200WithTheBody) {
  settings_.deletion_duration = 0ms;
  rebuild();
  create_running("demo");
  auto response = call(verb::delete_, group_path("demo"));
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(parse(response)["name"], "demo");
  EXPECT_EQ(call(verb::get, group_path("demo")).result_int(), 404u);
}

TEST_F(ContainerGroupServiceTest, DeleteDuringCreationCancelsTheCreation) {
  auto created = put("demo", group_body());
  ASSERT_EQ(call(verb::delete_, group_path("demo")).result_int(), 202u);
  EXPECT_EQ(poll(created)["status"], "Canceled");
}

TEST_F(ContainerGroupServiceTest, PatchChangesTagsOnlyWithoutRestart) {
  create_running("demo");
  auto response = call(verb::patch, group_path("demo"), R"({"tags":{"owner":"team-a"}})");
  ASSERT_EQ(response.result_int(), 200u) << response.body();
  json body = parse(response);
  EXPECT_EQ(body["tags"], json::parse(R"({"owner":"team-a"})"));
  EXPECT_EQ(body["properties"]["provisioningState"], "Succeeded");
  EXPECT_EQ(container(body)["instanceView"]["restartCount"], 0);
  EXPECT_EQ(get("demo")["tags"]["owner"], "team-a");
  EXPECT_EQ(call(verb::patch, group_path("demo"), R"({"tags":{"n":1}})").result_int(), 400u);
  EXPECT_EQ(call(verb::patch, group_path("absent"), R"({"tags":{}})").result_int(), 404u);
}

TEST_F(ContainerGroupServiceTest, StopStartAndRestartMoveTheGroup) {
  create_running("demo");
  EXPECT_EQ(call(verb::post, action_path("demo", "start")).result_int(), 204u);  // already running
  EXPECT_EQ(call(verb::post, action_path("demo", "stop")).result_int(), 204u);
  json group = get("demo");
  EXPECT_EQ(group["properties"]["instanceView"]["state"], "Stopped");
  EXPECT_EQ(container(group)["instanceView"]["currentState"]["state"], "Terminated");

  auto started = call(verb::post, action_path("demo", "start"));
  ASSERT_EQ(started.result_int(), 202u);
  now_ += 3s;
  EXPECT_EQ(poll(started)["status"], "Succeeded");
  group = get("demo");
  EXPECT_EQ(group["properties"]["instanceView"]["state"], "Running");
  EXPECT_EQ(container(group)["instanceView"]["restartCount"], 0);

  auto restarted = call(verb::post, action_path("demo", "restart"));
  ASSERT_EQ(restarted.result_int(), 202u);
  now_ += 3s;
  EXPECT_EQ(poll(restarted)["status"], "Succeeded");
  EXPECT_EQ(container(get("demo"))["instanceView"]["restartCount"], 1);
  EXPECT_EQ(call(verb::post, action_path("absent", "restart")).result_int(), 404u);
}

TEST_F(ContainerGroupServiceTest, InvalidNamesGetArmErrors) {
  for (const std::string& name : std::vector<std::string>{"Bad_Name", "-lead", "trail-", "dou--ble", std::string(64, 'a')}) {
    auto response = put(name, group_body());
    EXPECT_EQ(response.result_int(), 400u) << name;
    EXPECT_EQ(parse(response)["error"]["code"], "InvalidContainerGroupName") << name;
  }
  EXPECT_EQ(put(std::string(63, 'a'), group_body()).result_int(), 201u);

  auto bad_group = call(verb::put, group_path("demo", "2023-05-01", "bad!rg"), group_body().dump());
  EXPECT_EQ(bad_group.result_int(), 400u);
  EXPECT_EQ(parse(bad_group)["error"]["code"], "InvalidResourceGroup");
  EXPECT_EQ(call(verb::get, group_path("demo", "2023-05-01", "ends-in-period.")).result_int(), 400u);
  auto unknown_group = call(verb::put, group_path("demo", "2023-05-01", "nope-rg"), group_body().dump());
  EXPECT_EQ(unknown_group.result_int(), 404u);
  EXPECT_EQ(parse(unknown_group)["error"]["code"], "ResourceGroupNotFound");
  auto unknown_subscription = call(
      verb::get, "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.ContainerInstance/"
                 "containerGroups?api-version=2023-05-01");
  EXPECT_EQ(unknown_subscription.result_int(), 404u);
  EXPECT_EQ(parse(unknown_subscription)["error"]["code"], "SubscriptionNotFound");

  json bad_container = group_body();
  bad_container["properties"]["containers"][0]["name"] = "App";
  auto response = put("demo", bad_container);
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_EQ(parse(response)["error"]["code"], "InvalidContainerName");
}

TEST_F(ContainerGroupServiceTest, BadBodiesGetArmErrorShapes) {
  auto malformed = call(verb::put, group_path("demo"), "{\"location\": ");
  EXPECT_EQ(malformed.result_int(), 400u);
  json error = parse(malformed)["error"];
  EXPECT_EQ(error["code"], "InvalidRequestContent");
  EXPECT_TRUE(error.contains("message"));

  auto media = call(verb::put, group_path("demo"), group_body().dump(), "text/plain");
  EXPECT_EQ(media.result_int(), 415u);
  EXPECT_EQ(parse(media)["error"]["code"], "UnsupportedMediaType");

  EXPECT_EQ(call(verb::put, group_path("demo"), std::string(100000, '[')).result_int(), 400u);
  EXPECT_EQ(call(verb::put, group_path("demo"), "[1,2]").result_int(), 400u);

  json no_containers = group_body();
  no_containers["properties"].erase("containers");
  auto response = put("demo", no_containers);
  EXPECT_EQ(response.result_int(), 400u);
  EXPECT_NE(parse(response)["error"]["message"].get<std::string>().find("'containers'"), std::string::npos);

  json no_os = group_body();
  no_os["properties"].erase("osType");
  EXPECT_EQ(put("demo", no_os).result_int(), 400u);
  EXPECT_EQ(put("demo", no_os, "2025-09-01").result_int(), 201u);

  json no_location = group_body();
  no_location.erase("location");
  auto location = put("other", no_location);
  EXPECT_EQ(location.result_int(), 400u);
  EXPECT_EQ(parse(location)["error"]["code"], "LocationRequired");

  json bad_subnet = group_body();
  bad_subnet["properties"]["subnetIds"] = json::parse(R"([{"id":5}])");
  EXPECT_EQ(put("other", bad_subnet).result_int(), 400u);

  json no_memory = group_body();
  no_memory["properties"]["containers"][0]["properties"]["resources"]["requests"].erase("memoryInGB");
  EXPECT_EQ(put("other", no_memory).result_int(), 400u);
}

TEST_F(ContainerGroupServiceTest, ApiVersionIsRequiredAndChecked) {
  auto missing = call(verb::get, std::string("/subscriptions/") + kSubscription +
                                     "/providers/Microsoft.ContainerInstance/containerGroups");
  EXPECT_EQ(missing.result_int(), 400u);
  EXPECT_EQ(parse(missing)["error"]["code"], "MissingApiVersionParameter");
  auto unknown = call(verb::get, group_path("demo", "2099-01-01"));
  EXPECT_EQ(unknown.result_int(), 400u);
  EXPECT_EQ(parse(unknown)["error"]["code"], "InvalidApiVersionParameter");
  EXPECT_EQ(put("demo", group_body(), "2021-10-01").result_int(), 201u);
  EXPECT_EQ(parse(call(verb::get, group_path("demo", "2025-09-01")))["properties"]["isCreatedFromStandbyPool"], false);
}

TEST_F(ContainerGroupServiceTest, ResponsesCarryArmRequestIds) {
  http::ServerRequest request{verb::get, group_path("absent"), 11};
  request.set("x-ms-client-request-id", "client-1");
  request.set("x-ms-correlation-request-id", "corr-1");
  auto response = service_->handle(request, kBase);
  EXPECT_EQ(response["x-ms-client-request-id"], "client-1");
  EXPECT_EQ(response["x-ms-correlation-request-id"], "corr-1");
  EXPECT_EQ(response["x-ms-request-id"].size(), 36u);

  auto other = call(verb::get, group_path("absent"));
  EXPECT_EQ(other["x-ms-correlation-request-id"].size(), 36u);
  EXPECT_NE(other["x-ms-request-id"], response["x-ms-request-id"]);
  EXPECT_TRUE(other["x-ms-client-request-id"].empty());
}

TEST_F(ContainerGroupServiceTest, SaveAndLoadKeepTheWorld) {
  create_running("demo", private_image_body("pull-app-id", kRegistryPassword));
  auto pending = put("second", group_body());
  ASSERT_EQ(pending.result_int(), 201u);
  json before = get("demo");
  json saved = service_->save();

  auto restored = std::make_unique<ContainerGroupService>([this] { return now_; }, pulls_, settings_);
  restored->load(json::parse(saved.dump()));
  service_ = std::move(restored);
  EXPECT_EQ(get("demo"), before);
  EXPECT_EQ(poll(pending)["status"], "InProgress");
  now_ += 3s;
  EXPECT_EQ(poll(pending)["status"], "Succeeded");
  EXPECT_EQ(get("second")["properties"]["instanceView"]["state"], "Running");

  // The password was not saved; the pull it proved is trusted on restart.
  auto restarted = call(verb::post, action_path("demo", "restart"));
  ASSERT_EQ(restarted.result_int(), 202u);
  now_ += 3s;
  EXPECT_EQ(poll(restarted)["status"], "Succeeded");
  EXPECT_EQ(container(get("demo"))["instanceView"]["restartCount"], 1);
}

TEST_F(ContainerGroupServiceTest, LoadRejectsDamagedStateAndKeepsTheWorld) {
  create_running("demo");
  json damaged = service_->save();
  damaged["containerGroups"][0]["spec"]["resource"].erase("properties");
  EXPECT_THROW(service_->load(damaged), std::invalid_argument);
  EXPECT_THROW(service_->load(json::array()), std::invalid_argument);
  EXPECT_EQ(get("demo")["name"], "demo");

  // An empty object (no ARM state saved yet) is an empty world, seed kept.
  service_->load(json::object());
  EXPECT_EQ(call(verb::get, group_path("demo")).result_int(), 404u);
  EXPECT_EQ(put("demo", group_body()).result_int(), 201u);
}

TEST_F(ContainerGroupServiceTest, ResetReturnsToTheSeededWorld) {
  create_running("demo");
  service_->reset();
  EXPECT_EQ(call(verb::get, group_path("demo")).result_int(), 404u);
  EXPECT_EQ(put("demo", group_body()).result_int(), 201u);
  EXPECT_THROW(service_->seed(json::parse(R"([{"resourceGroups":[]}])")), std::invalid_argument);
}

TEST_F(ContainerGroupServiceTest, GarbageNeverEscapesAsAnException) {
  std::mt19937 random(7);
  const std::vector<std::string> prefixes{group_path("demo"), list_path(), action_path("demo", "restart"),
                                          "/subscriptions/%ff%00/resourceGroups/%zz/providers/x",
                                          "/subscriptions/" + std::string(kSubscription) +
                                              "/providers/Microsoft.ContainerInstance/locations/westeurope/"
                                              "operations/nope?api-version=2023-05-01"};
  const std::vector<verb> methods{verb::get, verb::put, verb::post, verb::patch, verb::delete_, verb::head};
  for (int i = 0; i < 400; ++i) {
    std::string body;
    std::size_t length = random() % 200;
    for (std::size_t j = 0; j < length; ++j) body += static_cast<char>(random() % 256);
    if (i % 3 == 0) {
      json mutated = group_body();
      mutated["properties"]["containers"][0]["properties"][std::string(1, static_cast<char>('a' + i % 26))] = i;
      if (i % 2 == 0) mutated["properties"]["ipAddress"]["ports"] = body.size();
      if (i % 5 == 0) mutated["properties"]["containers"] = json::array({nullptr, 3, "x"});
      body = mutated.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    const std::string& target = prefixes[static_cast<std::size_t>(i) % prefixes.size()];
    auto response = call(methods[random() % methods.size()], target, body);
    EXPECT_LT(response.result_int(), 500u) << target << " " << response.body();
    if (!response.body().empty()) {
      EXPECT_TRUE(json::accept(response.body())) << response.body();
    }
  }
}

}  // namespace
}  // namespace aci::emulator
