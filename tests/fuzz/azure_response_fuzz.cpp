// Fuzz target over every Azure response parser the daemon has: ARM container groups,
// list pages, accepted operations and operation status; Key Vault secret bundles and
// version pages; Graph passwordCredentials and addPassword; Entra and IMDS token
// responses; and error_from_response with its headers. Input layout:
//   byte 0       which parser (modulo the number of parsers)
//   byte 1       the HTTP status (an index into kStatuses, else 100 + byte)
//   header lines "Name: value\n" up to an empty line (as an HTTP parser would accept
//                them: token names, no CR, LF or NUL in values; obs-text allowed)
//   the rest     the body
// Every text that reaches people (AzureError::to_string(), parsed names, ids, versions,
// tags, drift descriptions) is put in a JSON and dumped strictly: invalid UTF-8 there
// is a finding, like any crash, sanitizer report or exception. Seeds: corpus/azure.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon/azure/arm_wire.hpp"
#include "daemon/azure/azure_error.hpp"
#include "daemon/azure/graph_wire.hpp"
#include "daemon/azure/key_vault_wire.hpp"
#include "daemon/http/retry_after.hpp"
#include "daemon/azure/token_response.hpp"
#include "daemon/http/url_encoding.hpp"
#include "daemon/model/arm_body.hpp"
#include "daemon/model/drift_diff.hpp"
#include "daemon/model/ownership.hpp"
#include "daemon/model/resource_parser.hpp"

namespace {

using nlohmann::json;
using namespace aci;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "azure_response_fuzz finding: %s\n", what.c_str());
  std::abort();
}

void dump_strictly(const json& value, const char* what) {
  try {
    (void)value.dump();
  } catch (const std::exception& e) {
    finding(std::string(what) + " does not dump: " + e.what());
  }
}

constexpr unsigned kStatuses[] = {200, 201, 202, 204, 400, 401, 403, 404, 409, 410, 412, 429, 500, 502, 503, 504};

// A spec the ARM bodies are compared with, as the reconciler compares its desired body.
constexpr std::string_view kDesiredSpec = R"(apiVersion: acioperator.io/v1alpha1
kind: ContainerGroup
metadata: {name: hello-world}
spec:
  azure: {subscriptionId: 00000000-0000-0000-0000-000000000001, resourceGroup: demo-rg, location: westeurope}
  containers:
    - name: hello
      image: myregistry.azurecr.io/aci-helloworld:v1
      resources: {cpu: 1, memoryInGB: 1.5}
      ports: [{port: 80}]
      env:
        - {name: MODE, value: demo}
        - {name: TOKEN, secretRef: {keyVault: mykeyvault, secret: app-token}}
  ipAddress: {type: Public, ports: [{port: 80}], dnsNameLabel: hello-world-demo}
  imageRegistryCredentials:
    - server: myregistry.azurecr.io
      username: {keyVault: mykeyvault, secret: myregistry-pull-usr}
      password: {keyVault: mykeyvault, secret: myregistry-pull-pwd}
  tags: {team: web}
)";

struct Fixture {
  Fixture() {
    const auto parsed = model::parse_resources(kDesiredSpec, "desired.yaml");
    if (!parsed.ok() || parsed.documents.size() != 1) finding("the desired spec does not parse");
    group = std::get<model::ContainerGroup>(*parsed.documents[0].resource);
    for (const auto& ref : group.secret_refs()) secrets[ref] = {"fuzz-secret-value", "0123456789abcdef"};
    auto body = model::build_arm_body(group, secrets, "fuzz-owner");
    if (!body) finding("the desired body cannot be built");
    desired = std::move(*body);
  }

  model::ContainerGroup group;
  model::ResolvedSecrets secrets;
  json desired;
  const core::WallTime now = core::WallTime(std::chrono::seconds(1735689600));  // 2025-01-01T00:00:00Z
};

bool token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
}

// Splits the input into a response as HttpClient would hand it over.
http::Response read_response(std::string_view input) {
  http::Response response;
  const auto status = input.empty() ? 0u : static_cast<unsigned char>(input[0]);
  input.remove_prefix(input.empty() ? 0 : 1);
  response.status = status < std::size(kStatuses) ? kStatuses[status] : 100 + status;
  while (!input.empty()) {
    const auto end = input.find('\n');
    const auto line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    const auto name = line.substr(0, colon);
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    bool acceptable = true;
    for (const char c : name) acceptable = acceptable && token_char(c);
    for (const char c : value) acceptable = acceptable && c != '\r' && c != '\0';
    if (acceptable) response.headers.insert(name, value);
  }
  response.body = std::string(input);
  return response;
}

json error_json(const azure::AzureError& error) {
  json out = {{"kind", azure::to_string(error.kind)}, {"status", error.status}, {"code", error.code},
              {"message", error.message}, {"requestId", error.request_id}, {"text", error.to_string()}};
  if (error.retry_after) out["retryAfterMs"] = error.retry_after->count();
  return out;
}

