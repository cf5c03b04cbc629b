#include "emulator/identity/identity_service.hpp"

#include "daemon/crypto/base64.hpp"
#include "emulator/iso_time.hpp"
#include "emulator/json_response.hpp"

namespace aci::emulator {
namespace {

namespace beast = boost::beast;
using nlohmann::json;
constexpr const char* kJwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

bool is_form(const http::ServerRequest& request) {
  const auto type = request[beast::http::field::content_type];
  return std::string_view(type.data(), type.size()).rfind("application/x-www-form-urlencoded", 0) == 0;
}

std::string host_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  return std::string(url.substr(0, url.find('/')));
}

bool is_oidc_scope(std::string_view scope) {
  return scope == "openid" || scope == "profile" || scope == "offline_access" || scope == "email";
}

http::ServerResponse no_store(http::ServerResponse response) {
  response.set(beast::http::field::cache_control, "no-store, no-cache");
  response.set(beast::http::field::pragma, "no-cache");
  return response;
}

}  // namespace

IdentityService::IdentityService(NowFunction now, RandomSource& random, Directory& directory, TokenService& tokens,
                                 IdentitySettings settings)
    : now_(std::move(now)), random_(random), directory_(directory), tokens_(tokens), settings_(settings) {}

bool IdentityService::owns(const RequestTarget& target) {
  const auto& s = target.segments;
  if (s.size() >= 2 && s[0] == "metadata" && s[1] == "identity") return true;
  if (s.size() >= 3 && s[0] == "common" && s[1] == "discovery" && s[2] == "instance") return true;
  if (s.size() >= 2 && (s[1] == "oauth2" || s[1] == ".well-known" || s[1] == "discovery")) return true;
  return s.size() >= 3 && s[1] == "v2.0" && (s[2] == ".well-known" || s[2] == "discovery");
}

std::string IdentityService::route_name(const http::ServerRequest& request, const RequestTarget& target) {
  const std::string method(request.method_string());
  const auto& s = target.segments;
  if (!s.empty() && s[0] == "metadata") return method + " imds-token";
  if (!s.empty() && s.back() == "token") return method + " token";
  if (!s.empty() && s.back() == "openid-configuration") return method + " openid-configuration";
  if (!s.empty() && s.back() == "instance") return method + " instance-discovery";
  return method + " keys";
}

http::ServerResponse IdentityService::handle(const http::ServerRequest& request, const RequestTarget& target,
                                             const std::string& base_url) {
  const auto& s = target.segments;
  if (s.size() >= 2 && s[0] == "metadata" && s[1] == "identity") {
    if (s.size() == 4 && s[2] == "oauth2" && s[3] == "token") return imds_token(request, target);
    return json_response(404, {{"error", "not_found"}, {"error_description", "Unknown IMDS path"}});
  }
  if (s.size() >= 3 && s[0] == "common" && s[1] == "discovery" && s[2] == "instance")
    return instance_discovery(target, base_url);
  const std::string& tenant = s.front();
  if (s.size() == 4 && s[1] == "oauth2" && s[2] == "v2.0" && s[3] == "token") return token(request, tenant, false, base_url);
  if (s.size() == 3 && s[1] == "oauth2" && s[2] == "token") return token(request, tenant, true, base_url);
  if (s.size() == 4 && s[1] == "v2.0" && s[2] == ".well-known" && s[3] == "openid-configuration")
    return openid_configuration(tenant, true, base_url);
  if (s.size() == 3 && s[1] == ".well-known" && s[2] == "openid-configuration")
    return openid_configuration(tenant, false, base_url);
  if ((s.size() == 4 && s[1] == "discovery" && s[2] == "v2.0" && s[3] == "keys") ||
      (s.size() == 3 && s[1] == "discovery" && s[2] == "keys"))
    return json_response(200, tokens_.jwks());
  return entra_error(SignInError{404, "invalid_request", 900561, "The endpoint is not served by the emulator."},
                     base_url);
}

