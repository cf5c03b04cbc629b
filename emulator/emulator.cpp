#include "emulator/emulator.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <cctype>

#include "emulator/iso_time.hpp"
#include "emulator/json_response.hpp"
#include "emulator/seed/world_seed.hpp"

namespace aci::emulator {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using nlohmann::json;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string header(const http::ServerRequest& request, std::string_view name) {
  const auto value = request[beast::string_view(name.data(), name.size())];
  return std::string(value.data(), value.size());
}

// Host header without port; IPv6 literals keep their brackets.
std::string host_name(const http::ServerRequest& request) {
  std::string host = lower(header(request, "Host"));
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
  const auto colon = host.rfind(':');
  return colon == std::string::npos ? host : host.substr(0, colon);
}

// Everything after the first `count` path segments of the raw target, query included.
std::string target_after_segments(std::string_view target, std::size_t count) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < count; ++i) {
    pos = target.find('/', pos + 1);
    if (pos == std::string_view::npos) {
      const auto question = target.find('?');
      return question == std::string_view::npos ? "/" : "/" + std::string(target.substr(question));
    }
  }
  std::string rest(target.substr(pos));
  if (rest.empty() || rest[0] == '?') rest = "/" + rest;
  return rest;
}

OperationKind kind_of(beast::http::verb method) {
  switch (method) {
    case beast::http::verb::get:
    case beast::http::verb::head: return OperationKind::read;
    case beast::http::verb::delete_: return OperationKind::remove;
    default: return OperationKind::write;
  }
}

// "PUT containerGroups", "GET containerGroups (list)", "POST containerGroups/restart", "GET operations".
std::string arm_route(const http::ServerRequest& request, const std::vector<std::string>& s) {
  const std::string method(request.method_string());
  std::size_t providers = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (lower(s[i]) == "providers") providers = i;
  if (providers == 0 || providers + 2 >= s.size()) {
    if (s.size() <= 2) return method + " subscriptions";
    return method + " " + s[s.size() % 2 == 1 ? s.size() - 1 : s.size() - 2];
  }
  // After providers/{namespace}: type, name, type, name, ... [action]
  const std::size_t first = providers + 2;
  const std::size_t remaining = s.size() - first;
  const std::string& type = s[first + ((remaining - 1) / 2) * 2];
  if (remaining % 2 == 1) {
    // Ends at a collection, or at an action after a name.
    if (remaining >= 3) return method + " " + s[first + remaining - 3] + "/" + s.back();
    return method + " " + type + " (list)";
  }
  return method + " " + type;
}

std::string keyvault_route(const http::ServerRequest& request, const std::string& rest) {
  const auto target = parse_request_target(rest);
  const auto& s = target.segments;
  std::string name = std::string(request.method_string()) + " " + (s.empty() ? "vault" : s[0]);
  if (s.size() >= 3 && (s[2] == "versions" || s[2] == "recover" || s[2] == "backup")) name += "/" + s[2];
  if (s.size() == 1) name += " (list)";
  return name;
}

}  // namespace

std::string service_name(Route::Service service) {
  switch (service) {
    case Route::Service::admin: return "admin";
    case Route::Service::arm: return "arm";
    case Route::Service::identity: return "identity";
    case Route::Service::imds: return "imds";
    case Route::Service::graph: return "graph";
    case Route::Service::keyvault: return "keyvault";
    case Route::Service::acr: return "acr";
    case Route::Service::unknown: return "unknown";
  }
  return "unknown";
}

