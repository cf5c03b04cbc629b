#include "daemon/kube/kube_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "daemon/core/exception_text.hpp"
#include "daemon/core/utf8.hpp"
#include "daemon/crypto/base64.hpp"

namespace aci::kube {

namespace {

namespace fs = std::filesystem;
using Failure = Unexpected<std::string>;

// Names and paths come from files and the environment: repaired before they reach a message.
std::string shown(std::string_view text) { return core::to_valid_utf8(text); }

// The file's bytes, or the system's reason it cannot be read (never any of its contents).
Expected<std::string, std::string> read_file(const fs::path& path) {
  std::error_code ignored;
  if (fs::is_directory(path, ignored)) return unexpected(std::string("is a directory"));
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(std::error_code(errno, std::generic_category()).message());
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return unexpected(std::string("read error"));
  return text.str();
}

bool is_existing_file(const fs::path& path) {
  std::error_code ignored;
  return fs::is_regular_file(path, ignored);
}

// Printable ASCII without spaces: what a URL can hold, so the server never smuggles
// control bytes or invalid UTF-8 into the request line or a log.
bool is_url_text(std::string_view text) {
  for (const char c : text) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return !text.empty();
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1));
}

// PEM sanity check: catches DER, double base64 and empty files before TLS set-up does, with the field.
bool looks_like_pem(std::string_view text) { return text.find("-----BEGIN ") != std::string_view::npos; }

// The kubeconfig being read: errors name it, relative paths inside resolve against its directory.
struct Source {
  std::string shown_path;
  fs::path directory;

  Failure fail(const std::string& field, const std::string& message) const {
    return unexpected("kubeconfig " + shown_path + ": " + field + ": " + message);
  }
};

// One mapping of the kubeconfig with its dotted field path. Every lookup is on a const node:
// yaml-cpp's non-const operator[] would insert the key.
class Section {
 public:
  Section(const Source& source, const YAML::Node& node, std::string path)
      : source_(source), node_(node), path_(std::move(path)) {}

  bool has(const char* key) const { return node_.IsMap() && node_[key].IsDefined(); }
  Failure fail(std::string_view key, const std::string& message) const {
    return source_.fail(path_.empty() ? std::string(key) : path_ + "." + std::string(key), message);
  }
  Failure fail_here(const std::string& message) const { return source_.fail(path_, message); }
  const Source& source() const { return source_; }

  // A single value; "" when absent or null, so an empty value means unset, as in client-go.
  Expected<std::string, std::string> text(const char* key) const {
    if (!has(key)) return std::string();
    const YAML::Node value = node_[key];
    if (value.IsNull()) return std::string();
    if (!value.IsScalar()) return fail(key, "must be a single value");
    return value.Scalar();
  }

  Expected<bool, std::string> flag(const char* key) const {
    if (!has(key)) return false;
    bool value = false;
    if (!YAML::convert<bool>::decode(node_[key], value)) return fail(key, "must be true or false");
    return value;
  }

  // A file path; a relative one is relative to the kubeconfig's directory, as kubectl reads it.
  Expected<std::string, std::string> path(const char* key) const {
    auto value = text(key);
    if (!value || value->empty() || fs::path(*value).is_absolute()) return value;
    return (source_.directory / *value).string();
  }

