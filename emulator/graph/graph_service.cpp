#include "emulator/graph/graph_service.hpp"

#include <algorithm>

#include "emulator/iso_time.hpp"
#include "emulator/json_response.hpp"

namespace aci::emulator {
namespace {

namespace beast = boost::beast;
using nlohmann::json;
constexpr const char* kGraphRoot = "https://graph.microsoft.com/v1.0/";

// "applications(appId='x')" -> {"applications", "x"}; "applications" -> {"applications", ""}.
std::pair<std::string, std::string> split_key(const std::string& segment) {
  const auto open = segment.find("(appId='");
  if (open == std::string::npos || segment.size() < open + 10 || segment.compare(segment.size() - 2, 2, "')") != 0)
    return {segment, ""};
  return {segment.substr(0, open), segment.substr(open + 8, segment.size() - open - 10)};
}

json password_view(const PasswordCredential& p) {
  return {{"customKeyIdentifier", nullptr}, {"displayName", p.display_name}, {"endDateTime", format_iso8601(p.end)},
          {"hint", p.hint},          {"keyId", p.key_id},             {"secretText", nullptr},
          {"startDateTime", format_iso8601(p.start)}};
}

json passwords_view(const std::vector<PasswordCredential>& list) {
  json out = json::array();
  for (const auto& p : list)
    if (!p.removed) out.push_back(password_view(p));
  return out;
}

json application_view(const Application& app) {
  json keys = json::array();
  for (const auto& c : app.certificates)
    keys.push_back({{"customKeyIdentifier", c.thumbprint_sha1}, {"displayName", c.display_name},
                    {"endDateTime", format_iso8601(c.end)}, {"key", nullptr}, {"keyId", c.key_id},
                    {"startDateTime", format_iso8601(c.start)}, {"type", "AsymmetricX509Cert"}, {"usage", "Verify"}});
  return {{"id", app.object_id},
          {"appId", app.app_id},
          {"displayName", app.display_name},
          {"signInAudience", app.sign_in_audience},
          {"passwordCredentials", passwords_view(app.passwords)},
          {"keyCredentials", keys}};
}

json service_principal_view(const Application& app) {
  return {{"id", app.service_principal_id},
          {"appId", app.app_id},
          {"displayName", app.display_name},
          {"servicePrincipalType", "Application"},
          {"accountEnabled", true},
          {"appOwnerOrganizationId", app.tenant_id},
          {"passwordCredentials", passwords_view(app.sp_passwords)},
          {"keyCredentials", json::array()}};
}

json apply_select(json entity, const std::string& select) {
  if (select.empty()) return entity;
  json out = json::object();
  std::size_t pos = 0;
  while (pos <= select.size()) {
    auto end = select.find(',', pos);
    if (end == std::string::npos) end = select.size();
    std::string field = select.substr(pos, end - pos);
    field.erase(0, field.find_first_not_of(' '));
    field.erase(field.find_last_not_of(' ') + 1);
    if (entity.contains(field)) out[field] = entity[field];
    pos = end + 1;
  }
  return out;
}

// Supports the filters clients use to find an app: "appId eq '...'" and "displayName eq '...'".
std::optional<std::pair<std::string, std::string>> parse_filter(const std::string& filter) {
  const auto eq = filter.find(" eq '");
  if (eq == std::string::npos || filter.size() < eq + 6 || filter.back() != '\'') return std::nullopt;
  std::string field = filter.substr(0, eq);
  field.erase(0, field.find_first_not_of(' '));
  if (field != "appId" && field != "displayName" && field != "id") return std::nullopt;
  return std::make_pair(field, filter.substr(eq + 5, filter.size() - eq - 6));
}

}  // namespace

GraphService::GraphService(NowFunction now, RandomSource& random, Directory& directory, const TokenValidator& tokens)
    : now_(std::move(now)), random_(random), directory_(directory), tokens_(tokens) {}

std::string GraphService::route_name(const http::ServerRequest& request, const RequestTarget& target) {
  std::string name = std::string(request.method_string()) + " ";
  const auto& s = target.segments;
  if (s.size() < 2) return name + "graph";
  name += split_key(s[1]).first;
  const std::size_t action_index = split_key(s[1]).second.empty() ? 3 : 2;
  if (s.size() > action_index) name += "/" + s[action_index];
  return name;
}

http::ServerResponse GraphService::error(unsigned status, const std::string& code, const std::string& message,
                                         const http::ServerRequest& request) {
  const auto client_request_id = request["client-request-id"];
  return json_response(status, {{"error",
                                 {{"code", code},
                                  {"message", message},
                                  {"innerError",
                                   {{"date", format_iso8601(now_())},
                                    {"request-id", random_.guid()},
                                    {"client-request-id", std::string(client_request_id)}}}}}});
}

http::ServerResponse GraphService::handle(const http::ServerRequest& request, const RequestTarget& target) {
  auto claims = tokens_.validate(request, "https://graph.microsoft.com");
  if (!claims) {
    const char* message = claims.error() == TokenProblem::missing          ? "Access token is empty."
                          : claims.error() == TokenProblem::expired        ? "Lifetime validation failed, the token is expired."
                          : claims.error() == TokenProblem::wrong_audience ? "Access token validation failure. Invalid audience."
                                                                           : "Access token validation failure.";
    auto response = error(401, "InvalidAuthenticationToken", message, request);
    response.set(beast::http::field::www_authenticate,
                 "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", "
                 "client_id=\"00000003-0000-0000-c000-000000000000\"");
    return response;
  }
  const auto& s = target.segments;
  if (s.size() < 2 || s[0] != "v1.0")
    return error(400, "BadRequest", "Invalid version: only v1.0 is served by the emulator.", request);
  const auto [collection, app_id_key] = split_key(s[1]);
  const bool applications = collection == "applications";
  if (!applications && collection != "servicePrincipals")
    return error(400, "BadRequest", "Resource not found for the segment '" + collection + "'.", request);

  const auto method = request.method();
  // Collection: GET with an optional $filter.
  if (s.size() == 2 && app_id_key.empty()) {
    if (method != beast::http::verb::get)
      return error(405, "Request_BadRequest", "The method is not supported on this collection.", request);
    std::optional<std::pair<std::string, std::string>> filter;
    if (target.has_param("$filter")) {
      filter = parse_filter(target.param("$filter"));
      if (!filter) return error(400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause.", request);
    }
    const bool may_read_all = directory_.has_graph_permission(claims->object_id, "Application.Read.All") ||
                              directory_.has_graph_permission(claims->object_id, "Application.ReadWrite.All");
    json value = json::array();
    for (const auto& app : directory_.applications()) {
      if (!may_read_all && !directory_.may_manage(claims->object_id, app)) continue;
      json view = applications ? application_view(app) : service_principal_view(app);
      if (filter && view.value(filter->first, "") != filter->second) continue;
      value.push_back(apply_select(view, target.param("$select")));
    }
    return json_response(200, {{"@odata.context", std::string(kGraphRoot) + "$metadata#" + collection}, {"value", value}});
  }

  // One entity, by object id or by appId.
  const std::string key = app_id_key.empty() ? s[2] : app_id_key;
  Application* app = !app_id_key.empty() ? directory_.application_by_app_id(key)
                     : applications      ? directory_.application_by_object_id(key)
                                         : directory_.application_by_service_principal_id(key);
  if (!app) {
    return error(404, "Request_ResourceNotFound",
                 "Resource '" + key + "' does not exist or one of its queried reference-property objects are not present.",
                 request);
  }
  const bool may_write = directory_.may_manage(claims->object_id, *app);
  const bool may_read = may_write || directory_.has_graph_permission(claims->object_id, "Application.Read.All");
  if (!may_read)
    return error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", request);

  const std::size_t action_index = app_id_key.empty() ? 3 : 2;
  if (s.size() == action_index) {
    if (method != beast::http::verb::get)
      return error(405, "Request_BadRequest", "The method is not supported on this resource.", request);
    json view = applications ? application_view(*app) : service_principal_view(*app);
    view = apply_select(view, target.param("$select"));
    view["@odata.context"] = std::string(kGraphRoot) + "$metadata#" + collection + "/$entity";
    return json_response(200, view);
  }
  if (s.size() != action_index + 1)
    return error(400, "BadRequest", "Resource not found for the segment '" + s.back() + "'.", request);
  const std::string& action = s[action_index];
  if (action != "addPassword" && action != "removePassword")
    return error(400, "BadRequest", "Resource not found for the segment '" + action + "'.", request);
  if (method != beast::http::verb::post)
    return error(405, "Request_BadRequest", "The method is not supported on '" + action + "'.", request);
  if (!may_write)
    return error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", request);

  json body = json::object();
  if (!request.body().empty()) {
    const auto type = request[beast::http::field::content_type];
    if (std::string_view(type.data(), type.size()).rfind("application/json", 0) != 0)
      return error(415, "Request_BadRequest", "Content-Type must be application/json.", request);
    body = json::parse(request.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
      return error(400, "Request_BadRequest", "Unable to read JSON request payload.", request);
  }
  const bool on_sp = !applications;
  auto& credentials = on_sp ? app->sp_passwords : app->passwords;

  if (action == "removePassword") {
    if (!body.contains("keyId") || !body["keyId"].is_string())
      return error(400, "Request_BadRequest", "Parameter 'keyId' is required.", request);
    if (!directory_.remove_password(*app, on_sp, body["keyId"].get<std::string>()))
      return error(400, "Request_BadRequest",
                   "No password credential found with keyId '" + body["keyId"].get<std::string>() + "'.", request);
    return http::make_response(204, "", "text/plain");
  }

  const json spec = body.value("passwordCredential", json::object());
  if (!spec.is_object()) return error(400, "Request_BadRequest", "Invalid value for 'passwordCredential'.", request);
  std::string display_name;
  std::optional<TimePoint> start, end;
  try {
    if (spec.contains("displayName") && !spec["displayName"].is_null()) display_name = spec["displayName"].get<std::string>();
    for (const auto* field : {"startDateTime", "endDateTime"}) {
      if (!spec.contains(field) || spec[field].is_null()) continue;
      auto parsed = parse_iso8601(spec[field].get<std::string>());
      if (!parsed)
        return error(400, "Request_BadRequest",
                     "Invalid value specified for property '" + std::string(field) + "' of resource 'PasswordCredential'.",
                     request);
      (std::string_view(field) == "startDateTime" ? start : end) = parsed;
    }
  } catch (const json::exception&) {
    return error(400, "Request_BadRequest", "Invalid value for a property of resource 'PasswordCredential'.", request);
  }
  if (start && end && *end <= *start)
    return error(400, "Request_BadRequest",
                 "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.", request);
  if (!start && end && *end <= now_())
    return error(400, "Request_BadRequest",
                 "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.", request);
  if (app->sign_in_audience.find("Personal") != std::string::npos) {
    const auto live = std::count_if(credentials.begin(), credentials.end(), [](const auto& p) { return !p.removed; });
    if (live >= 2)
      return error(400, "Request_BadRequest", "You can only add a maximum of 2 encrypted credentials.", request);
  }
  auto added = directory_.add_password(*app, on_sp, display_name, start, end);
  json view = password_view(added.credential);
  view["secretText"] = added.secret_text;
  view["@odata.context"] = std::string(kGraphRoot) + "$metadata#microsoft.graph.passwordCredential";
  return json_response(200, view);
}

}  // namespace aci::emulator