Route classify(const http::ServerRequest& request) {
  Route route;
  const std::string_view raw_target(request.target().data(), request.target().size());
  const auto target = parse_request_target(raw_target);
  const auto& s = target.segments;
  const std::string host = host_name(request);
  const std::string method(request.method_string());

  if (!s.empty() && s[0] == "_emulator") {
    route.service = Route::Service::admin;
    route.route = method + " _emulator/" + (s.size() > 1 ? s[1] : "");
    return route;
  }
  if (ends_with(host, ".vault.azure.net") && host.size() > 16) {
    route.service = Route::Service::keyvault;
    route.name = host.substr(0, host.size() - 16);
    route.rest = raw_target.empty() ? "/" : std::string(raw_target);
  } else if (ends_with(host, ".azurecr.io") && host.size() > 11) {
    route.service = Route::Service::acr;
    route.name = host;
    route.rest = raw_target.empty() ? "/" : std::string(raw_target);
  } else if (s.size() >= 2 && s[0] == "keyvault") {
    route.service = Route::Service::keyvault;
    route.name = s[1];
    route.rest = target_after_segments(raw_target, 2);
  } else if (s.size() >= 2 && s[0] == "acr") {
    route.service = Route::Service::acr;
    route.name = s[1];
    route.rest = target_after_segments(raw_target, 2);
  } else if (host == "graph.microsoft.com" || (!s.empty() && s[0] == "v1.0")) {
    route.service = Route::Service::graph;
    route.route = GraphService::route_name(request, target);
    return route;
  } else if (s.size() >= 2 && s[0] == "metadata" && s[1] == "identity") {
    route.service = Route::Service::imds;
    route.route = method + " imds-token";
    return route;
  } else if (host == "management.azure.com" || (!s.empty() && lower(s[0]) == "subscriptions")) {
    route.service = Route::Service::arm;
    if (s.size() >= 2) route.subscription = lower(s[1]);
    route.route = arm_route(request, s);
    return route;
  } else if (host == "login.microsoftonline.com" || IdentityService::owns(target)) {
    route.service = Route::Service::identity;
    route.route = IdentityService::route_name(request, target);
    return route;
  } else {
    route.route = method + " unknown";
    return route;
  }
  if (route.service == Route::Service::keyvault) route.route = keyvault_route(request, route.rest);
  if (route.service == Route::Service::acr)
    route.route = RegistryService::route_name(request, parse_request_target(route.rest));
  return route;
}

json redact_secrets(json document) {
  static const char* const secret_keys[] = {"value", "password", "secureValue", "secretText", "secretSha256",
                                            "client_secret"};
  if (document.is_object()) {
    for (auto it = document.begin(); it != document.end(); ++it) {
      const bool secret = std::any_of(std::begin(secret_keys), std::end(secret_keys),
                                      [&](const char* key) { return it.key() == key; });
      if (secret && !it->is_null() && !it->is_object() && !it->is_array()) {
        *it = "<redacted>";
      } else {
        *it = redact_secrets(std::move(*it));
      }
    }
  } else if (document.is_array()) {
    for (auto& item : document) item = redact_secrets(std::move(item));
  }
  return document;
}

Emulator::Emulator(asio::any_io_executor executor, NowFunction now, crypto::KeyAndCertificate token_signing,
                   EmulatorOptions options)
    : executor_(std::move(executor)),
      now_(std::move(now)),
      options_(std::move(options)),
      random_(options_.random_seed),
      directory_(now_, random_, options_.propagation_delay),
      tokens_(now_, random_, std::move(token_signing)),
      identity_(now_, random_, directory_, tokens_, options_.identity),
      graph_(now_, random_, directory_, tokens_),
      registries_(now_, directory_, tokens_),
      arm_(now_, registries_, options_.arm),
      vaults_(now_, tokens_, options_.base_url),
      faults_(now_, random_) {
  if (!options_.state_file.empty()) state_file_.emplace(options_.state_file);
}

Expected<Ok, std::string> Emulator::seed(const json& document) {
  seed_ = document;
  if (document.contains("propagationDelaySeconds") && document["propagationDelaySeconds"].is_number_integer() &&
      !document["propagationDelaySeconds"].is_null()) {
    directory_.set_propagation_delay(std::chrono::seconds(document["propagationDelaySeconds"].get<long>()));
  }
  auto result = apply_seed(document, SeedTargets{directory_, registries_, arm_, vaults_});
  if (result) persist();
  return result;
}

Expected<Ok, std::string> Emulator::reset_world() {
  directory_.reset();
  registries_.reset();
  arm_.reset();
  vaults_.reset();
  counts_.clear();
  return apply_seed(seed_, SeedTargets{directory_, registries_, arm_, vaults_});
}

json Emulator::save() const {
  return {{"version", 1},
          {"savedAt", format_iso8601(now_())},
          {"directory", directory_.save()},
          {"registries", registries_.save()},
          {"arm", arm_.save()},
          {"keyvault", vaults_.save()},
          {"faults", to_json(faults_.settings())}};
}

