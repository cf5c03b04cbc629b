// Kubernetes mode end to end: a real kube-apiserver and etcd (scripts/dev-cluster.sh,
// built from their Go modules by scripts/test.sh), the real azure-emulator, the real
// daemon running with a ServiceAccount token bound to config/kubernetes/rbac.yaml (so
// the real authorizer proves least privilege), and kubectl as the outside client.

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/integration/operator_fixture.hpp"

namespace aci::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A JSON patch moving the first container to the next release of its image.
const std::string kNextImage =
    R"([{"op":"replace","path":"/spec/containers/0/image","value":"myregistry.azurecr.io/aci-helloworld:v2"}])";

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult run(std::vector<std::string> argv, std::chrono::seconds timeout = 60s) {
  ChildProcess process(std::move(argv));
  const auto code = process.wait(timeout);
  // Give the readers a moment to take the last lines.
  std::this_thread::sleep_for(50ms);
  return {code.value_or(-1), process.output()};
}

std::string kube_cache_dir() {
  const char* cache = std::getenv("XDG_CACHE_HOME");  // NOLINT(concurrency-mt-unsafe): tests read env once
  const char* home = std::getenv("HOME");             // NOLINT(concurrency-mt-unsafe)
  const std::string base = cache != nullptr ? cache : std::string(home != nullptr ? home : "/root") + "/.cache";
  return base + "/aci-operator/kube/v1.37.2";
}

// One cluster for the whole suite: starting etcd and the API server takes seconds.
class Cluster {
 public:
  explicit Cluster(const TempDir& dir) : kubeconfig_(dir.path() + "/admin.kubeconfig") {
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{std::string(ACI_SOURCE_DIR) + "/scripts/dev-cluster.sh", "--kubeconfig", kubeconfig_});
    ready_ = process_->wait_for_line([](const std::string& line) { return line.starts_with("ready: KUBECONFIG="); },
                                     180s)
                 .has_value();
    auto found = run({"/bin/bash", "-c", "source '" + std::string(ACI_SOURCE_DIR) + "/scripts/lib/kube.sh' && aci_kubectl"});
    kubectl_ = found.output.substr(0, found.output.find('\n'));
  }
  ~Cluster() {
    // SIGTERM: the script stops etcd and the API server it started (SIGKILL would orphan them).
    process_->signal(SIGTERM);
    process_->wait(30s);
  }
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  bool ready() const { return ready_; }
  // Compacts etcd and restarts the API server (scripts/dev-cluster.sh on SIGHUP).
  bool restart_api_server() {
    const auto restarted = [&] {
      int count = 0;
      for (const auto& line : process_->stdout_lines()) count += line == "restarted: kube-apiserver";
      return count;
    };
    const int before = restarted();
    process_->signal(SIGHUP);
    return eventually([&] { return restarted() > before; }, 120s);
  }
  std::string log() const { return process_->output(); }
  const std::string& kubeconfig() const { return kubeconfig_; }
  // "127.0.0.1:port" of the API server.
  std::string host() const {
    const auto server = get_json({"config", "view", "--raw"})["clusters"][0]["cluster"].value("server", "");
    return server.substr(server.find("//") + 2);
  }

  CommandResult kubectl(const std::vector<std::string>& args, std::chrono::seconds timeout = 60s) const {
    std::vector<std::string> argv{kubectl_, "--kubeconfig", kubeconfig_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, timeout);
  }
  json get_json(const std::vector<std::string>& args) const {
    auto all = args;
    all.insert(all.end(), {"-o", "json"});
    auto result = kubectl(all);
    auto body = json::parse(result.output.substr(0, result.output.rfind('}') + 1), nullptr, false);
    return body.is_object() ? body : json::object();
  }
  // Sum of the API server's apiserver_request_total samples whose labels contain every `label`.
  double requests(const std::vector<std::string>& labels) const {
    const auto metrics = kubectl({"get", "--raw", "/metrics"}).output;
    double total = 0;
    std::istringstream lines(metrics);
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("apiserver_request_total{")) continue;
      bool all = true;
      for (const auto& label : labels) all = all && line.find(label) != std::string::npos;
      if (all) total += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return total;
  }

 private:
  std::string kubeconfig_;
  std::string kubectl_;
  std::unique_ptr<ChildProcess> process_;
  bool ready_ = false;
};

class KubernetesModeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(kube_cache_dir() + "/kube-apiserver")) {
      missing_ = "no kube-apiserver in " + kube_cache_dir() + ": scripts/test.sh builds it (scripts/lib/kube.sh)";
      return;
    }
    dir_ = new TempDir();
    cluster_ = new Cluster(*dir_);
  }
  static void TearDownTestSuite() {
    delete cluster_;
    delete dir_;
    cluster_ = nullptr;
    dir_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(missing_.empty()) << missing_;
    ASSERT_TRUE(cluster_->ready()) << cluster_->log();
    ASSERT_TRUE(emulator_.started()) << emulator_.process().output();
    const auto crds = cluster_->kubectl({"apply", "-f", std::string(ACI_SOURCE_DIR) + "/crd/"});
    ASSERT_EQ(crds.exit_code, 0) << crds.output;
    const auto established = cluster_->kubectl(
        {"wait", "--for=condition=Established", "--timeout=60s", "crd/containergroups.acioperator.io",
         "crd/credentialrotations.acioperator.io"});
    ASSERT_EQ(established.exit_code, 0) << established.output;
    namespace_ = "t" + std::to_string(++counter_);
    ASSERT_EQ(cluster_->kubectl({"create", "namespace", namespace_}).exit_code, 0);
  }

  void TearDown() override {
    if (operator_) operator_->stop();
    if (cluster_ == nullptr || !cluster_->ready()) return;
    auto namespaces = other_namespaces_;
    namespaces.push_back(namespace_);
    for (const auto& name : namespaces) {
      // Objects left with our finalizer would block the namespace forever: release them.
      for (const auto* kind : {"containergroups", "credentialrotations"}) {
        const auto list = cluster_->get_json({"-n", name, "get", kind});
        for (const auto& item : list.value("items", json::array())) {
          cluster_->kubectl({"-n", name, "patch", kind, item["metadata"]["name"].get<std::string>(), "--type=merge",
                             "-p", R"({"metadata":{"finalizers":null}})"});
        }
      }
      cluster_->kubectl({"delete", "namespace", name, "--wait=false"});
    }
  }

  // A second namespace the daemon watches (start_operator after this).
  std::string add_namespace() {
    other_namespaces_.push_back(namespace_ + "-" + std::to_string(other_namespaces_.size() + 2));
    EXPECT_EQ(cluster_->kubectl({"create", "namespace", other_namespaces_.back()}).exit_code, 0);
    return other_namespaces_.back();
  }

  // A kubeconfig holding a ServiceAccount token (TokenRequest) bound to
  // config/kubernetes/rbac.yaml: the daemon has exactly those rights.
  std::string service_account_kubeconfig() {
    const auto role = cluster_->kubectl({"apply", "-f", std::string(ACI_SOURCE_DIR) + "/config/kubernetes/rbac.yaml"});
    EXPECT_EQ(role.exit_code, 0) << role.output;
    cluster_->kubectl({"-n", namespace_, "create", "serviceaccount", "aci-operator"});
    cluster_->kubectl({"create", "clusterrolebinding", "aci-operator-" + namespace_, "--clusterrole=aci-operator",
                       "--serviceaccount=" + namespace_ + ":aci-operator"});
    auto token = cluster_->kubectl({"-n", namespace_, "create", "token", "aci-operator", "--duration=1h"}).output;
    token = token.substr(0, token.find('\n'));
    const auto admin = cluster_->get_json({"config", "view", "--raw"});
    const auto& cluster = admin["clusters"][0]["cluster"];
    token_ = token;
    return dir_->write("sa-" + namespace_ + ".kubeconfig",
                       "apiVersion: v1\nkind: Config\ncurrent-context: sa\n"
                       "clusters: [{name: c, cluster: {server: " + cluster["server"].get<std::string>() +
                           ", certificate-authority-data: " + cluster["certificate-authority-data"].get<std::string>() +
                           "}}]\n"
                           "users: [{name: sa, user: {token: " + token + "}}]\n"
                           "contexts: [{name: sa, context: {cluster: c, user: sa}}]\n");
  }

  // `many`: a client that may make requests faster, for the tests with hundreds of objects.
  OperatorInstance& start_operator(const std::string& kubeconfig, bool many = false) {
    std::string namespaces = namespace_;
    for (const auto& other : other_namespaces_) namespaces += ", " + other;
    const auto specs = "specs: {source: kubernetes}\n"
                       "kubernetes: {kubeconfig: " + kubeconfig + ", namespaces: [" + namespaces + "]" +
                       (many ? ", qps: 200, burst: 400" : "") + "}\n";
    const std::string workers = many ? ", workers: 16" : "";
    operator_ = std::make_unique<OperatorInstance>(
        emulator_, *dir_,
        "containerGroups: {resyncPeriod: 2s, instanceViewPeriod: 3s, backoff: {base: 200ms, max: 2s}" + workers + "}\n",
        std::vector<std::string>{}, std::vector<std::string>{}, specs);
    EXPECT_TRUE(operator_->start());
    return *operator_;
  }

  CommandResult apply(const std::string& yaml, std::string in = "") {
    if (in.empty()) in = namespace_;
    const auto file = dir_->write("object-" + in + ".yaml", yaml);
    return cluster_->kubectl({"-n", in, "apply", "-f", file});
  }

  json object(const std::string& name, const std::string& kind = "containergroup", const std::string& in = "") {
    return cluster_->get_json({"-n", in.empty() ? namespace_ : in, "get", kind, name});
  }

  std::string condition(const json& object, const std::string& type) {
    for (const auto& condition : object.value("status", json::object()).value("conditions", json::array())) {
      if (condition.value("type", "") == type) return condition.value("status", "");
    }
    return "";
  }

  // After `settle`, a `window` of resyncs: no Azure write and no status write, though the
  // resyncs did list.
  void expect_steady(std::chrono::seconds settle, std::chrono::seconds window) {
    std::this_thread::sleep_for(settle);
    reset_request_counts(emulator_);
    const std::vector<std::string> status_writes{R"(resource="containergroups")", R"(subresource="status")"};
    const auto before = cluster_->requests(status_writes);
    std::this_thread::sleep_for(window);
    EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 0);
    EXPECT_EQ(request_count(emulator_, "PATCH containerGroups"), 0);
    EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 0);
    EXPECT_GT(request_count(emulator_, "GET containerGroups (list)"), 0);
    EXPECT_EQ(cluster_->requests(status_writes), before);
  }

  // The daemon's own requests that the API server refused for lack of rights.
  int forbidden_in_logs() {
    int count = 0;
    for (const auto& line : operator_->process().stderr_lines()) count += line.find("403 Forbidden") != std::string::npos;
    return count;
  }

  static inline std::string missing_;
  static inline TempDir* dir_ = nullptr;
  static inline Cluster* cluster_ = nullptr;
  static inline int counter_ = 0;
  // Short deployments: the tests wait for hundreds of groups to run.
  EmulatorInstance emulator_{{"--provisioning-duration", "500ms"}};
  std::unique_ptr<OperatorInstance> operator_;
  std::string namespace_;
  std::vector<std::string> other_namespaces_;
  std::string token_;
};

