#include "emulator/registry/registry_service.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/crypto/base64.hpp"
#include "emulator/iso_time.hpp"
#include "emulator/json_response.hpp"

namespace aci::emulator {
namespace {

namespace beast = boost::beast;
using nlohmann::json;
constexpr const char* kAnonymousUser = "00000000-0000-0000-0000-000000000000";
constexpr auto kRefreshLifetime = std::chrono::hours(3);
constexpr auto kAccessLifetime = std::chrono::minutes(75);
const char* const kManifestType = "application/vnd.docker.distribution.manifest.v2+json";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string header(const http::ServerRequest& request, beast::http::field field) {
  const auto value = request[field];
  return std::string(value.data(), value.size());
}

http::ServerResponse registry_error(unsigned status, const std::string& code, const std::string& message,
                                    const json& detail = nullptr) {
  auto response = json_response(status, {{"errors", json::array({{{"code", code}, {"message", message}, {"detail", detail}}})}});
  response.set("Docker-Distribution-API-Version", "registry/2.0");
  return response;
}

// The base the client reached this registry at, so challenges point somewhere it can fetch.
std::string request_base(const Registry& registry, const http::ServerRequest& request) {
  const std::string host = header(request, beast::http::field::host);
  if (host.empty()) return "https://" + registry.login_server;
  const std::string host_name = lower(host.substr(0, host.rfind(':') == std::string::npos || host.front() == '['
                                                         ? host.size()
                                                         : host.rfind(':')));
  if (host_name == lower(registry.login_server)) return "https://" + host;
  return "https://" + host + "/acr/" + registry.name;
}

http::ServerResponse challenge(const Registry& registry, const http::ServerRequest& request, const std::string& scope,
                               const std::string& message = "authentication required") {
  auto response = registry_error(401, "UNAUTHORIZED", message,
                                 scope.empty() ? json(nullptr)
                                               : json::array({{{"Type", "repository"}, {"Action", "pull"}}}));
  std::string value = "Bearer realm=\"" + request_base(registry, request) + "/oauth2/token\",service=\"" +
                      registry.login_server + "\"";
  if (!scope.empty()) value += ",scope=\"" + scope + "\"";
  response.set(beast::http::field::www_authenticate, value);
  return response;
}

std::string manifest_body(const std::string& repository, const std::string& tag) {
  const std::string config_digest = "sha256:" + sha256_hex("config " + repository + ":" + tag);
  const std::string layer_digest = "sha256:" + sha256_hex("layer " + repository + ":" + tag);
  return json{{"schemaVersion", 2},
              {"mediaType", kManifestType},
              {"config", {{"mediaType", "application/vnd.docker.container.image.v1+json"}, {"size", 1472}, {"digest", config_digest}}},
              {"layers", json::array({{{"mediaType", "application/vnd.docker.image.rootfs.diff.tar.gzip"},
                                       {"size", 2811478},
                                       {"digest", layer_digest}}})}}
      .dump();
}

struct ImageReference {
  std::string server;
  std::string repository;
  std::string reference;  // tag or digest
};

ImageReference parse_image(const std::string& image) {
  ImageReference out;
  std::string rest = image;
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    const std::string first = rest.substr(0, slash);
    if (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost") {
      out.server = lower(first);
      rest = rest.substr(slash + 1);
    }
  }
  if (out.server.empty()) out.server = "docker.io";
  const auto at = rest.find('@');
  if (at != std::string::npos) {
    out.repository = rest.substr(0, at);
    out.reference = rest.substr(at + 1);
    return out;
  }
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find('/', colon) == std::string::npos) {
    out.repository = rest.substr(0, colon);
    out.reference = rest.substr(colon + 1);
  } else {
    out.repository = rest;
    out.reference = "latest";
  }
  return out;
}

std::string pull_failure(const std::string& image, const std::string& reason) {
  return "Failed to pull image \"" + image + "\": rpc error: code = Unknown desc = failed to pull and unpack image \"" +
         image + "\": failed to resolve reference \"" + image + "\": " + reason;
}

