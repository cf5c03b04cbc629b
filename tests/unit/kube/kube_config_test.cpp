#include "daemon/kube/kube_config.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <unistd.h>

#include "daemon/core/utf8.hpp"
#include "daemon/crypto/base64.hpp"

namespace aci::kube {
namespace {

namespace fs = std::filesystem;

const std::string kCaPem = "-----BEGIN CERTIFICATE-----\nQ0FDRVJU\n-----END CERTIFICATE-----\n";
const std::string kCertPem = "-----BEGIN CERTIFICATE-----\nQ0xJRU5UQ0VSVA==\n-----END CERTIFICATE-----\n";
const std::string kKeyPem = "-----BEGIN PRIVATE KEY-----\nS3CRETKEYBYTES\n-----END PRIVATE KEY-----\n";
const std::string kToken = "s3cr3t-token-value";

// Nothing secret, in any form it was written in, may appear in an error.
void expect_no_secret(const std::string& error) {
  for (const auto& secret : {kToken, std::string("S3CRETKEYBYTES"), crypto::base64_encode(kKeyPem),
                             std::string("Q0xJRU5UQ0VSVA"), crypto::base64_encode(kCertPem), std::string("hunter2")}) {
    EXPECT_EQ(error.find(secret), std::string::npos) << error;
  }
}

std::string indented(const std::string& lines, int spaces) {
  std::string text;
  const std::string pad(spaces, ' ');
  std::size_t start = 0;
  while (start < lines.size()) {
    const auto end = lines.find('\n', start);
    text += pad + lines.substr(start, end - start) + "\n";
    start = end == std::string::npos ? lines.size() : end + 1;
  }
  return text;
}

// One context "dev" over cluster "dev-cluster" and user "dev-user", with the given bodies.
std::string kubeconfig_text(const std::string& cluster, const std::string& user) {
  return "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
         "clusters:\n- name: dev-cluster\n  cluster:\n" +
         indented(cluster, 4) + "users:\n- name: dev-user\n  user:\n" + indented(user, 4) +
         "contexts:\n- name: dev\n  context: {cluster: dev-cluster, user: dev-user, namespace: demo}\n";
}

const std::string kCluster = "server: https://203.0.113.10:6443\n";
const std::string kUser = "token: " + kToken + "\n";

class KubeConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("kube_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
    config_path_ = (dir_ / "config").string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  // Loads a kubeconfig with the given cluster and user bodies and returns its error ("" if none).
  std::string error_of(const std::string& cluster, const std::string& user) {
    write("config", kubeconfig_text(cluster, user));
    auto config = load_kubeconfig(config_path_);
    if (config) return "";
    expect_no_secret(config.error());
    EXPECT_TRUE(core::is_valid_utf8(config.error())) << config.error();
    EXPECT_EQ(config.error().find('\n'), std::string::npos) << config.error();
    return config.error();
  }

  std::string prefix() const { return "kubeconfig " + config_path_ + ": "; }

  fs::path dir_;
  std::string config_path_;  // where error_of writes, set up front so prefix() is right in any order
};

TEST_F(KubeConfigTest, ReadsDataFormsOfTheCurrentContext) {
  const auto path = write("config", kubeconfig_text("server: https://203.0.113.10:6443/\n"
                                                    "certificate-authority-data: " +
                                                        crypto::base64_encode(kCaPem) +
                                                        "\ntls-server-name: kubernetes\n",
                                                    "client-certificate-data: " + crypto::base64_encode(kCertPem) +
                                                        "\nclient-key-data: " + crypto::base64_encode(kKeyPem) + "\n"));
  auto config = load_kubeconfig(path);
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->server, "https://203.0.113.10:6443");
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->client_certificate_pem, kCertPem);
  EXPECT_EQ(config->client_key_pem, kKeyPem);
  EXPECT_EQ(config->tls_server_name, "kubernetes");
  EXPECT_EQ(config->namespace_, "demo");
  EXPECT_EQ(config->token, "");
  EXPECT_EQ(config->origin, "kubeconfig " + path + " (context dev)");
}