// The value of one sample in the daemon's /metrics, or 0.
double sample(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return 0;
}

TEST_F(KubernetesModeTest, ExamplesRunAndFollowEditsAndDeletions) {
  // The examples' own namespaces: default, and jobs for queue-worker.json.
  other_namespaces_.push_back(namespace_);
  other_namespaces_.emplace_back("jobs");
  namespace_ = "default";
  ASSERT_EQ(cluster_->kubectl({"create", "namespace", "jobs"}).exit_code, 0);
  start_operator(service_account_kubeconfig());
  const auto applied = cluster_->kubectl({"apply", "-f", std::string(ACI_SOURCE_DIR) + "/config/examples/"});
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  const auto waited = cluster_->kubectl(
      {"-n", namespace_, "wait", "--for=condition=Ready", "--timeout=90s", "containergroup/hello-world"}, 100s);
  ASSERT_EQ(waited.exit_code, 0) << waited.output << operator_->process().output();
  // Every example group runs, but queue-worker, which is DetectOnly: it reports the
  // missing group as drift and never creates it.
  EXPECT_TRUE(eventually(
      [&] {
        int ready = 0;
        int detected = 0;
        for (const auto& item : cluster_->get_json({"get", "containergroups", "-A"}).value("items", json::array())) {
          ready += condition(item, "Ready") == "True";
          detected += item["metadata"]["name"] == "queue-worker" && condition(item, "Synced") == "False";
        }
        return ready == 4 && detected == 1;
      },
      90s))
      << cluster_->kubectl({"get", "acg", "-A"}).output << operator_->process().output();

  auto hello = object("hello-world");
  EXPECT_EQ(hello["metadata"]["finalizers"], json::array({"acioperator.io/cleanup"}));
  EXPECT_EQ(hello["status"].value("observedGeneration", 0), hello["metadata"]["generation"].get<int>());
  EXPECT_EQ(hello["status"].value("provisioningState", ""), "Succeeded");
  const auto columns = cluster_->kubectl({"-n", namespace_, "get", "acg"});
  EXPECT_NE(columns.output.find("READY"), std::string::npos) << columns.output;
  EXPECT_NE(columns.output.find("hello-world"), std::string::npos) << columns.output;
  EXPECT_NE(columns.output.find("Running"), std::string::npos) << columns.output;

  // An edit: exactly one PUT, and observedGeneration follows.
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 4);  // one create each
  reset_request_counts(emulator_);
  const auto patched = cluster_->kubectl({"-n", namespace_, "patch", "containergroup", "hello-world", "--type=json",
                                          "-p", kNextImage});
  ASSERT_EQ(patched.exit_code, 0) << patched.output;
  ASSERT_TRUE(eventually(
      [&] {
        const auto now = object("hello-world");
        return now["metadata"]["generation"] == 2 && now["status"].value("observedGeneration", 0) == 2 &&
               condition(now, "Ready") == "True";
      },
      60s))
      << object("hello-world").dump(2);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 1);

  // Steady state: resyncs (every 2 s) write nothing to Azure and no status.
  expect_steady(2s, 7s);

  // Events: created and updated, from reportingController aci-operator.
  const auto events = cluster_->get_json({"-n", namespace_, "get", "events.events.k8s.io"});
  std::set<std::string> reasons;
  for (const auto& event : events.value("items", json::array())) {
    if (event.value("reportingController", "") == "aci-operator") reasons.insert(event.value("reason", ""));
  }
  EXPECT_TRUE(reasons.contains("Created")) << events.dump(2);
  EXPECT_TRUE(reasons.contains("Updated")) << events.dump(2);

  // Deletion: one ARM DELETE, then the finalizer goes and the object with it.
  reset_request_counts(emulator_);
  const auto deleted =
      cluster_->kubectl({"-n", namespace_, "delete", "containergroup", "hello-world", "--timeout=60s"}, 70s);
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output << operator_->process().output();
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 1);
  EXPECT_EQ(emulator_.call("GET", group_path("hello-world"), "", emulator_.bearer("https://management.azure.com/.default"))
                .status,
            404u);

  EXPECT_EQ(forbidden_in_logs(), 0) << operator_->process().output();
  // client-go's request metrics, by code.
  EXPECT_GT(sample(operator_->metrics(), R"(rest_client_requests_total{code="200",host=")" +
                                             cluster_->host() + R"(",method="PATCH"})"),
            0)
      << operator_->metrics();
  // No secret in what the daemon said, the status or the events.
  const auto everything = operator_->process().output() + events.dump() + hello.dump();
  EXPECT_EQ(everything.find(token_), std::string::npos);
  EXPECT_EQ(everything.find("demo-only-secret"), std::string::npos);
}