std::string access_scope_repository(const std::string& scope) {
  // "repository:<name>:pull[,push]"
  if (scope.rfind("repository:", 0) != 0) return {};
  const auto last = scope.rfind(':');
  if (last <= 11) return {};
  return scope.substr(11, last - 11);
}

}  // namespace

RegistryService::RegistryService(NowFunction now, Directory& directory, TokenService& tokens)
    : now_(std::move(now)), directory_(directory), tokens_(tokens) {}

const Registry* RegistryService::find(const std::string& name_or_login_server) const {
  const auto key = lower(name_or_login_server);
  for (const auto& registry : registries_)
    if (lower(registry.name) == key || lower(registry.login_server) == key) return &registry;
  return nullptr;
}

Expected<Ok, std::string> RegistryService::seed(const json& registries) {
  if (!registries.is_array()) return unexpected(std::string("'registries' must be a list"));
  std::vector<Registry> added;
  for (const auto& r : registries) {
    if (!r.is_object() || !r.contains("name") || !r["name"].is_string())
      return unexpected(std::string("every registry needs a 'name'"));
    Registry registry;
    registry.name = r["name"].get<std::string>();
    if (registry.name.size() < 5 || registry.name.size() > 50 ||
        !std::all_of(registry.name.begin(), registry.name.end(), [](unsigned char c) { return std::isalnum(c); }))
      return unexpected("registry name '" + registry.name + "' must be 5-50 letters and digits");
    if (find(registry.name)) return unexpected("registry '" + registry.name + "' is defined twice");
    registry.login_server = lower(r.value("loginServer", lower(registry.name) + ".azurecr.io"));
    const std::string subscription = r.value("subscription", "00000000-0000-0000-0000-000000000000");
    const std::string group = r.value("resourceGroup", "registries");
    registry.resource_id = "/subscriptions/" + subscription + "/resourceGroups/" + group +
                           "/providers/Microsoft.ContainerRegistry/registries/" + registry.name;
    registry.anonymous_pull = r.value("anonymousPull", false);
    for (const auto& image : r.value("images", json::array())) {
      if (image.is_string()) {
        const auto ref = parse_image("x.io/" + image.get<std::string>());
        registry.repositories[ref.repository][ref.reference] = "sha256:" + sha256_hex(manifest_body(ref.repository, ref.reference));
      } else if (image.is_object() && image.contains("repository") && image["repository"].is_string()) {
        const auto repository = image["repository"].get<std::string>();
        auto& tags = registry.repositories[repository];
        for (const auto& tag : image.value("tags", json::array({"latest"})))
          if (tag.is_string()) tags[tag.get<std::string>()] = "sha256:" + sha256_hex(manifest_body(repository, tag.get<std::string>()));
      } else {
        return unexpected("registry '" + registry.name + "': an image is 'repo:tag' or {repository, tags}");
      }
    }
    added.push_back(std::move(registry));
  }
  for (auto& registry : added) registries_.push_back(std::move(registry));
  return Ok{};
}

bool RegistryService::may_pull(const Registry& registry, const std::string& principal_id) const {
  for (const char* role : {"AcrPull", "AcrPush", "Contributor", "Owner"})
    if (directory_.has_role(principal_id, role, registry.resource_id)) return true;
  return false;
}

