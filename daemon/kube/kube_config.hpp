#pragma once
// Where the Kubernetes API server is and how to authenticate to it, read from a kubeconfig
// file's current context or from a pod's service account. Anything the client cannot honour
// safely (plain http, skipped TLS verification, exec or auth-provider plugins, basic auth) is
// refused with a one-line error naming the file and field; errors never hold secrets, and
// neither loader throws.

#include <functional>
#include <optional>
#include <string>

#include "daemon/core/expected.hpp"

namespace aci::kube {

struct KubeConfig {
  std::string server;                  // "https://host:port" (no trailing '/'); only https is accepted
  std::string ca_pem;                  // PEM bundle that verifies the API server; empty: system CAs only
  std::string client_certificate_pem;  // mTLS client certificate chain, PEM; empty: none
  std::string client_key_pem;          // its key (secret: never in an error or log)
  std::string token;                   // bearer token (secret)
  std::string token_file;              // bearer token re-read from this file by the client; empty: none
  std::string tls_server_name;         // certificate name to verify instead of the URL host; empty: URL host
  std::string namespace_;              // the context's namespace, or the in-cluster namespace file; may be empty
  std::string origin;                  // for logs: "kubeconfig <path> (context <name>)" or "in-cluster"
};

// Reads the kubeconfig file at `path` and resolves its current-context (cluster + user).
Expected<KubeConfig, std::string> load_kubeconfig(const std::string& path);

// In-cluster: KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT (IPv6 host bracketed) via `getenv`,
// <dir>/ca.crt (required), <dir>/token (token_file = that path; must exist), <dir>/namespace (trimmed; optional).
Expected<KubeConfig, std::string> load_in_cluster(
    const std::function<std::optional<std::string>(const char*)>& getenv,
    const std::string& service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

}  // namespace aci::kube