TEST_F(KubeConfigTest, ReadsFileFormsRelativeToTheKubeconfigDirectory) {
  const auto ca = write("sub/pki/ca.crt", kCaPem);
  const auto key = write("sub/client.key", kKeyPem);
  const auto cert = write("elsewhere/client.crt", kCertPem);
  const auto token = write("sub/token", kToken);
  const auto path = write("sub/config", kubeconfig_text(kCluster + "certificate-authority: pki/ca.crt\n",
                                                        "client-certificate: " + cert +
                                                            "\nclient-key: client.key\ntokenFile: token\n"));
  auto config = load_kubeconfig(path);
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->client_certificate_pem, kCertPem);
  EXPECT_EQ(config->client_key_pem, kKeyPem);
  EXPECT_EQ(fs::path(config->token_file), fs::path(token));
  EXPECT_EQ(config->token, "");  // read by the client, not here
  EXPECT_EQ(config->tls_server_name, "");
}

TEST_F(KubeConfigTest, SelectsTheCurrentContextAmongSeveral) {
  const auto path = write("config",
                          "current-context: prod\n"
                          "clusters:\n"
                          "- {name: a, cluster: {server: 'https://a.example:6443'}}\n"
                          "- {name: b, cluster: {server: 'https://b.example:443'}}\n"
                          "users:\n"
                          "- {name: ua, user: {token: token-a}}\n"
                          "- {name: ub, user: {token: token-b}}\n"
                          "contexts:\n"
                          "- {name: dev, context: {cluster: a, user: ua, namespace: dev-ns}}\n"
                          "- {name: prod, context: {cluster: b, user: ub}}\n");
  auto config = load_kubeconfig(path);
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->server, "https://b.example:443");
  EXPECT_EQ(config->token, "token-b");
  EXPECT_EQ(config->namespace_, "");
  EXPECT_EQ(config->origin, "kubeconfig " + path + " (context prod)");
}

TEST_F(KubeConfigTest, AcceptsInsecureSkipTlsVerifyFalse) {
  EXPECT_EQ(error_of(kCluster + "insecure-skip-tls-verify: false\n", kUser), "");
}