std::optional<RegistryService::Caller> RegistryService::authenticate(const Registry& registry,
                                                                     const http::ServerRequest& request,
                                                                     const std::string& repository) const {
  const std::string authorization = header(request, beast::http::field::authorization);
  if (authorization.rfind("Basic ", 0) == 0) {
    auto decoded = crypto::base64_decode(authorization.substr(6));
    if (!decoded) return std::nullopt;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    const std::string user = decoded->substr(0, colon);
    const std::string password = decoded->substr(colon + 1);
    if (user == kAnonymousUser) {
      // docker login with an ACR refresh token.
      auto claims = tokens_.verify_claims(password);
      if (!claims || claims->value("aud", "") != registry.login_server || claims->value("grant_type", "") != "refresh_token")
        return std::nullopt;
      return Caller{claims->value("sub", ""), claims->value("appid", "")};
    }
    auto principal = directory_.check_password(user, password);
    if (!principal) return std::nullopt;
    return Caller{principal->object_id, principal->app_id};
  }
  if (authorization.rfind("Bearer ", 0) == 0) {
    auto claims = tokens_.verify_claims(authorization.substr(7));
    if (!claims || claims->value("aud", "") != registry.login_server) return std::nullopt;
    const auto grant = claims->value("grant_type", "");
    if (grant != "access_token" && grant != "refresh_token") return std::nullopt;
    if (!repository.empty()) {
      bool granted = false;
      for (const auto& access : claims->value("access", json::array()))
        if (access.value("name", "") == repository && access.value("type", "") == "repository") granted = true;
      if (!granted) return std::nullopt;
    }
    return Caller{claims->value("sub", ""), claims->value("appid", "")};
  }
  return std::nullopt;
}

std::string RegistryService::route_name(const http::ServerRequest& request, const RequestTarget& target) {
  const std::string method(request.method_string());
  const auto& s = target.segments;
  if (s.size() >= 2 && s[0] == "oauth2") return method + " acr/oauth2/" + s[1];
  if (s.size() >= 3 && s[s.size() - 2] == "manifests") return method + " acr/manifests";
  if (s.size() >= 3 && s[s.size() - 2] == "tags") return method + " acr/tags";
  if (s.size() == 2 && s[1] == "_catalog") return method + " acr/catalog";
  return method + " acr/v2";
}

http::ServerResponse RegistryService::handle(const std::string& name, const std::string& path,
                                             const http::ServerRequest& request) {
  const Registry* registry = find(name);
  if (!registry) return registry_error(404, "NAME_UNKNOWN", "registry '" + name + "' is not hosted by the emulator");
  const auto target = parse_request_target(path);
  const auto& s = target.segments;
  const auto method = request.method();
  const bool read = method == beast::http::verb::get || method == beast::http::verb::head;

  if (s.size() == 2 && s[0] == "oauth2" && s[1] == "exchange") {
    if (method != beast::http::verb::post) return registry_error(405, "UNSUPPORTED", "use POST");
    return exchange(*registry, request);
  }
  if (s.size() == 2 && s[0] == "oauth2" && s[1] == "token") return token(*registry, request, target);
  if (s.empty() || s[0] != "v2") return registry_error(404, "NOT_FOUND", "unknown path");
  if (!read) return registry_error(405, "UNSUPPORTED", "the emulator serves pulls only");

  if (s.size() == 1) {
    auto caller = authenticate(*registry, request, "");
    if (!caller || !may_pull(*registry, caller->object_id)) return challenge(*registry, request, "");
    auto response = json_response(200, json::object());
    response.set("Docker-Distribution-API-Version", "registry/2.0");
    return response;
  }
  if (s.size() == 2 && s[1] == "_catalog") {
    auto caller = authenticate(*registry, request, "");
    if (!caller || !may_pull(*registry, caller->object_id)) return challenge(*registry, request, "registry:catalog:*");
    json repositories = json::array();
    for (const auto& [repository, tags] : registry->repositories) repositories.push_back(repository);
    return json_response(200, {{"repositories", repositories}});
  }
  if (s.size() < 4) return registry_error(404, "NOT_FOUND", "unknown path");
  const std::string kind = s[s.size() - 2];
  std::string repository;
  for (std::size_t i = 1; i + 2 < s.size(); ++i) repository += (repository.empty() ? "" : "/") + s[i];
  const std::string scope = "repository:" + repository + ":pull";
  if (kind != "manifests" && !(kind == "tags" && s.back() == "list"))
    return registry_error(404, "NOT_FOUND", "unknown path");
  auto caller = authenticate(*registry, request, repository);
  const bool anonymous_ok = registry->anonymous_pull && header(request, beast::http::field::authorization).empty();
  if (!anonymous_ok && (!caller || !may_pull(*registry, caller->object_id))) return challenge(*registry, request, scope);
  auto repo = registry->repositories.find(repository);
  if (repo == registry->repositories.end())
    return registry_error(404, "NAME_UNKNOWN", "repository name not known to registry",
                          json{{"name", repository}});
  if (kind == "tags") {
    json tags = json::array();
    for (const auto& [tag, digest] : repo->second) tags.push_back(tag);
    return json_response(200, {{"name", repository}, {"tags", tags}});
  }
  const std::string& reference = s.back();
  std::string tag;
  for (const auto& [candidate, digest] : repo->second)
    if (candidate == reference || digest == reference) tag = candidate;
  if (tag.empty())
    return registry_error(404, "MANIFEST_UNKNOWN", "manifest tagged by \"" + reference + "\" is not found",
                          json{{"Tag", reference}});
  auto response = http::make_response(200, manifest_body(repository, tag), kManifestType);
  response.set("Docker-Content-Digest", repo->second.at(tag));
  response.set("Docker-Distribution-API-Version", "registry/2.0");
  if (method == beast::http::verb::head) {
    response.prepare_payload();
    response.body().clear();
    response.content_length(manifest_body(repository, tag).size());
  }
  return response;
}