  // PEM from `data_key` (base64) or from the file `file_key` names; "" when neither is set.
  Expected<std::string, std::string> pem(const char* data_key, const char* file_key) const {
    auto data = text(data_key);
    if (!data) return data;
    auto file = path(file_key);
    if (!file) return file;
    if (!data->empty() && !file->empty()) {
      return fail(file_key, std::string("set ") + data_key + " or " + file_key + ", not both");
    }
    std::string pem;
    const char* from = data_key;
    if (!data->empty()) {
      // A wrapped block scalar keeps its line breaks, which base64_decode rejects.
      std::erase_if(*data, [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
      auto decoded = crypto::base64_decode(*data);
      if (!decoded) return fail(data_key, "not valid base64");
      pem = std::move(*decoded);
    } else if (!file->empty()) {
      auto contents = read_file(*file);
      if (!contents) return fail(file_key, "cannot read " + shown(*file) + ": " + contents.error());
      pem = std::move(*contents);
      from = file_key;
    } else {
      return pem;
    }
    if (!looks_like_pem(pem)) return fail(from, "does not hold PEM (no -----BEGIN line)");
    return pem;
  }

 private:
  const Source& source_;
  const YAML::Node node_;
  std::string path_;
};

// The mapping that `referrer`'s `key` names among the entries of `list_key`: current-context
// leads to contexts[x].context, whose cluster and user lead on. A missing name or entry is
// reported at `key`, the field that named it.
Expected<Section, std::string> follow(const Section& referrer, const char* key, const YAML::Node& root,
                                      const char* list_key, const char* inner_key) {
  auto name = referrer.text(key);
  if (!name) return unexpected(name.error());
  if (name->empty()) return referrer.fail(key, "is required");
  const Source& source = referrer.source();
  const YAML::Node list = root[list_key];
  if (list.IsDefined() && !list.IsNull() && !list.IsSequence()) {
    return source.fail(list_key, "must be a list");
  }
  for (const auto& entry : list) {
    // An absent key is an invalid node whose type queries throw, hence IsDefined first.
    const YAML::Node entry_name = entry.IsMap() ? entry["name"] : YAML::Node();
    if (!entry_name.IsDefined() || !entry_name.IsScalar() || entry_name.Scalar() != *name) continue;
    const auto path = std::string(list_key) + "[" + shown(*name) + "]." + inner_key;
    const YAML::Node inner = entry[inner_key].IsDefined() ? entry[inner_key] : YAML::Node();
    if (!inner.IsNull() && !inner.IsMap()) return source.fail(path, "must be a mapping");
    return Section(source, inner, path);
  }
  return referrer.fail(key, "no entry named '" + shown(*name) + "' in " + list_key);
}

Expected<Ok, std::string> read_cluster(const Section& cluster, KubeConfig& config) {
  auto insecure = cluster.flag("insecure-skip-tls-verify");
  if (!insecure) return unexpected(insecure.error());
  if (*insecure) {
    return cluster.fail("insecure-skip-tls-verify", "is not supported: TLS verification is always on");
  }
  if (cluster.has("proxy-url")) return cluster.fail("proxy-url", "is not supported");

  auto server = cluster.text("server");
  if (!server) return unexpected(server.error());
  if (server->empty()) return cluster.fail("server", "is required");
  if (server->starts_with("http://")) {
    return cluster.fail("server", "must be an https:// URL: TLS verification is always on");
  }
  const bool has_host = server->size() > 8 && (*server)[8] != '/';
  if (!server->starts_with("https://") || !is_url_text(*server) || !has_host) {
    return cluster.fail("server", "must be an https:// URL with a host");
  }
  // The server URL reaches logs and errors, so it must not carry a password.
  if (server->substr(8, server->find('/', 8) - 8).find('@') != std::string::npos) {
    return cluster.fail("server", "must not hold credentials (user@host)");
  }
  while (server->ends_with('/')) server->pop_back();
  config.server = std::move(*server);

  auto ca = cluster.pem("certificate-authority-data", "certificate-authority");
  if (!ca) return unexpected(ca.error());
  config.ca_pem = std::move(*ca);
  auto server_name = cluster.text("tls-server-name");
  if (!server_name) return unexpected(server_name.error());
  config.tls_server_name = std::move(*server_name);
  return Ok{};
}

Expected<Ok, std::string> read_user(const Section& user, KubeConfig& config) {
  const std::string use_instead = "; use a token, tokenFile or client certificate";
  if (user.has("exec")) return user.fail("exec", "exec credential plugins are not supported" + use_instead);
  if (user.has("auth-provider")) {
    return user.fail("auth-provider", "auth-provider plugins are not supported" + use_instead);
  }
  for (const char* key : {"username", "password"}) {
    if (user.has(key)) return user.fail(key, "basic authentication is not supported" + use_instead);
  }
  // Ignoring it would act as a different identity than the kubeconfig asks for.
  if (user.has("as")) return user.fail("as", "impersonation is not supported");

  auto certificate = user.pem("client-certificate-data", "client-certificate");
  if (!certificate) return unexpected(certificate.error());
  auto key = user.pem("client-key-data", "client-key");
  if (!key) return unexpected(key.error());
  if (!certificate->empty() && key->empty()) {
    return user.fail("client-key", "is required with a client certificate");
  }
  if (certificate->empty() && !key->empty()) {
    return user.fail("client-certificate", "is required with a client key");
  }
  config.client_certificate_pem = std::move(*certificate);
  config.client_key_pem = std::move(*key);

  auto token = user.text("token");
  if (!token) return unexpected(token.error());
  auto token_file = user.path("tokenFile");
  if (!token_file) return unexpected(token_file.error());
  if (!token->empty() && !token_file->empty()) {
    return user.fail("tokenFile", "set token or tokenFile, not both");
  }
  // Read by the client on every refresh; checked here so a typo fails at start-up.
  if (!token_file->empty() && !is_existing_file(*token_file)) {
    return user.fail("tokenFile", "no such file: " + shown(*token_file));
  }
  config.token = std::move(*token);
  config.token_file = std::move(*token_file);
  if (config.token.empty() && config.token_file.empty() && config.client_certificate_pem.empty()) {
    return user.fail_here("has no credentials (token, tokenFile or client certificate)");
  }
  return Ok{};
}

Expected<KubeConfig, std::string> read_kubeconfig(const Source& source, const std::string& path) {
  auto text = read_file(path);
  if (!text) return unexpected("kubeconfig " + source.shown_path + ": cannot read: " + text.error());
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::ParserException& error) {
    // yaml-cpp may quote the offending byte, which need not be UTF-8.
    return unexpected("kubeconfig " + source.shown_path + ": not valid YAML (line " +
                      std::to_string(error.mark.line + 1) + "): " + shown(error.msg));
  }
  if (!root.IsMap()) return unexpected("kubeconfig " + source.shown_path + ": is not a YAML mapping");
  const Section top(source, root, "");
  auto context = follow(top, "current-context", root, "contexts", "context");
  if (!context) return unexpected(context.error());
  auto cluster = follow(*context, "cluster", root, "clusters", "cluster");
  if (!cluster) return unexpected(cluster.error());
  KubeConfig config;
  if (auto read = read_cluster(*cluster, config); !read) return unexpected(read.error());
  auto user = follow(*context, "user", root, "users", "user");
  if (!user) return unexpected(user.error());
  if (auto read = read_user(*user, config); !read) return unexpected(read.error());

  auto namespace_name = context->text("namespace");
  if (!namespace_name) return unexpected(namespace_name.error());
  if (!namespace_name->empty() && !is_url_text(*namespace_name)) {
    return context->fail("namespace", "is not a namespace name");
  }
  config.namespace_ = std::move(*namespace_name);
  // follow() has read current-context already, so value() holds.
  const auto context_name = top.text("current-context").value();
  config.origin = "kubeconfig " + source.shown_path + " (context " + shown(context_name) + ")";
  return config;
}

Expected<KubeConfig, std::string> read_in_cluster(
    const std::function<std::optional<std::string>(const char*)>& getenv, const fs::path& directory) {
  const auto host = getenv("KUBERNETES_SERVICE_HOST");
  const auto port = getenv("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    return unexpected(std::string("in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT ") +
                      "must be set (not running in a pod?)");
  }
  if (!is_url_text(*host) || host->find('/') != std::string::npos) {
    return unexpected(std::string("in-cluster: KUBERNETES_SERVICE_HOST is not a host name or address"));
  }
  const bool digits_only = port->size() <= 5 && port->find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only || std::stoi(*port) == 0 || std::stoi(*port) > 65535) {
    return unexpected(std::string("in-cluster: KUBERNETES_SERVICE_PORT is not a port number"));
  }
  KubeConfig config;
  // An IPv6 address needs brackets in a URL, as client-go's JoinHostPort adds them.
  const bool needs_brackets = host->find(':') != std::string::npos && !host->starts_with('[');
  config.server = "https://" + (needs_brackets ? "[" + *host + "]" : *host) + ":" + *port;

  const auto ca_path = directory / "ca.crt";
  auto ca = read_file(ca_path);
  if (!ca) return unexpected("in-cluster: cannot read " + shown(ca_path.string()) + ": " + ca.error());
  if (!looks_like_pem(*ca)) {
    return unexpected("in-cluster: " + shown(ca_path.string()) + " does not hold PEM");
  }
  config.ca_pem = std::move(*ca);

  const auto token_path = directory / "token";
  if (!is_existing_file(token_path)) {
    return unexpected("in-cluster: no service account token at " + shown(token_path.string()) +
                      " (automountServiceAccountToken: false?)");
  }
  config.token_file = token_path.string();
  // Optional: it only supplies a default namespace, and hand-made mounts may lack it.
  if (auto namespace_text = read_file(directory / "namespace")) {
    config.namespace_ = trimmed(*namespace_text);
  }
  config.origin = "in-cluster";
  return config;
}

}  // namespace

Expected<KubeConfig, std::string> load_kubeconfig(const std::string& path) {
  const Source source{shown(path), fs::path(path).parent_path()};
  try {
    return read_kubeconfig(source, path);
  } catch (...) {
    const auto reason = core::exception_text(std::current_exception());
    return unexpected("kubeconfig " + source.shown_path + ": " + shown(reason));
  }
}

Expected<KubeConfig, std::string> load_in_cluster(
    const std::function<std::optional<std::string>(const char*)>& getenv,
    const std::string& service_account_dir) {
  try {
    return read_in_cluster(getenv, service_account_dir);
  } catch (...) {
    return unexpected("in-cluster: " + shown(core::exception_text(std::current_exception())));
  }
}

}  // namespace aci::kube