Expected<Ok, std::string> Emulator::load(const json& state) {
  if (!state.is_object() || state.value("version", 0) != 1) return unexpected(std::string("unsupported state document"));
  // Check every part before changing any, so a bad document leaves the world alone.
  RandomSource scratch_random(1);
  Directory scratch_directory(now_, scratch_random, options_.propagation_delay);
  if (auto ok = scratch_directory.load(state.value("directory", json::object())); !ok) return unexpected(ok.error());
  RegistryService scratch_registries(now_, scratch_directory, tokens_);
  if (auto ok = scratch_registries.load(state.value("registries", json::array())); !ok) return unexpected(ok.error());
  auto faults = parse_fault_settings(state.value("faults", json()));
  if (!faults) return unexpected("faults: " + faults.error());
  try {
    ContainerGroupService scratch_arm(now_, scratch_registries, options_.arm);
    scratch_arm.load(state.value("arm", json::object()));
    KeyVaultService scratch_vaults(now_, tokens_, options_.base_url);
    scratch_vaults.load(state.value("keyvault", json::object()));
    arm_.load(state.value("arm", json::object()));
    vaults_.load(state.value("keyvault", json::object()));
  } catch (const std::exception& error) {
    return unexpected(std::string("stored state: ") + error.what());
  }
  (void)directory_.load(state["directory"]);
  (void)registries_.load(state.value("registries", json::array()));
  faults_.configure(std::move(*faults));
  return Ok{};
}

Expected<bool, std::string> Emulator::restore() {
  if (!state_file_) return false;
  auto stored = state_file_->load();
  if (!stored) return unexpected(stored.error());
  if (!*stored) return false;
  auto loaded = load(**stored);
  if (!loaded) return unexpected(state_file_->path() + ": " + loaded.error());
  return true;
}

void Emulator::persist() {
  if (!state_file_) return;
  auto saved = state_file_->save(save());
  last_persist_error_ = saved ? std::string() : saved.error();
}