http::ServerResponse RegistryService::exchange(const Registry& registry, const http::ServerRequest& request) {
  const auto form = parse_form(request.body());
  if (form_value(form, "grant_type") != "access_token")
    return registry_error(400, "UNSUPPORTED", "grant_type must be access_token");
  const auto service = form_value(form, "service");
  if (!service.empty() && lower(service) != registry.login_server)
    return registry_error(400, "UNSUPPORTED", "service does not name this registry");
  const auto access_token = form_value(form, "access_token");
  auto claims = tokens_.validate_token(access_token, "https://management.azure.com");
  if (!claims) claims = tokens_.validate_token(access_token, "https://containerregistry.azure.net");
  if (!claims) return registry_error(401, "UNAUTHORIZED", "the access token is invalid: " + describe(claims.error()));
  const auto now = unix_seconds(now_());
  auto refresh = tokens_.sign_claims({{"jti", sha256_hex(access_token).substr(0, 32)},
                                      {"sub", claims->object_id},
                                      {"appid", claims->app_id},
                                      {"tenant", claims->tenant_id},
                                      {"iss", "Azure Container Registry"},
                                      {"aud", registry.login_server},
                                      {"nbf", now},
                                      {"iat", now},
                                      {"exp", now + std::chrono::duration_cast<std::chrono::seconds>(kRefreshLifetime).count()},
                                      {"grant_type", "refresh_token"}});
  if (!refresh) return registry_error(500, "UNKNOWN", "the token could not be signed");
  return json_response(200, {{"refresh_token", *refresh}});
}

http::ServerResponse RegistryService::token(const Registry& registry, const http::ServerRequest& request,
                                            const RequestTarget& target) {
  std::optional<Caller> caller;
  std::string scope;
  std::string service;
  if (request.method() == beast::http::verb::get) {
    scope = target.param("scope");
    service = target.param("service");
    caller = authenticate(registry, request, "");
  } else if (request.method() == beast::http::verb::post) {
    const auto form = parse_form(request.body());
    scope = form_value(form, "scope");
    service = form_value(form, "service");
    const auto grant_type = form_value(form, "grant_type");
    if (grant_type == "refresh_token") {
      auto claims = tokens_.verify_claims(form_value(form, "refresh_token"));
      if (claims && claims->value("aud", "") == registry.login_server && claims->value("grant_type", "") == "refresh_token")
        caller = Caller{claims->value("sub", ""), claims->value("appid", "")};
    } else if (grant_type == "password") {
      if (auto principal = directory_.check_password(form_value(form, "username"), form_value(form, "password")))
        caller = Caller{principal->object_id, principal->app_id};
    } else {
      return registry_error(400, "UNSUPPORTED", "grant_type must be refresh_token or password");
    }
  } else {
    return registry_error(405, "UNSUPPORTED", "use GET or POST");
  }
  if (!service.empty() && lower(service) != registry.login_server)
    return registry_error(400, "UNSUPPORTED", "service does not name this registry");
  if (!caller) {
    auto response = registry_error(401, "UNAUTHORIZED", "authentication required");
    response.set(beast::http::field::www_authenticate,
                 "Basic realm=\"" + request_base(registry, request) + "/oauth2/token\"");
    return response;
  }
  json access = json::array();
  const auto repository = access_scope_repository(scope);
  // As ACR does, a caller without a pull role still gets a token, just one granting nothing.
  if (!repository.empty() && may_pull(registry, caller->object_id))
    access.push_back({{"type", "repository"}, {"name", repository}, {"actions", json::array({"pull"})}});
  const auto now = unix_seconds(now_());
  auto signed_token = tokens_.sign_claims({{"sub", caller->object_id},
                                           {"appid", caller->app_id},
                                           {"iss", "Azure Container Registry"},
                                           {"aud", registry.login_server},
                                           {"nbf", now},
                                           {"iat", now},
                                           {"exp", now + std::chrono::duration_cast<std::chrono::seconds>(kAccessLifetime).count()},
                                           {"grant_type", "access_token"},
                                           {"access", access}});
  if (!signed_token) return registry_error(500, "UNKNOWN", "the token could not be signed");
  return json_response(200, {{"access_token", *signed_token}});
}