TEST_F(KubernetesModeTest, AnApiServerRestartAfterACompactionRelistsWithoutAnAzureWrite) {
  start_operator(service_account_kubeconfig());
  ASSERT_EQ(apply(GroupSpec("steady").yaml()).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return condition(object("steady"), "Ready") == "True"; }, 60s))
      << operator_->process().output();
  std::this_thread::sleep_for(1s);
  reset_request_counts(emulator_);
  const std::string expired = R"(aci_operator_watch_restarts_total{kind="ContainerGroup",reason="expired"})";
  const auto expired_before = sample(operator_->metrics(), expired);

  ASSERT_TRUE(cluster_->restart_api_server()) << cluster_->log();
  EXPECT_NE(cluster_->log().find("etcd compacted to revision"), std::string::npos) << cluster_->log();
  // The watch resumes from a version the new API server no longer has: 410, then a
  // relist that finds nothing changed.
  ASSERT_TRUE(eventually([&] { return sample(operator_->metrics(), expired) > expired_before; }, 60s))
      << operator_->metrics();
  std::this_thread::sleep_for(3s);  // a resync or two
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 0);
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 0);
  EXPECT_EQ(request_count(emulator_, "PATCH containerGroups"), 0);

  // And the new watch sees the next edit.
  const auto patched = cluster_->kubectl({"-n", namespace_, "patch", "containergroup", "steady", "--type=json", "-p",
                                          kNextImage});
  ASSERT_EQ(patched.exit_code, 0) << patched.output;
  EXPECT_TRUE(eventually([&] { return request_count(emulator_, "PUT containerGroups") == 1; }, 30s))
      << operator_->process().output();
  // No Forbidden check here: a restarting API server answers 403 until its RBAC cache has loaded.
}