asio::awaitable<http::ServerResponse> Emulator::handle(http::ServerRequest& request, const http::RequestContext&) {
  Outcome outcome = process(request);
  if (outcome.latency.count() > 0) {
    asio::steady_timer timer(executor_, outcome.latency);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (outcome.drop_before || outcome.drop_after) throw http::DropConnection{};
  co_return std::move(outcome.response);
}

Emulator::Outcome Emulator::process(const http::ServerRequest& request) {
  Outcome outcome;
  Route route = classify(request);
  if (route.service == Route::Service::admin) {
    outcome.response = admin(request);
    return outcome;
  }
  ++counts_[route.route];
  const auto decision = faults_.decide(service_name(route.service), route.route);
  outcome.latency = decision.latency;
  if (decision.drop_before) {
    outcome.drop_before = true;
    return outcome;
  }
  if (decision.status) {
    outcome.response = fault_response(route, decision);
  } else if (request.body().size() > options_.max_body_bytes) {
    outcome.response = azure_error(413, "RequestEntityTooLarge",
                                   "The request body is larger than the " + std::to_string(options_.max_body_bytes) +
                                       " bytes the emulator accepts.");
  } else {
    try {
      outcome.response = dispatch(request, route);
    } catch (const std::exception&) {
      // A bug in a service, not bad input: answer 500 and keep serving.
      outcome.response = azure_error(500, "InternalServerError", "The emulator failed to process the request.");
    }
  }
  decorate(outcome.response, request, route);
  const auto method = request.method();
  if (method != beast::http::verb::get && method != beast::http::verb::head && outcome.response.result_int() < 400)
    persist();
  outcome.drop_after = decision.drop_after;
  return outcome;
}

http::ServerResponse Emulator::fault_response(const Route& route, const FaultDecision& decision) {
  http::ServerResponse response;
  const unsigned status = *decision.status;
  switch (route.service) {
    case Route::Service::identity:
      response = json_response(status, {{"error", status == 429 ? "temporarily_unavailable" : "server_error"},
                                        {"error_description", "AADSTS90033: " + decision.message},
                                        {"error_codes", json::array({90033})},
                                        {"timestamp", format_iso8601(now_())}});
      break;
    case Route::Service::imds:
      response = json_response(status, {{"error", decision.code}, {"error_description", decision.message}});
      break;
    case Route::Service::acr:
      response = json_response(status, {{"errors", json::array({{{"code", decision.code}, {"message", decision.message},
                                                                 {"detail", nullptr}}})}});
      break;
    default:
      response = azure_error(status, decision.code, decision.message);
  }
  if (decision.retry_after) response.set(beast::http::field::retry_after, std::to_string(decision.retry_after->count()));
  return response;
}

http::ServerResponse Emulator::dispatch(const http::ServerRequest& request, const Route& route) {
  const std::string_view raw_target(request.target().data(), request.target().size());
  switch (route.service) {
    case Route::Service::arm: return arm(request, route);
    case Route::Service::identity:
    case Route::Service::imds: {
      const auto target = parse_request_target(raw_target);
      if (target.segments.empty()) return azure_error(404, "NotFound", "No emulated service at '/'.");
      return identity_.handle(request, target, options_.base_url);
    }
    case Route::Service::graph: return graph_.handle(request, parse_request_target(raw_target));
    case Route::Service::keyvault: return vaults_.handle(route.name, route.rest, request);
    case Route::Service::acr: return registries_.handle(route.name, route.rest, request);
    case Route::Service::admin: return admin(request);
    case Route::Service::unknown: break;
  }
  return azure_error(404, "NotFound",
                     "No emulated service answers '" + std::string(raw_target.substr(0, 200)) + "'. See docs/emulator.md.");
}

http::ServerResponse Emulator::arm(const http::ServerRequest& request, const Route& route) {
  auto claims = tokens_.validate(request, "https://management.azure.com");
  if (!claims) {
    std::string code = "InvalidAuthenticationToken";
    std::string message = "The access token is invalid.";
    switch (claims.error()) {
      case TokenProblem::missing:
        code = "AuthenticationFailed";
        message = "Authentication failed. The 'Authorization' header is missing.";
        break;
      case TokenProblem::expired:
        code = "ExpiredAuthenticationToken";
        message = "The access token expiry UTC time is earlier than current UTC time '" + format_iso8601(now_()) + "'.";
        break;
      case TokenProblem::wrong_audience:
        code = "InvalidAuthenticationTokenAudience";
        message = "The access token has been obtained for wrong audience or resource. It should exactly match with one "
                  "of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net',"
                  "'https://management.azure.com/','https://management.azure.com'.";
        break;
      default: break;
    }
    auto response = azure_error(401, code, message);
    response.set(beast::http::field::www_authenticate,
                 "Bearer authorization_uri=\"" + options_.base_url + "/common\", error=\"invalid_token\", error_description=\"" +
                     message + "\"");
    return response;
  }
  const auto kind = kind_of(request.method());
  auto throttled = faults_.throttle(route.subscription.empty() ? claims->tenant_id : route.subscription, kind);
  http::ServerResponse response;
  if (!throttled.allowed) {
    response = azure_error(429, "TooManyRequests",
                           "The request is being throttled as the limit has been reached for operation type - " +
                               std::string(kind == OperationKind::read ? "Read" : kind == OperationKind::write ? "Write" : "Delete") +
                               "_Subscription. For more information, see https://aka.ms/armthrottling.");
    response.set(beast::http::field::retry_after, std::to_string(throttled.retry_after.count()));
  } else {
    response = arm_.handle(request, options_.base_url);
  }
  const char* header_name = kind == OperationKind::read    ? "x-ms-ratelimit-remaining-subscription-reads"
                            : kind == OperationKind::write ? "x-ms-ratelimit-remaining-subscription-writes"
                                                           : "x-ms-ratelimit-remaining-subscription-deletes";
  response.set(header_name, std::to_string(throttled.remaining));
  response.set("x-ms-ratelimit-remaining-subscription-global-" +
                   std::string(kind == OperationKind::read ? "reads" : kind == OperationKind::write ? "writes" : "deletes"),
               std::to_string(throttled.remaining * 15));
  return response;
}

void Emulator::decorate(http::ServerResponse& response, const http::ServerRequest& request, const Route& route) {
  if (response["x-ms-request-id"].empty()) response.set("x-ms-request-id", random_.guid());
  const auto client_request_id = header(request, "x-ms-client-request-id");
  if (!client_request_id.empty() && client_request_id.size() <= 256 && response["x-ms-client-request-id"].empty())
    response.set("x-ms-client-request-id", client_request_id);
  if (route.service == Route::Service::arm) {
    auto correlation = header(request, "x-ms-correlation-request-id");
    if (correlation.empty() || correlation.size() > 256) correlation = random_.guid();
    if (response["x-ms-correlation-request-id"].empty()) response.set("x-ms-correlation-request-id", correlation);
    if (response["x-ms-routing-request-id"].empty()) {
      std::string stamp = format_iso8601(now_());
      stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':'; }), stamp.end());
      response.set("x-ms-routing-request-id", "WESTEUROPE:" + stamp + ":" + random_.guid());
    }
  }
  if (route.service == Route::Service::graph) {
    response.set("request-id", std::string(response["x-ms-request-id"]));
    const auto graph_client_id = header(request, "client-request-id");
    if (!graph_client_id.empty() && graph_client_id.size() <= 256) response.set("client-request-id", graph_client_id);
  }
}

