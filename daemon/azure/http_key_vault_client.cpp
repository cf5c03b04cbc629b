#include "daemon/azure/http_key_vault_client.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "daemon/azure/auth_challenge.hpp"
#include "daemon/azure/url_encoding.hpp"

namespace aci::azure {

namespace beast_http = boost::beast::http;
using json = nlohmann::json;

namespace {

constexpr int kMaxPages = 10000;

bool valid_name(std::string_view text, std::size_t min, std::size_t max) {
  return text.size() >= min && text.size() <= max && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
         });
}

AzureError invalid(std::string message) {
  return AzureError{AzureErrorKind::bad_request, 0, "InvalidName", std::move(message), {}, {}};
}

std::optional<core::WallTime> unix_time(const json& attributes, const char* key) {
  const auto found = attributes.find(key);
  if (found == attributes.end() || !found->is_number()) return std::nullopt;
  return core::WallTime(std::chrono::seconds(found->get<std::int64_t>()));
}

std::int64_t unix_seconds(core::WallTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

Expected<SecretProperties, std::string> parse_secret_properties(const json& item) {
  if (!item.is_object()) return unexpected(std::string("secret is not a JSON object"));
  SecretProperties out;
  out.id = item.value("id", "");
  // ".../secrets/{name}/{version}": Key Vault's ids are the only place the version appears.
  const auto path_start = out.id.find("/secrets/");
  if (path_start == std::string::npos) return unexpected(std::string("secret id has no /secrets/ path"));
  std::string rest = out.id.substr(path_start + 9);
  rest = rest.substr(0, rest.find('?'));
  const auto slash = rest.find('/');
  out.name = rest.substr(0, slash);
  if (slash != std::string::npos) out.version = rest.substr(slash + 1);
  while (!out.version.empty() && out.version.back() == '/') out.version.pop_back();
  if (const auto type = item.find("contentType"); type != item.end() && type->is_string()) out.content_type = *type;
  if (const auto tags = item.find("tags"); tags != item.end() && tags->is_object()) {
    for (const auto& [key, value] : tags->items())
      if (value.is_string()) out.tags[key] = value.get<std::string>();
  }
  if (const auto attributes = item.find("attributes"); attributes != item.end() && attributes->is_object()) {
    out.attributes.enabled = attributes->value("enabled", true);
    out.attributes.not_before = unix_time(*attributes, "nbf");
    out.attributes.expires = unix_time(*attributes, "exp");
    out.attributes.created = unix_time(*attributes, "created");
    out.attributes.updated = unix_time(*attributes, "updated");
    out.attributes.recovery_level = attributes->value("recoveryLevel", "");
  }
  return out;
}

Expected<Secret, std::string> parse_secret_bundle(const std::string& body) {
  const auto parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return unexpected(std::string("secret bundle is not a JSON object"));
  auto properties = parse_secret_properties(parsed);
  if (!properties) return unexpected(std::move(properties.error()));
  const auto value = parsed.find("value");
  if (value == parsed.end() || !value->is_string()) return unexpected(std::string("secret bundle has no value"));
  return Secret{std::move(*properties), value->get<std::string>()};
}

HttpKeyVaultClient::HttpKeyVaultClient(AzurePipeline& pipeline, KeyVaultClientOptions options)
    : pipeline_(pipeline), options_(std::move(options)) {}

Expected<std::string, AzureError> HttpKeyVaultClient::vault_url(const std::string& vault) const {
  if (!valid_name(vault, 3, 24)) return unexpected(invalid("invalid Key Vault name '" + vault + "'"));
  auto url = expand_template(options_.vault_url_template, {{"vault", vault}});
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string HttpKeyVaultClient::cached_scope(const std::string& vault) const {
  const auto found = scopes_.find(vault);
  return found == scopes_.end() ? std::string() : found->second;
}

boost::asio::awaitable<Expected<http::Response, AzureError>> HttpKeyVaultClient::send(const std::string& vault,
                                                                                       std::string base,
                                                                                       AzureRequest request) {
  request.service = "keyvault";
  request.headers.set(beast_http::field::accept, "application/json");
  for (int round = 0; round < 2; ++round) {
    const auto known = scopes_.find(vault);
    if (known == scopes_.end()) {
      // Learn the audience from the challenge: the same request, without token or body.
      AzureRequest probe = request;
      probe.body.clear();
      probe.headers.erase(beast_http::field::content_type);
      auto challenged = co_await pipeline_.send(std::move(probe));
      if (!challenged) co_return challenged;
      if (challenged->status != 401) co_return challenged;
      std::string why;
      const auto challenge = key_vault_challenge(challenged->header("WWW-Authenticate"), base, options_.audience, why);
      if (!challenge) {
        auto error = error_from_response("keyvault", *challenged, pipeline_.clock().now());
        error.message = "Key Vault challenge refused: " + why;
        co_return unexpected(std::move(error));
      }
      scopes_[vault] = challenge->scope;
    }
    AzureRequest authenticated = request;
    const std::string scope = scopes_[vault];
    authenticated.scope = scope;
    auto response = co_await pipeline_.send(std::move(authenticated));
    if (!response || response->status != 401) co_return response;
    // Still refused (the pipeline already tried a fresh token): the vault may have
    // moved to another audience or tenant. Learn the challenge again, once.
    std::string why;
    const auto challenge = key_vault_challenge(response->header("WWW-Authenticate"), base, options_.audience, why);
    if (!challenge || challenge->scope == scope) co_return response;
    scopes_.erase(vault);
  }
  co_return unexpected(AzureError{AzureErrorKind::unauthorized, 401, "Unauthorized",
                                  "Key Vault " + vault + " kept refusing the token", {}, {}});
}

boost::asio::awaitable<Expected<Secret, AzureError>> HttpKeyVaultClient::get_secret(const std::string& vault,
                                                                                   const std::string& name,
                                                                                   const std::string& version) {
  auto base = vault_url(vault);
  if (!base) co_return unexpected(std::move(base.error()));
  if (!valid_name(name, 1, 127)) co_return unexpected(invalid("invalid secret name '" + name + "'"));
  if (!version.empty() && !valid_name(version, 1, 64)) co_return unexpected(invalid("invalid secret version"));
  AzureRequest request;
  request.operation = "secrets.get";
  request.url = *base + "/secrets/" + name + (version.empty() ? "" : "/" + version) +
                "?api-version=" + percent_encode(options_.api_version);
  auto response = co_await send(vault, *base, std::move(request));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status != 200)
    co_return unexpected(error_from_response("keyvault", *response, pipeline_.clock().now()));
  auto secret = parse_secret_bundle(response->body);
  if (!secret) co_return unexpected(malformed_response("keyvault", secret.error(), *response));
  pipeline_.logger().sink().redactor().add(secret->value);
  co_return std::move(*secret);
}

boost::asio::awaitable<Expected<Secret, AzureError>> HttpKeyVaultClient::set_secret(const std::string& vault,
                                                                                   const std::string& name,
                                                                                   const std::string& value,
                                                                                   const SetSecretOptions& options) {
  pipeline_.logger().sink().redactor().add(value);
  auto base = vault_url(vault);
  if (!base) co_return unexpected(std::move(base.error()));
  if (!valid_name(name, 1, 127)) co_return unexpected(invalid("invalid secret name '" + name + "'"));
  json body{{"value", value}};
  if (!options.content_type.empty()) body["contentType"] = options.content_type;
  if (!options.tags.empty()) body["tags"] = options.tags;
  json attributes = json::object();
  if (options.enabled) attributes["enabled"] = *options.enabled;
  if (options.not_before) attributes["nbf"] = unix_seconds(*options.not_before);
  if (options.expires) attributes["exp"] = unix_seconds(*options.expires);
  if (!attributes.empty()) body["attributes"] = std::move(attributes);
  AzureRequest request;
  request.operation = "secrets.set";
  request.method = beast_http::verb::put;
  request.url = *base + "/secrets/" + name + "?api-version=" + percent_encode(options_.api_version);
  request.headers.set(beast_http::field::content_type, "application/json");
  request.body = body.dump();
  auto response = co_await send(vault, *base, std::move(request));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status != 200)
    co_return unexpected(error_from_response("keyvault", *response, pipeline_.clock().now()));
  auto secret = parse_secret_bundle(response->body);
  if (!secret) co_return unexpected(malformed_response("keyvault", secret.error(), *response));
  co_return std::move(*secret);
}

