#pragma once
// WWW-Authenticate parsing (RFC 9110 11.6.1): a list of challenges, each a scheme and
// its auth-params, with quoted values unescaped. Key Vault's challenge names the
// authority (`authorization` or `authorization_uri`) and the audience (`resource` or
// `scope`); a registry's names `realm` and `service`. key_vault_scope() turns a Key
// Vault challenge into the token scope, after checking it really belongs to the vault
// (the Azure SDKs' rule) or to the configured Key Vault audience. Pure functions.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aci::azure {

struct AuthChallenge {
  std::string scheme;                         // as sent: "Bearer", "Basic"
  std::map<std::string, std::string> params;  // names lower-cased

  // The parameter's value, "" when absent.
  std::string param(const std::string& name) const;
};

// Every challenge in the header value, in order; malformed trailing text is ignored.
std::vector<AuthChallenge> parse_www_authenticate(std::string_view header);

// The first challenge whose scheme matches (case-insensitively).
std::optional<AuthChallenge> find_challenge(std::string_view header, std::string_view scheme);

struct KeyVaultChallenge {
  std::string authority;  // "https://login.microsoftonline.com/{tenant}"
  std::string scope;      // "https://vault.azure.net/.default"
  std::string tenant_id;  // last path segment of authority, "" if none
};

// The scope of a Key Vault Bearer challenge: `scope` as given, else `resource` +
// "/.default". Refused (nullopt, with `why` set) when there is no Bearer challenge,
// neither parameter, or the audience's host is neither a DNS suffix of the vault's
// host ("vault.azure.net" for "myvault.vault.azure.net") nor the host of
// `configured_audience` (how an emulator on 127.0.0.1 is trusted).
std::optional<KeyVaultChallenge> key_vault_challenge(std::string_view header, std::string_view vault_url,
                                                     std::string_view configured_audience, std::string& why);

}  // namespace aci::azure
