#include "daemon/azure/http_key_vault_client.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "daemon/azure/auth_challenge.hpp"
#include "daemon/http/url_encoding.hpp"

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

std::int64_t unix_seconds(core::WallTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace

HttpKeyVaultClient::HttpKeyVaultClient(AzurePipeline& pipeline, KeyVaultClientOptions options)
    : pipeline_(pipeline), options_(std::move(options)) {}

Expected<std::string, AzureError> HttpKeyVaultClient::vault_url(const std::string& vault) const {
  if (!valid_name(vault, 3, 24)) return unexpected(invalid("invalid Key Vault name '" + vault + "'"));
  auto url = http::expand_template(options_.vault_url_template, {{"vault", vault}});
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
                "?api-version=" + http::percent_encode(options_.api_version);
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
  request.url = *base + "/secrets/" + name + "?api-version=" + http::percent_encode(options_.api_version);
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
      *base + "/secrets/" + name + "/versions?api-version=" + http::percent_encode(options_.api_version) + "&maxresults=25";
  for (int page = 0; page < kMaxPages; ++page) {
    AzureRequest request;
    request.operation = "secrets.listVersions";
    request.url = url;
    auto response = co_await send(vault, *base, std::move(request));
    if (!response) co_return unexpected(std::move(response.error()));
    if (response->status != 200)
      co_return unexpected(error_from_response("keyvault", *response, pipeline_.clock().now()));
    auto parsed = parse_secret_version_page(response->body);
    if (!parsed) co_return unexpected(malformed_response("keyvault", parsed.error(), *response));
    for (auto& properties : parsed->versions) versions.push_back(std::move(properties));
    // A page may be empty and still carry a nextLink: only its absence ends the list.
    if (parsed->next_link.empty()) {
      std::stable_sort(versions.begin(), versions.end(), [](const SecretProperties& a, const SecretProperties& b) {
        const auto ac = a.attributes.created.value_or(core::WallTime{});
        const auto bc = b.attributes.created.value_or(core::WallTime{});
        return ac != bc ? ac < bc : a.version < b.version;
      });
      co_return versions;
    }
    url = std::move(parsed->next_link);
    if (!http::same_origin(url, *base))
      co_return unexpected(AzureError{AzureErrorKind::bad_request, 0, "UntrustedUrl",
                                      "Key Vault returned a nextLink outside the vault; not followed", {}, {}});
  }
  co_return unexpected(AzureError{AzureErrorKind::server, 0, "TooManyPages", "versions list did not end", {}, {}});
}

}  // namespace aci::azure