std::optional<std::string> RegistryService::check(const std::string& image,
                                                  const std::vector<RegistryCredential>& credentials) const {
  const auto ref = parse_image(image);
  const Registry* registry = find(ref.server);
  if (!registry) return std::nullopt;  // not ours: public registries always pull
  bool authorized = registry->anonymous_pull;
  bool had_credential = false;
  for (const auto& credential : credentials) {
    if (lower(credential.server) != registry->login_server) continue;
    had_credential = true;
    std::string principal_id;
    if (!credential.identity.empty()) {
      if (const auto* identity = directory_.find_managed_identity({}, {}, credential.identity))
        principal_id = identity->principal_id;
    } else if (auto principal = directory_.check_password(credential.username, credential.password)) {
      principal_id = principal->object_id;
    }
    if (!principal_id.empty() && may_pull(*registry, principal_id)) authorized = true;
  }
  if (!authorized) {
    return pull_failure(image, had_credential
                                   ? "failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized"
                                   : "failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized");
  }
  auto repo = registry->repositories.find(ref.repository);
  bool found = false;
  if (repo != registry->repositories.end())
    for (const auto& [tag, digest] : repo->second)
      if (tag == ref.reference || digest == ref.reference) found = true;
  if (!found) return pull_failure(image, registry->login_server + "/" + ref.repository + ":" + ref.reference + ": not found");
  return std::nullopt;
}

json RegistryService::save() const {
  json out = json::array();
  for (const auto& registry : registries_) {
    json repositories = json::object();
    for (const auto& [repository, tags] : registry.repositories) repositories[repository] = tags;
    out.push_back({{"name", registry.name},
                   {"loginServer", registry.login_server},
                   {"resourceId", registry.resource_id},
                   {"anonymousPull", registry.anonymous_pull},
                   {"repositories", repositories}});
  }
  return out;
}

Expected<Ok, std::string> RegistryService::load(const json& state) {
  if (!state.is_array()) return unexpected(std::string("registry state must be a list"));
  std::vector<Registry> loaded;
  try {
    for (const auto& r : state) {
      Registry registry;
      registry.name = r.at("name").get<std::string>();
      registry.login_server = r.at("loginServer").get<std::string>();
      registry.resource_id = r.at("resourceId").get<std::string>();
      registry.anonymous_pull = r.value("anonymousPull", false);
      const json repositories = r.value("repositories", json::object());
      for (const auto& [repository, tags] : repositories.items())
        registry.repositories[repository] = tags.get<std::map<std::string, std::string>>();
      loaded.push_back(std::move(registry));
    }
  } catch (const json::exception& error) {
    return unexpected(std::string("registry state is malformed: ") + error.what());
  }
  registries_ = std::move(loaded);
  return Ok{};
}

}  // namespace aci::emulator