boost::asio::awaitable<Expected<std::vector<SecretProperties>, AzureError>> HttpKeyVaultClient::list_secret_versions(
    const std::string& vault, const std::string& name) {
  auto base = vault_url(vault);
  if (!base) co_return unexpected(std::move(base.error()));
  if (!valid_name(name, 1, 127)) co_return unexpected(invalid("invalid secret name '" + name + "'"));
  std::vector<SecretProperties> versions;
  std::string url =
      *base + "/secrets/" + name + "/versions?api-version=" + percent_encode(options_.api_version) + "&maxresults=25";
  for (int page = 0; page < kMaxPages; ++page) {
    AzureRequest request;
    request.operation = "secrets.listVersions";
    request.url = url;
    auto response = co_await send(vault, *base, std::move(request));
    if (!response) co_return unexpected(std::move(response.error()));
    if (response->status != 200)
      co_return unexpected(error_from_response("keyvault", *response, pipeline_.clock().now()));
    const auto body = json::parse(response->body, nullptr, false);
    if (!body.is_object()) co_return unexpected(malformed_response("keyvault", "versions page is not JSON", *response));
    if (const auto value = body.find("value"); value != body.end() && value->is_array()) {
      for (const auto& item : *value) {
        auto properties = parse_secret_properties(item);
        if (!properties) co_return unexpected(malformed_response("keyvault", properties.error(), *response));
        versions.push_back(std::move(*properties));
      }
    }
    // A page may be empty and still carry a nextLink: only its absence ends the list.
    const auto next = body.find("nextLink");
    if (next == body.end() || !next->is_string() || next->get_ref<const std::string&>().empty()) {
      std::stable_sort(versions.begin(), versions.end(), [](const SecretProperties& a, const SecretProperties& b) {
        const auto ac = a.attributes.created.value_or(core::WallTime{});
        const auto bc = b.attributes.created.value_or(core::WallTime{});
        return ac != bc ? ac < bc : a.version < b.version;
      });
      co_return versions;
    }
    url = next->get<std::string>();
    if (!same_origin(url, *base))
      co_return unexpected(AzureError{AzureErrorKind::bad_request, 0, "UntrustedUrl",
                                      "Key Vault returned a nextLink outside the vault; not followed", {}, {}});
  }
  co_return unexpected(AzureError{AzureErrorKind::server, 0, "TooManyPages", "versions list did not end", {}, {}});
}

}  // namespace aci::azure