http::ServerResponse Emulator::admin(const http::ServerRequest& request) {
  const auto target = parse_request_target(std::string_view(request.target().data(), request.target().size()));
  const auto& s = target.segments;
  const auto method = request.method();
  const std::string what = s.size() >= 2 ? s[1] : "";
  auto parse_body = [&]() -> std::optional<json> {
    if (request.body().empty()) return json::object();
    auto parsed = json::parse(request.body(), nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    return parsed;
  };
  if (what == "health" && method == beast::http::verb::get) return json_response(200, {{"status", "ok"}});
  if (what == "requests") {
    if (method == beast::http::verb::delete_) {
      counts_.clear();
      return http::make_response(204, "", "text/plain");
    }
    if (method == beast::http::verb::get) {
      std::uint64_t total = 0;
      for (const auto& [route, count] : counts_) total += count;
      return json_response(200, {{"counts", counts_}, {"total", total}});
    }
  }
  if (what == "state" && method == beast::http::verb::get) {
    json state = save();
    state["keyvault"] = vaults_.describe();
    state["arm"] = arm_.snapshot();
    state["propagationDelaySeconds"] = directory_.propagation_delay().count();
    if (!last_persist_error_.empty()) state["stateFileError"] = last_persist_error_;
    return json_response(200, redact_secrets(std::move(state)));
  }
  if (what == "reset" && method == beast::http::verb::post) {
    auto reset = reset_world();
    persist();
    if (!reset) return azure_error(500, "ResetFailed", reset.error());
    return json_response(200, {{"status", "reset"}});
  }
  if (what == "faults") {
    if (method == beast::http::verb::get) return json_response(200, to_json(faults_.settings()));
    if (method == beast::http::verb::delete_) {
      faults_.configure({});
      persist();
      return json_response(200, to_json(faults_.settings()));
    }
    if (method == beast::http::verb::post || method == beast::http::verb::put) {
      auto body = parse_body();
      if (!body) return azure_error(400, "InvalidRequestContent", "The request body is not valid JSON.");
      auto settings = parse_fault_settings(*body);
      if (!settings) return azure_error(400, "InvalidFaultSettings", settings.error());
      faults_.configure(std::move(*settings));
      persist();
      return json_response(200, to_json(faults_.settings()));
    }
  }
  if (what == "settings") {
    if (method == beast::http::verb::post || method == beast::http::verb::patch) {
      auto body = parse_body();
      if (!body || !body->is_object()) return azure_error(400, "InvalidRequestContent", "The request body is not a JSON object.");
      if (body->contains("propagationDelaySeconds")) {
        const auto& value = (*body)["propagationDelaySeconds"];
        if (!value.is_number_integer() || value.get<long>() < 0)
          return azure_error(400, "InvalidRequestContent", "propagationDelaySeconds must be a non-negative integer.");
        directory_.set_propagation_delay(std::chrono::seconds(value.get<long>()));
      }
      if (body->contains("rejectNewPasswords")) {
        const auto& value = (*body)["rejectNewPasswords"];
        if (!value.is_boolean()) return azure_error(400, "InvalidRequestContent", "rejectNewPasswords must be a boolean.");
        directory_.set_reject_new_passwords(value.get<bool>());
      }
    } else if (method != beast::http::verb::get) {
      return azure_error(405, "MethodNotAllowed", "Use GET or POST.");
    }
    return json_response(200, {{"propagationDelaySeconds", directory_.propagation_delay().count()},
                               {"rejectNewPasswords", directory_.reject_new_passwords()}});
  }
  return azure_error(404, "NotFound",
                     "Admin endpoints: GET health, GET|DELETE requests, GET state, POST reset, GET|POST|DELETE faults, "
                     "GET|POST settings.");
}

}  // namespace aci::emulator
