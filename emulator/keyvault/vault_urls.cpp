#include "emulator/keyvault/vault_urls.hpp"

#include <algorithm>
#include <cctype>

namespace aci::emulator {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// A host[:port] we are willing to echo into URLs: DNS letters, digits, dots and
// dashes, an optional numeric port, or a bracketed IPv6 literal.
bool plausible_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  return std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

VaultUrls vault_urls(std::string_view vault, const http::ServerRequest& request) {
  const std::string vault_lower = lower(vault);
  std::string host(request[boost::beast::http::field::host]);
  if (!plausible_host(host)) host = vault_lower + ".vault.azure.net";

  const std::string_view target = request.target();
  const std::string prefix = "/keyvault/" + vault_lower;
  bool prefixed = false;
  if (target.size() >= prefix.size() && lower(target.substr(0, prefix.size())) == prefix) {
    prefixed = target.size() == prefix.size() || target[prefix.size()] == '/' || target[prefix.size()] == '?';
  }

  VaultUrls urls;
  if (prefixed) {
    // Keep the caller's spelling of the prefix so nextLink reaches the same route.
    urls.request_base = "https://" + host + std::string(target.substr(0, prefix.size()));
    urls.identifier_base = "https://" + vault_lower + ".vault.azure.net";
  } else {
    urls.request_base = "https://" + host;
    urls.identifier_base = urls.request_base;
  }
  return urls;
}

}  // namespace aci::emulator
