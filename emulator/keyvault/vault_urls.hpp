#pragma once
// Where a Key Vault request says the vault lives, as two base URLs: one the
// caller can fetch again (for nextLink) and one that names objects (for "id").
// Pure function of the vault name and the request's Host header and target.

#include <string>
#include <string_view>

#include "daemon/http/server.hpp"

namespace aci::emulator {

struct VaultUrls {
  // Fetchable: "https://{Host}" when the vault is addressed by host name
  // ("mykeyvault.vault.azure.net[:port]"), or "https://{Host}/keyvault/{vault}"
  // when the request target carries the path prefix. No trailing slash.
  std::string request_base;
  // Names objects in "id", "kid"-like fields and recoveryId. Azure's SDKs parse
  // ids as "{scheme}://{host}/{collection}/{name}[/{version}]" and reject any
  // other path depth, so a path-prefixed vault gets the canonical
  // "https://{vault}.vault.azure.net"; a host-addressed vault keeps its Host.
  std::string identifier_base;
};

// Never fails: a missing or malformed Host header falls back to
// "{vault}.vault.azure.net", so nothing a client sends reaches the URLs unchecked.
VaultUrls vault_urls(std::string_view vault, const http::ServerRequest& request);

}  // namespace aci::emulator