http::ServerResponse IdentityService::entra_error(const SignInError& error, const std::string& base_url) {
  const auto timestamp = format_iso8601(now_());
  std::string stamp = timestamp;  // Entra prints "2025-01-01 00:00:00Z"
  if (stamp.size() > 10) stamp[10] = ' ';
  const auto trace_id = random_.guid();
  const auto correlation_id = random_.guid();
  const std::string code = "AADSTS" + std::to_string(error.aadsts);
  json body{{"error", error.error},
            {"error_description", code + ": " + error.description + "\r\nTrace ID: " + trace_id +
                                      "\r\nCorrelation ID: " + correlation_id + "\r\nTimestamp: " + stamp},
            {"error_codes", json::array({error.aadsts})},
            {"timestamp", stamp},
            {"trace_id", trace_id},
            {"correlation_id", correlation_id},
            {"error_uri", base_url + "/error?code=" + std::to_string(error.aadsts)}};
  auto response = no_store(json_response(error.status, body));
  if (error.status == 401) response.set(beast::http::field::www_authenticate, "Basic realm=\"\"");
  return response;
}

http::ServerResponse IdentityService::token(const http::ServerRequest& request, const std::string& tenant, bool v1,
                                            const std::string& base_url) {
  if (request.method() != beast::http::verb::post) {
    return entra_error({400, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a " +
                                                            std::string(request.method_string()) + " request."},
                       base_url);
  }
  if (!is_form(request)) {
    return entra_error({400, "invalid_request", 900144,
                        "The request body must contain the following parameter: 'grant_type'."},
                       base_url);
  }
  const auto form = parse_form(request.body());
  const auto grant_type = form_value(form, "grant_type");
  if (grant_type.empty())
    return entra_error({400, "invalid_request", 900144,
                        "The request body must contain the following parameter: 'grant_type'."},
                       base_url);
  if (grant_type != "client_credentials")
    return entra_error({400, "unsupported_grant_type", 70003,
                        "The app requested an unsupported grant type '" + grant_type + "'."},
                       base_url);

  std::string client_id = form_value(form, "client_id");
  std::string client_secret = form_value(form, "client_secret");
  // client_secret_basic: the same pair in an Authorization header.
  const auto authorization = request[beast::http::field::authorization];
  if (std::string_view(authorization.data(), authorization.size()).rfind("Basic ", 0) == 0) {
    if (auto decoded = crypto::base64_decode(std::string_view(authorization.data(), authorization.size()).substr(6))) {
      const auto colon = decoded->find(':');
      if (colon != std::string::npos) {
        if (client_id.empty()) client_id = percent_decode(decoded->substr(0, colon), true);
        if (client_secret.empty()) client_secret = percent_decode(decoded->substr(colon + 1), true);
      }
    }
  }
  if (client_id.empty())
    return entra_error({400, "invalid_request", 900144,
                        "The request body must contain the following parameter: 'client_id'."},
                       base_url);

  // Audience: v2 takes "<resource>/.default" (OIDC scopes may ride along); v1 takes "resource".
  std::string audience;
  if (v1) {
    audience = form_value(form, "resource");
    if (audience.empty())
      return entra_error({400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'resource'."},
                         base_url);
  } else {
    const auto scope = form_value(form, "scope");
    if (scope.empty())
      return entra_error({400, "invalid_request", 900144,
                          "The request body must contain the following parameter: 'scope'."},
                         base_url);
    std::size_t pos = 0;
    while (pos <= scope.size()) {
      auto end = scope.find(' ', pos);
      if (end == std::string::npos) end = scope.size();
      const auto item = scope.substr(pos, end - pos);
      if (!item.empty() && !is_oidc_scope(item)) {
        if (!audience.empty() || item.size() < 9 || item.compare(item.size() - 9, 9, "/.default") != 0) {
          return entra_error({400, "invalid_scope", 1002012,
                              "The provided value for scope " + scope +
                                  " is not valid. Client credential flows must have a scope value with /.default "
                                  "suffixed to the resource identifier (application ID URI)."},
                             base_url);
        }
        audience = item;
      }
      pos = end + 1;
    }
    if (audience.empty())
      return entra_error({400, "invalid_scope", 70011,
                          "The provided request must include a 'scope' input parameter naming a resource."},
                         base_url);
  }

  Expected<Principal, SignInError> principal = unexpected(SignInError{});
  const auto assertion = form_value(form, "client_assertion");
  if (!assertion.empty()) {
    if (form_value(form, "client_assertion_type") != kJwtBearer)
      return entra_error({400, "invalid_request", 700025,
                          "Client assertion type must be '" + std::string(kJwtBearer) + "'."},
                         base_url);
    std::vector<std::string> endpoints{base_url + "/" + tenant + "/oauth2/v2.0/token",
                                       "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/token",
                                       base_url + "/" + tenant + "/oauth2/token",
                                       "https://login.microsoftonline.com/" + tenant + "/oauth2/token"};
    if (const Tenant* found = directory_.find_tenant(tenant)) {
      endpoints.push_back(base_url + "/" + found->id + "/oauth2/v2.0/token");
      endpoints.push_back("https://login.microsoftonline.com/" + found->id + "/oauth2/v2.0/token");
    }
    principal = directory_.sign_in_with_assertion(tenant, client_id, assertion, endpoints);
  } else if (!client_secret.empty()) {
    principal = directory_.sign_in_with_secret(tenant, client_id, client_secret);
  } else {
    // Tenant and application problems are reported before the missing credential, as Entra does.
    principal = directory_.sign_in_with_secret(tenant, client_id, "");
    if (!principal && principal.error().aadsts == 7000215)
      principal = unexpected(SignInError{401, "invalid_client", 7000218,
                                         "The request body must contain the following parameter: "
                                         "'client_assertion' or 'client_secret'."});
  }
  if (!principal) return entra_error(principal.error(), base_url);

  auto access_token = tokens_.issue(*principal, audience, settings_.token_lifetime);
  if (!access_token)
    // Signing fails only on a scope that is not valid text: the caller's error.
    return entra_error({400, "invalid_resource", 500011, "The resource principal named in the scope was not found."},
                       base_url);
  const auto lifetime = settings_.token_lifetime.count();
  json body{{"token_type", "Bearer"}, {"expires_in", lifetime}, {"ext_expires_in", lifetime},
            {"access_token", *access_token}};
  if (v1) {
    const auto now = unix_seconds(now_());
    body = json{{"token_type", "Bearer"},         {"expires_in", std::to_string(lifetime)},
                {"ext_expires_in", std::to_string(lifetime)}, {"expires_on", std::to_string(now + lifetime)},
                {"not_before", std::to_string(now)}, {"resource", audience}, {"access_token", *access_token}};
  }
  return no_store(json_response(200, body));
}

http::ServerResponse IdentityService::openid_configuration(const std::string& tenant, bool v2,
                                                           const std::string& base_url) {
  std::string tenant_id = tenant;
  if (tenant == "common" || tenant == "organizations" || tenant == "consumers") {
    tenant_id = "{tenantid}";
  } else if (const Tenant* found = directory_.find_tenant(tenant)) {
    tenant_id = found->id;
  } else {
    return entra_error({400, "invalid_tenant", 90002,
                        "Tenant '" + tenant + "' not found. Check to make sure you have the correct tenant ID and are "
                                              "signing into the correct cloud."},
                       base_url);
  }
  const std::string root = base_url + "/" + tenant;
  const std::string version = v2 ? "/v2.0" : "";
  json body{
      {"token_endpoint", root + "/oauth2" + version + "/token"},
      {"token_endpoint_auth_methods_supported", {"client_secret_post", "private_key_jwt", "client_secret_basic"}},
      {"jwks_uri", root + "/discovery" + version + "/keys"},
      {"response_modes_supported", {"query", "fragment", "form_post"}},
      {"subject_types_supported", {"pairwise"}},
      {"id_token_signing_alg_values_supported", {"RS256"}},
      {"response_types_supported", {"code", "id_token", "code id_token", "id_token token"}},
      {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
      {"issuer", v2 ? base_url + "/" + tenant_id + "/v2.0" : "https://sts.windows.net/" + tenant_id + "/"},
      {"request_uri_parameter_supported", false},
      {"userinfo_endpoint", base_url + "/oidc/userinfo"},
      {"authorization_endpoint", root + "/oauth2" + version + "/authorize"},
      {"device_authorization_endpoint", root + "/oauth2" + version + "/devicecode"},
      {"http_logout_supported", true},
      {"frontchannel_logout_supported", true},
      {"end_session_endpoint", root + "/oauth2" + version + "/logout"},
      {"claims_supported", {"sub", "iss", "aud", "exp", "iat", "tid", "ver"}},
      {"kerberos_endpoint", root + "/kerberos"},
      {"tenant_region_scope", "EU"},
      {"cloud_instance_name", "microsoftonline.com"},
      {"cloud_graph_host_name", "graph.windows.net"},
      {"msgraph_host", "graph.microsoft.com"},
      {"rbac_url", "https://pas.windows.net"}};
  return json_response(200, body);
}

http::ServerResponse IdentityService::instance_discovery(const RequestTarget& target, const std::string& base_url) {
  // MSAL asks whether the authority's host is a known cloud; the answer lists that host as
  // its own alias, so the library keeps talking to it.
  const auto endpoint = target.param("authorization_endpoint");
  std::string host = endpoint.empty() ? host_of(base_url) : host_of(endpoint);
  std::string tenant = "common";
  if (!endpoint.empty()) {
    auto rest = std::string_view(endpoint);
    auto scheme = rest.find("://");
    if (scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
    auto slash = rest.find('/');
    if (slash != std::string_view::npos) {
      rest.remove_prefix(slash + 1);
      tenant = std::string(rest.substr(0, rest.find('/')));
    }
  }
  json body{{"tenant_discovery_endpoint", "https://" + host + "/" + tenant + "/v2.0/.well-known/openid-configuration"},
            {"api-version", "1.1"},
            {"metadata", json::array({{{"preferred_network", host}, {"preferred_cache", host}, {"aliases", {host}}}})}};
  return json_response(200, body);
}

http::ServerResponse IdentityService::imds_token(const http::ServerRequest& request, const RequestTarget& target) {
  const auto metadata = request["Metadata"];
  if (std::string_view(metadata.data(), metadata.size()) != "true") {
    return json_response(400, {{"error", "invalid_request"},
                               {"error_description", "Required metadata header not specified"}});
  }
  if (request.method() != beast::http::verb::get && request.method() != beast::http::verb::post)
    return json_response(405, {{"error", "invalid_request"}, {"error_description", "Method not allowed"}});
  if (target.param("api-version").empty())
    return json_response(400, {{"error", "invalid_request"},
                               {"error_description", "Required query variable 'api-version' is missing"}});
  const auto resource = target.param("resource");
  if (resource.empty())
    return json_response(400, {{"error", "invalid_request"},
                               {"error_description", "Required query variable 'resource' is missing"}});
  std::string resource_id = target.param("msi_res_id");
  if (resource_id.empty()) resource_id = target.param("mi_res_id");
  const ManagedIdentity* identity =
      directory_.find_managed_identity(target.param("client_id"), target.param("object_id"), resource_id);
  if (!identity)
    return json_response(400, {{"error", "invalid_request"}, {"error_description", "Identity not found"}});
  auto access_token = tokens_.issue(directory_.principal_of(*identity), resource,
                                    settings_.managed_identity_token_lifetime);
  if (!access_token)
    // Signing fails only on a resource that is not valid text: the caller's error.
    return json_response(400, {{"error", "invalid_resource"}, {"error_description", "The resource is not valid"}});
  const auto now = unix_seconds(now_());
  const auto lifetime = settings_.managed_identity_token_lifetime.count();
  return json_response(200, {{"access_token", *access_token},
                             {"refresh_token", ""},
                             {"expires_in", std::to_string(lifetime)},
                             {"expires_on", std::to_string(now + lifetime)},
                             {"ext_expires_in", std::to_string(lifetime)},
                             {"not_before", std::to_string(now)},
                             {"resource", resource},
                             {"token_type", "Bearer"},
                             {"client_id", identity->client_id}});
}

}  // namespace aci::emulator