TEST_F(KubeConfigTest, RefusesWhatTheClientCannotHonourNamingTheField) {
  const std::string key_data = "client-key-data: " + crypto::base64_encode(kKeyPem) + "\n";
  const std::string cert_data = "client-certificate-data: " + crypto::base64_encode(kCertPem) + "\n";
  struct Case {
    std::string cluster, user, field, message;
  };
  const std::vector<Case> cases = {
      {"server: http://203.0.113.10:6443\n", kUser, "clusters[dev-cluster].cluster.server", "TLS verification is always on"},
      {"certificate-authority-data: abc\n", kUser, "clusters[dev-cluster].cluster.server", "is required"},
      {"server: ftp://x\n", kUser, "clusters[dev-cluster].cluster.server", "https://"},
      {"server: https://admin:hunter2@x:6443\n", kUser, "clusters[dev-cluster].cluster.server", "credentials"},
      {kCluster + "insecure-skip-tls-verify: true\n", kUser, "clusters[dev-cluster].cluster.insecure-skip-tls-verify",
       "TLS verification is always on"},
      {kCluster + "proxy-url: http://proxy:3128\n", kUser, "clusters[dev-cluster].cluster.proxy-url", "not supported"},
      {kCluster + "certificate-authority-data: '%%%not base64'\n", kUser,
       "clusters[dev-cluster].cluster.certificate-authority-data", "not valid base64"},
      {kCluster + "certificate-authority-data: " + crypto::base64_encode("DER bytes") + "\n", kUser,
       "clusters[dev-cluster].cluster.certificate-authority-data", "does not hold PEM"},
      {kCluster + "certificate-authority: missing-ca.crt\n", kUser, "clusters[dev-cluster].cluster.certificate-authority",
       "cannot read"},
      {kCluster, "exec:\n  command: aws\n  env: [{name: SECRET, value: hunter2}]\n", "users[dev-user].user.exec",
       "exec credential plugins are not supported; use a token, tokenFile or client certificate"},
      {kCluster, "auth-provider:\n  name: oidc\n  config: {id-token: " + kToken + "}\n",
       "users[dev-user].user.auth-provider", "not supported; use a token, tokenFile or client certificate"},
      {kCluster, "username: admin\npassword: hunter2\n", "users[dev-user].user.username",
       "basic authentication is not supported"},
      {kCluster, "password: hunter2\n", "users[dev-user].user.password", "basic authentication is not supported"},
      {kCluster, kUser + "as: someone-else\n", "users[dev-user].user.as", "impersonation is not supported"},
      {kCluster, cert_data, "users[dev-user].user.client-key", "is required with a client certificate"},
      {kCluster, key_data, "users[dev-user].user.client-certificate", "is required with a client key"},
      {kCluster, cert_data + "client-key-data: '" + kToken + "!'\n", "users[dev-user].user.client-key-data",
       "not valid base64"},
      {kCluster, "client-key: no-such.key\n" + cert_data, "users[dev-user].user.client-key", "cannot read"},
      {kCluster, "tokenFile: no-such-token\n", "users[dev-user].user.tokenFile", "no such file"},
      {kCluster, kUser + "tokenFile: /etc/hostname\n", "users[dev-user].user.tokenFile", "not both"},
      {kCluster, "", "users[dev-user].user", "has no credentials (token, tokenFile or client certificate)"},
      {kCluster, "token: [" + kToken + "]\n", "users[dev-user].user.token", "must be a single value"},
  };
  for (const auto& c : cases) {
    const auto error = error_of(c.cluster, c.user);
    EXPECT_EQ(error.rfind(prefix() + c.field + ": ", 0), 0u) << "want field " << c.field << ", got: " << error;
    EXPECT_NE(error.find(c.message), std::string::npos) << "want '" << c.message << "', got: " << error;
  }
}

TEST_F(KubeConfigTest, MissingContextClusterOrUserIsNamed) {
  const auto load_error = [&](const std::string& text) {
    write("config", text);
    auto config = load_kubeconfig(config_path_);
    EXPECT_FALSE(config);
    return config ? std::string() : config.error();
  };
  const std::string lists =
      "clusters: [{name: c, cluster: {server: 'https://c:6443'}}]\n"
      "users: [{name: u, user: {token: t}}]\n";
  EXPECT_EQ(load_error(lists + "contexts: [{name: x, context: {cluster: c, user: u}}]\n"),
            prefix() + "current-context: is required");
  EXPECT_EQ(load_error("current-context: y\n" + lists + "contexts: [{name: x, context: {cluster: c, user: u}}]\n"),
            prefix() + "current-context: no entry named 'y' in contexts");
  EXPECT_EQ(load_error("current-context: x\n" + lists + "contexts: [{name: x, context: {cluster: d, user: u}}]\n"),
            prefix() + "contexts[x].context.cluster: no entry named 'd' in clusters");
  EXPECT_EQ(load_error("current-context: x\n" + lists + "contexts: [{name: x, context: {cluster: c, user: v}}]\n"),
            prefix() + "contexts[x].context.user: no entry named 'v' in users");
  EXPECT_EQ(load_error("current-context: x\n" + lists + "contexts: [{name: x, context: {cluster: c}}]\n"),
            prefix() + "contexts[x].context.user: is required");
  EXPECT_EQ(load_error("current-context: x\n" + lists + "contexts: [{name: x}]\n"),
            prefix() + "contexts[x].context.cluster: is required");
  EXPECT_EQ(load_error("current-context: x\n" + lists + "contexts: {x: 1}\n"), prefix() + "contexts: must be a list");
}

