#pragma once
// Validators for the names and identifiers Azure and Kubernetes accept. Each
// returns nullopt when the text is valid, or a message that says which rule it
// breaks and quotes the text (none of these is ever a secret).

#include <optional>
#include <string>
#include <string_view>

namespace aci::model::names {

using Problem = std::optional<std::string>;

// ACI container group and container names: 1-63 of [a-z0-9-], no leading,
// trailing or doubled '-'.
Problem container_group_name(std::string_view text);
Problem container_name(std::string_view text);
// ARM resource group names: 1-90 letters, digits, '_', '-', '.', '(' and ')',
// not ending in '.'. Non-ASCII (Unicode letters) is passed through to ARM.
Problem resource_group(std::string_view text);
// Key Vault names: 3-24 of [a-zA-Z0-9-], starting with a letter, ending with a
// letter or digit, no "--".
Problem key_vault(std::string_view text);
// Key Vault secret names: ^[0-9a-zA-Z-]{1,127}$.
Problem key_vault_secret(std::string_view text);
// 8-4-4-4-12 hexadecimal digits.
Problem guid(std::string_view text);
// ACI DNS name labels: 5-63 of [a-z0-9-], starting with a letter, ending with a
// letter or digit.
Problem dns_name_label(std::string_view text);
// A registry login server: host[:port], no scheme, no path.
Problem registry_server(std::string_view text);
// /subscriptions/{guid}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}
Problem user_assigned_identity(std::string_view text);
// Azure region names ("westeurope", or the display form "West Europe").
Problem location(std::string_view text);
// Environment variable names: printable ASCII without '=' or spaces, 1-256.
Problem env_name(std::string_view text);
// A container image reference: non-empty, no whitespace.
Problem image(std::string_view text);
// Kubernetes object names (DNS-1123 subdomain) and namespaces (DNS-1123 label).
Problem object_name(std::string_view text);
Problem object_namespace(std::string_view text);
// ARM tag names and values (names: 1-512, none of <>%&\?/; values: up to 256).
Problem tag_name(std::string_view text);
Problem tag_value(std::string_view text);

// "West Europe" -> "westeurope": the form ARM uses in ids and returns on GET.
std::string normalize_location(std::string_view text);

}  // namespace aci::model::names