TEST_F(KubernetesModeTest, TheSameGroupFromTwoNamespacesIsAConflictNotAFight) {
  const auto other = add_namespace();
  start_operator(service_account_kubeconfig());
  ASSERT_EQ(apply(GroupSpec("shared").yaml()).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return condition(object("shared"), "Ready") == "True"; }, 60s))
      << operator_->process().output();
  GroupSpec second("shared");
  second.image = "myregistry.azurecr.io/aci-helloworld:v2";
  ASSERT_EQ(apply(second.yaml(), other).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return condition(object("shared", "containergroup", other), "Synced") == "False"; }, 30s))
      << operator_->process().output();
  const auto message = object("shared", "containergroup", other)["status"].value("lastError", "");
  EXPECT_NE(message.find("belongs to " + namespace_ + "/shared"), std::string::npos) << message;
  std::this_thread::sleep_for(3s);  // resyncs: still no fight
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 1);
  EXPECT_EQ(condition(object("shared"), "Ready"), "True");
}

TEST_F(KubernetesModeTest, OrphanPolicyLeavesTheGroupWithoutOurOwnerTag) {
  start_operator(service_account_kubeconfig());
  GroupSpec spec("kept");
  spec.policy = "    deletion: Orphan\n";
  ASSERT_EQ(apply(spec.yaml()).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return condition(object("kept"), "Ready") == "True"; }, 60s))
      << operator_->process().output();
  reset_request_counts(emulator_);
  const auto deleted = cluster_->kubectl({"-n", namespace_, "delete", "containergroup", "kept", "--timeout=60s"}, 70s);
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 0);
  auto response = emulator_.call("GET", group_path("kept"), "", emulator_.bearer("https://management.azure.com/.default"));
  ASSERT_EQ(response.status, 200u);
  const auto group = json::parse(response.body);
  EXPECT_FALSE(group["tags"].contains("acioperator.io/owner")) << group["tags"].dump();
  EXPECT_EQ(forbidden_in_logs(), 0) << operator_->process().output();
}

TEST_F(KubernetesModeTest, AnInvalidObjectIsReportedByNameAndReleasedAtOnce) {
  start_operator(cluster_->kubeconfig());  // the admin's client certificate
  // The schema cannot say that two containers expose one port; the daemon can.
  const auto applied = apply("apiVersion: acioperator.io/v1alpha1\nkind: ContainerGroup\nmetadata: {name: bad}\n"
                             "spec:\n  azure: {subscriptionId: " + kDemoSubscription +
                             ", resourceGroup: demo-rg, location: westeurope}\n"
                             "  containers:\n"
                             "    - {name: web, image: nginx, resources: {cpu: 1}, ports: [{port: 80}]}\n"
                             "    - {name: api, image: api, resources: {cpu: 1}, ports: [{port: 80}]}\n");
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  ASSERT_TRUE(eventually([&] { return condition(object("bad"), "Synced") == "False"; }, 30s))
      << operator_->process().output();
  const auto message = object("bad")["status"].value("lastError", "");
  EXPECT_NE(message.find(namespace_ + "/bad: spec.containers[1].ports[0].port"), std::string::npos) << message;
  // It never reached Azure, so its deletion needs nothing there.
  const auto deleted = cluster_->kubectl({"-n", namespace_, "delete", "containergroup", "bad", "--timeout=30s"}, 40s);
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 0);
  EXPECT_EQ(request_count(emulator_, "DELETE containerGroups"), 0);
}

TEST_F(KubernetesModeTest, EveryNamespaceButOnlyWhatTheLabelSelectorSelects) {
  const auto other = add_namespace();
  const auto kubeconfig = service_account_kubeconfig();
  const auto specs = "specs: {source: kubernetes}\nkubernetes: {kubeconfig: " + kubeconfig +
                     ", labelSelector: shard=a}\n";
  operator_ = std::make_unique<OperatorInstance>(emulator_, *dir_, "containerGroups: {resyncPeriod: 2s}\n",
                                                 std::vector<std::string>{}, std::vector<std::string>{}, specs);
  ASSERT_TRUE(operator_->start());
  const auto labeled = [](std::string name, const std::string& shard) {
    auto yaml = GroupSpec(std::move(name)).yaml();
    return yaml.insert(yaml.find("spec:\n"), "  labels: {shard: " + shard + "}\n");
  };
  ASSERT_EQ(apply(labeled("mine", "a")).exit_code, 0);
  ASSERT_EQ(apply(labeled("also-mine", "a"), other).exit_code, 0);
  ASSERT_EQ(apply(labeled("not-mine", "b")).exit_code, 0);
  EXPECT_TRUE(eventually([&] { return condition(object("mine"), "Ready") == "True"; }, 60s));
  EXPECT_TRUE(eventually([&] { return condition(object("also-mine", "containergroup", other), "Ready") == "True"; }, 60s));
  const auto untouched = object("not-mine");
  EXPECT_FALSE(untouched["metadata"].contains("finalizers")) << untouched.dump(2);
  EXPECT_FALSE(untouched.contains("status")) << untouched.dump(2);
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 2);
}