TEST_F(KubeConfigTest, NamesThatAreNotUtf8AreRepairedInErrors) {
  write("config", "current-context: caf\xE9\ncontexts: []\n");
  auto config = load_kubeconfig(config_path_);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error(), prefix() + "current-context: no entry named 'caf\xEF\xBF\xBD' in contexts");
}

TEST_F(KubeConfigTest, MissingFileIsNamed) {
  const auto path = (dir_ / "absent").string();
  auto config = load_kubeconfig(path);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error(), "kubeconfig " + path + ": cannot read: No such file or directory");
}

TEST_F(KubeConfigTest, FileThatIsNotYamlIsNamed) {
  const auto path = write("config", "current-context: [dev\n\xFF: {\n");
  auto config = load_kubeconfig(path);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().rfind("kubeconfig " + path + ": not valid YAML (line ", 0), 0u) << config.error();
  EXPECT_TRUE(core::is_valid_utf8(config.error()));

  const auto scalar = write("scalar", "just text\n");
  auto scalar_config = load_kubeconfig(scalar);
  ASSERT_FALSE(scalar_config);
  EXPECT_EQ(scalar_config.error(), "kubeconfig " + scalar + ": is not a YAML mapping");
}

// --- in-cluster ---

class InClusterTest : public KubeConfigTest {
 protected:
  std::function<std::optional<std::string>(const char*)> env(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const char* name) -> std::optional<std::string> {
      const auto found = values.find(name);
      if (found == values.end()) return std::nullopt;
      return found->second;
    };
  }
  void write_service_account() {
    write("sa/ca.crt", kCaPem);
    write("sa/token", kToken);
    write("sa/namespace", "  team-a\n");
  }
  std::string sa() const { return (dir_ / "sa").string(); }
};

TEST_F(InClusterTest, ReadsEnvironmentAndServiceAccountFiles) {
  write_service_account();
  auto config =
      load_in_cluster(env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}), sa());
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->ca_pem, kCaPem);
  EXPECT_EQ(config->token_file, (dir_ / "sa" / "token").string());
  EXPECT_EQ(config->token, "");
  EXPECT_EQ(config->namespace_, "team-a");
  EXPECT_EQ(config->origin, "in-cluster");
}

TEST_F(InClusterTest, BracketsAnIpv6Host) {
  write_service_account();
  auto config =
      load_in_cluster(env({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}}), sa());
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->server, "https://[fd00::1]:443");
}

TEST_F(InClusterTest, RefusesMissingOrBadEnvironment) {
  write_service_account();
  for (const auto& values : std::vector<std::map<std::string, std::string>>{
           {}, {{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}}, {{"KUBERNETES_SERVICE_PORT", "443"}}}) {
    auto config = load_in_cluster(env(values), sa());
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().find("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set"),
              std::string::npos);
  }
  auto bad_port =
      load_in_cluster(env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "https"}}), sa());
  ASSERT_FALSE(bad_port);
  EXPECT_EQ(bad_port.error(), "in-cluster: KUBERNETES_SERVICE_PORT is not a port number");
}

TEST_F(InClusterTest, RequiresCaCertificateAndToken) {
  const auto in_pod = env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  write("sa/token", kToken);
  auto no_ca = load_in_cluster(in_pod, sa());
  ASSERT_FALSE(no_ca);
  EXPECT_EQ(no_ca.error(), "in-cluster: cannot read " + (dir_ / "sa" / "ca.crt").string() +
                               ": No such file or directory");

  write("sa/ca.crt", kCaPem);
  fs::remove(dir_ / "sa" / "token");
  auto no_token = load_in_cluster(in_pod, sa());
  ASSERT_FALSE(no_token);
  EXPECT_NE(no_token.error().find("no service account token at " + (dir_ / "sa" / "token").string()),
            std::string::npos);
}

TEST_F(InClusterTest, NamespaceFileIsOptional) {
  write("sa/ca.crt", kCaPem);
  write("sa/token", kToken);
  auto config =
      load_in_cluster(env({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}}), sa());
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->namespace_, "");
}

}  // namespace
}  // namespace aci::kube