json secret_json(const azure::SecretProperties& properties) {
  json out = {{"id", properties.id}, {"name", properties.name}, {"version", properties.version},
              {"contentType", properties.content_type}, {"tags", properties.tags},
              {"enabled", properties.attributes.enabled}, {"recoveryLevel", properties.attributes.recovery_level}};
  for (const auto& [key, time] : {std::pair{"nbf", properties.attributes.not_before},
                                  std::pair{"exp", properties.attributes.expires},
                                  std::pair{"created", properties.attributes.created},
                                  std::pair{"updated", properties.attributes.updated}})
    if (time) out[key] = std::chrono::duration_cast<std::chrono::seconds>(time->time_since_epoch()).count();
  return out;
}

json password_json(const azure::PasswordCredential& password) {
  json out = {{"keyId", password.key_id}, {"displayName", password.display_name}, {"hint", password.hint},
              {"hasSecretText", !password.secret_text.empty()}};
  if (password.start) out["start"] = password.start->time_since_epoch().count();
  if (password.end) out["end"] = password.end->time_since_epoch().count();
  return out;
}

// What the reconciler derives from a group ARM returned: whose it is, and the drift.
json group_json(const Fixture& fixture, const json& group) {
  json out = json::object();
  out["ownership"] = model::to_string(model::ownership_of(group, "fuzz-owner"));
  if (const auto owner = model::owner_tag(group)) out["owner"] = *owner;
  out["provisioningState"] = azure::provisioning_state(group);
  for (const auto& ref : fixture.group.secret_refs()) out["versions"].push_back(model::deployed_secret_version(group, ref));
  const auto differences = model::diff_container_group(fixture.desired, group);
  out["drift"] = model::describe(differences);
  out["recreate"] = model::any_requires_recreate(differences);
  out["onlyTags"] = model::only_tags_differ(differences);
  for (const auto& difference : differences)
    out["differences"].push_back({{"path", difference.path}, {"desired", difference.desired},
                                  {"actual", difference.actual}, {"reason", difference.reason}});
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Fixture fixture;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  const auto parser = static_cast<unsigned char>(input[0]);
  input.remove_prefix(1);
  const auto response = read_response(input);
  const auto now = fixture.now;

  json out = json::object();
  constexpr const char* kServices[] = {"arm", "keyvault", "graph", "entra", "imds", "acr"};
  switch (parser % 10) {
    case 0:  // ARM GET or PATCH
      if (auto group = azure::parse_container_group(response)) out["group"] = group_json(fixture, *group);
      else out["error"] = error_json(group.error());
      break;
    case 1:  // ARM list page
      if (auto page = azure::parse_container_group_page(response)) {
        for (const auto& group : page->groups) out["groups"].push_back(group_json(fixture, group));
        out["followed"] = http::same_origin(page->next_link, "https://management.azure.com");
      } else {
        out["error"] = error_json(page.error());
      }
      break;
    case 2: {  // ARM PUT or DELETE accepted
      const auto links = azure::operation_links(response, now);
      out["followed"] = {http::same_origin(links.async_operation_url, "https://management.azure.com"),
                         http::same_origin(links.location_url, "https://management.azure.com")};
      if (links.retry_after) out["retryAfterMs"] = links.retry_after->count();
      out["state"] = azure::terminal_state(azure::provisioning_state(azure::put_response_body(response)));
      break;
    }
    case 3: {  // ARM Azure-AsyncOperation status
      const auto status = azure::parse_operation_status(response.body);
      out["status"] = {{"terminal", status.terminal}, {"code", status.error_code}, {"message", status.error_message}};
      break;
    }
    case 4:  // Key Vault secret bundle
      if (auto secret = azure::parse_secret_bundle(response.body)) out["secret"] = secret_json(secret->properties);
      else out["error"] = error_json(azure::malformed_response("keyvault", secret.error(), response));
      break;
    case 5:  // Key Vault versions page
      if (auto page = azure::parse_secret_version_page(response.body)) {
        for (const auto& version : page->versions) out["versions"].push_back(secret_json(version));
        out["followed"] = http::same_origin(page->next_link, "https://mykeyvault.vault.azure.net");
      } else {
        out["error"] = error_json(azure::malformed_response("keyvault", page.error(), response));
      }
      break;
    case 6:  // Graph application passwordCredentials
      if (auto passwords = azure::parse_application_passwords(response.body)) {
        for (const auto& password : *passwords) out["passwords"].push_back(password_json(password));
      } else {
        out["error"] = error_json(azure::malformed_response("graph", passwords.error(), response));
      }
      break;
    case 7:  // Graph addPassword
      if (auto password = azure::parse_added_password(response.body)) out["password"] = password_json(*password);
      else out["error"] = error_json(azure::malformed_response("graph", password.error(), response));
      break;
    case 8:
    case 9:  // Entra and IMDS token responses
      if (auto token = azure::parse_token_response(parser % 10 == 8 ? "entra" : "imds", response, now)) {
        out["expiresIn"] = std::chrono::duration_cast<std::chrono::seconds>(token->expires_on - now).count();
      } else {
        out["error"] = error_json(token.error());
      }
      break;
  }
  // Any of them may fail instead: the error every client builds from a refused call.
  const auto service = kServices[(parser / 10) % std::size(kServices)];
  out["failure"] = error_json(azure::error_from_response(service, response, now));
  out["entraCode"] = azure::entra_error_code(response.body);
  if (const auto wait = http::retry_after_from_headers(response, now)) {
    if (wait->count() < 0) finding("a negative Retry-After");
    out["retryAfterMs"] = wait->count();
  }
  dump_strictly(out, "what the parsers made of the response");
  return 0;
}