TEST_F(KubernetesModeTest, TwoHundredObjectsInSteadyStateCostNoWrites) {
  start_operator(service_account_kubeconfig(), true);
  std::string all;
  for (int i = 0; i < 200; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "g%03d", i);
    all += GroupSpec(name).yaml() + "---\n";
  }
  ASSERT_EQ(apply(all).exit_code, 0);
  const auto ready_count = [&] {
    std::this_thread::sleep_for(1s);  // listing 200 objects with kubectl is not cheap
    int ready = 0;
    for (const auto& item : cluster_->get_json({"-n", namespace_, "get", "containergroups"}).value("items", json::array()))
      ready += condition(item, "Ready") == "True";
    return ready;
  };
  ASSERT_TRUE(eventually([&] { return ready_count() == 200; }, 240s)) << ready_count() << " ready";
  EXPECT_EQ(request_count(emulator_, "PUT containerGroups"), 200);  // one create each, nothing more

  // Let the last status writes land, then watch three resyncs (every 2 s) and the
  // instance-view polls: no Azure write and no status write.
  expect_steady(3s, 6s);
  EXPECT_EQ(forbidden_in_logs(), 0);
}

TEST_F(KubernetesModeTest, ACredentialRotationResourceRotatesAndSaysSoInEvents) {
  start_operator(service_account_kubeconfig());
  const auto rotation = cluster_->kubectl(
      {"-n", namespace_, "apply", "-f", std::string(ACI_SOURCE_DIR) + "/config/examples/myregistry-pull-rotation.yaml"});
  ASSERT_EQ(rotation.exit_code, 0) << rotation.output;
  ASSERT_EQ(apply(GroupSpec("puller").yaml()).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return condition(object("puller"), "Ready") == "True"; }, 60s))
      << operator_->process().output();

  const auto requested =
      plain_http("POST", "127.0.0.1", operator_->port(), "/rotations/" + namespace_ + "/myregistry-pull");
  ASSERT_EQ(requested.status, 202u) << requested.body;
  std::set<std::string> reasons;
  json events;
  ASSERT_TRUE(eventually(
      [&] {
        events = cluster_->get_json({"-n", namespace_, "get", "events.events.k8s.io"});
        reasons.clear();
        for (const auto& event : events.value("items", json::array())) {
          if (event["regarding"].value("name", "") == "myregistry-pull") reasons.insert(event.value("reason", ""));
        }
        return reasons.contains("RotationSucceeded");
      },
      90s))
      << events.dump(2) << operator_->process().output();
  EXPECT_TRUE(reasons.contains("RotationStarted"));
  const auto waited = cluster_->kubectl({"-n", namespace_, "wait", "--for=condition=Ready", "--timeout=60s",
                                         "credentialrotation/myregistry-pull"},
                                        70s);
  EXPECT_EQ(waited.exit_code, 0) << waited.output;
  const auto rotated = object("myregistry-pull", "credentialrotation");
  EXPECT_FALSE(rotated["status"].value("currentSecretVersion", "").empty()) << rotated.dump(2);
  EXPECT_EQ(rotated["status"].value("observedGeneration", 0), 1) << rotated.dump(2);

  // The new password is nowhere the daemon writes.
  auto secret = emulator_.call("GET", "/keyvault/mykeyvault/secrets/myregistry-pull-pwd?api-version=7.5", "",
                               emulator_.bearer("https://vault.azure.net/.default"));
  const auto password = json::parse(secret.body).value("value", "");
  ASSERT_FALSE(password.empty());
  const auto written = operator_->process().output() + events.dump() + rotated.dump() + object("puller").dump();
  EXPECT_EQ(written.find(password), std::string::npos);
  EXPECT_EQ(forbidden_in_logs(), 0);
}

}  // namespace
}  // namespace aci::testing
