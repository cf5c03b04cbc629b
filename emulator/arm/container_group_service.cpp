#include "emulator/arm/container_group_service.hpp"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <cctype>
#include <exception>
#include <stdexcept>
#include <utility>

#include "emulator/arm/arm_request_path.hpp"
#include "emulator/arm/iso_timestamp.hpp"

namespace aci::emulator {
namespace {

using arm::ArmError;
using arm::ArmOperation;
using arm::ArmRequestPath;
using arm::ContainerGroupRecord;
using arm::ContainerGroupSpec;
using nlohmann::json;
namespace beast_http = boost::beast::http;

constexpr const char* kJson = "application/json; charset=utf-8";
// Json.NET's default reader depth, which ACI inherits; it also keeps our own
// recursive JSON handling far from the stack limit.
constexpr int kMaxJsonDepth = 64;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

http::ServerResponse json_response(unsigned status, const json& body) {
  // Names from the path may hold any bytes; never let one make dump() throw.
  return http::make_response(status, body.dump(-1, ' ', false, json::error_handler_t::replace), kJson);
}

http::ServerResponse error_response(const ArmError& error) { return json_response(error.status, error.body()); }

http::ServerResponse empty_response(unsigned status) {
  auto response = http::make_response(status, "");
  response.erase(beast_http::field::content_type);
  return response;
}

ArmError invalid_content(const std::string& detail) {
  return ArmError{400, "InvalidRequestContent",
                  "The request content was invalid and could not be deserialized: '" + detail + "'."};
}

std::optional<ArmError> check_json_depth(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) {
        return invalid_content("The reader's MaxDepth of " + std::to_string(kMaxJsonDepth) + " has been exceeded");
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return std::nullopt;
}

// ARM accepts JSON bodies only; a body without Content-Type is read as JSON.
Expected<json, ArmError> read_json_body(const http::ServerRequest& request) {
  auto content_type = request[beast_http::field::content_type];
  if (!content_type.empty()) {
    std::string media = lower(trim(content_type.substr(0, content_type.find(';'))));
    if (media != "application/json" && media != "text/json") {
      return unexpected(ArmError{415, "UnsupportedMediaType",
                                 "The content media type '" + std::string(content_type) +
                                     "' is not supported. Only 'application/json' is supported."});
    }
  }
  const std::string& body = request.body();
  if (trim(body).empty()) {
    return unexpected(invalid_content("Unexpected end when deserializing object. Path '', line 1, position 0"));
  }
  if (auto error = check_json_depth(body)) return unexpected(*error);
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    std::size_t line = 1;
    std::size_t position = 0;
    std::size_t end = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, body.size());
    for (std::size_t i = 0; i < end; ++i) {
      if (body[i] == '\n') {
        ++line;
        position = 0;
      } else {
        ++position;
      }
    }
    return unexpected(invalid_content("Unexpected character encountered while parsing value. Path '', line " +
                                      std::to_string(line) + ", position " + std::to_string(position + 1)));
  }
}

// ACI's rule for group names, with the published spec's ban on "--".
bool valid_group_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return name.front() != '-' && name.back() != '-' && name.find("--") == std::string::npos;
}

// ARM's resource group rule: 1-90 letters (any script), digits, '-', '_', '.',
// '(' or ')', not ending in '.'.
std::optional<ArmError> check_resource_group_name(const std::string& name) {
  std::string invalid;
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    bool ok = std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '(' || c == ')' || u >= 0x80;
    if (!ok && invalid.find(c) == std::string::npos) invalid += c;
  }
  if (!invalid.empty()) {
    return ArmError{400, "InvalidResourceGroup",
                    "The provided resource group name '" + name + "' has these invalid characters: '" + invalid +
                        "'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'."};
  }
  if (name.empty() || name.size() > 90 || name.back() == '.') {
    return ArmError{400, "InvalidResourceGroup",
                    "Resource group names only allow up to 90 characters and cannot end in a period."};
  }
  return std::nullopt;
}

std::string to_hex(std::string_view text) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    out += digits[u >> 4];
    out += digits[u & 0xF];
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto value = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int high = value(text[i]);
    int low = value(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

ArmError not_found(const std::string& name, const std::string& resource_group) {
  return ArmError{404, "ResourceNotFound",
                  "The Resource 'Microsoft.ContainerInstance/containerGroups/" + name + "' under resource group '" +
                      resource_group + "' was not found. For more details please go to "
                                       "https://aka.ms/ARMResourceNotFoundFix"};
}

ArmError transitioning(const std::string& name) {
  return ArmError{409, "ContainerGroupTransitioning",
                  "The container group '" + name + "' is still transitioning, please retry later."};
}

ArmError method_not_allowed(const http::ServerRequest& request) {
  return ArmError{405, "MethodNotAllowed",
                  "The requested resource does not support http method '" + std::string(request.method_string()) +
                      "'."};
}

}  // namespace

struct ContainerGroupService::Call {
  const http::ServerRequest& request;
  const std::string& base_url;
  TimePoint now;
  ArmRequestPath path;
  std::string api_version;
  Subscription* subscription = nullptr;
  const ResourceGroup* resource_group = nullptr;
  std::string group_key;

  std::string operation_url(const std::string& segment, const ArmOperation& operation) const {
    return base_url + "/subscriptions/" + subscription->id + "/providers/Microsoft.ContainerInstance/locations/" +
           operation.location + "/" + segment + "/" + operation.id + "?api-version=" + api_version;
  }
};

ContainerGroupService::ContainerGroupService(NowFunction now, const ImagePullChecker& pulls, ArmSettings settings)
    : now_(std::move(now)), pulls_(pulls), settings_(std::move(settings)) {
  std::uint64_t seed = settings_.random_seed;
  if (seed == 0) {
    std::random_device device;
    seed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  random_.seed(seed);
  if (settings_.page_size == 0) settings_.page_size = 1;
}

http::ServerResponse ContainerGroupService::handle(const http::ServerRequest& request, const std::string& base_url) {
  std::string request_id;
  http::ServerResponse response;
  try {
    std::lock_guard lock(mutex_);
    request_id = new_guid();
    Call call{request, base_url, now_(), ArmRequestPath::parse(request.target()), {}, nullptr, nullptr, {}};
    forget_deleted(call.now);
    response = route(call);
  } catch (const std::exception&) {
    // A bug, not bad input: answer as ARM does for its own failures.
    response = error_response(ArmError{500, "InternalServerError", "Encountered internal server error."});
  }
  if (request_id.empty()) request_id = "00000000-0000-0000-0000-000000000000";
  response.set("x-ms-request-id", request_id);
  auto correlation = request["x-ms-correlation-request-id"];
  response.set("x-ms-correlation-request-id", correlation.empty() ? request_id : std::string(correlation));
  auto client_request_id = request["x-ms-client-request-id"];
  if (!client_request_id.empty()) response.set("x-ms-client-request-id", std::string(client_request_id));
  return response;
}

http::ServerResponse ContainerGroupService::route(Call& call) {
  using Kind = ArmRequestPath::Kind;
  const ArmRequestPath& path = call.path;
  call.api_version = path.param("api-version");

  if (path.kind != Kind::unknown) {
    if (call.api_version.empty()) {
      return error_response(ArmError{400, "MissingApiVersionParameter",
                                     "The api-version query parameter (?api-version=) is required for all requests."});
    }
    const auto& versions = settings_.api_versions;
    if (std::find(versions.begin(), versions.end(), call.api_version) == versions.end()) {
      std::string supported;
      for (const auto& version : versions) supported += (supported.empty() ? "" : ", ") + version;
      return error_response(ArmError{400, "InvalidApiVersionParameter",
                                     "The api-version '" + call.api_version +
                                         "' is invalid. The supported versions are '" + supported + "'."});
    }
  }
  if (path.kind == Kind::unknown) {
    return error_response(ArmError{404, "InvalidResourceType",
                                   "The resource type could not be found for path '" + path.path +
                                       "' in the namespace 'Microsoft.ContainerInstance'."});
  }

  auto subscription = subscriptions_.find(lower(path.subscription));
  if (subscription == subscriptions_.end()) {
    return error_response(
        ArmError{404, "SubscriptionNotFound", "The subscription '" + path.subscription + "' could not be found."});
  }
  call.subscription = &subscription->second;

  if (!path.resource_group.empty() && path.kind != Kind::operation_status) {
    if (auto error = check_resource_group_name(path.resource_group)) return error_response(*error);
    auto group = call.subscription->resource_groups.find(lower(path.resource_group));
    if (group == call.subscription->resource_groups.end()) {
      return error_response(ArmError{404, "ResourceGroupNotFound",
                                     "Resource group '" + path.resource_group + "' could not be found."});
    }
    call.resource_group = &group->second;
    call.group_key = lower(path.subscription) + "/" + lower(path.resource_group) + "/" + lower(path.name);
  }

  const auto method = call.request.method();
  using boost::beast::http::verb;
  switch (path.kind) {
    case Kind::subscription_groups:
    case Kind::resource_group_groups:
      if (method == verb::get) return list_groups(call);
      break;
    case Kind::group:
      if (method == verb::put) return put_group(call);
      if (method == verb::get) return get_group(call);
      if (method == verb::patch) return patch_group(call);
      if (method == verb::delete_) return delete_group(call);
      break;
    case Kind::group_action:
      if (method == verb::post) return group_action(call);
      break;
    case Kind::container_logs:
      if (method == verb::get) return container_logs(call);
      break;
    case Kind::operation_status:
      if (method == verb::get) return operation_status(call);
      break;
    case Kind::operation_result:
      if (method == verb::get) return operation_result(call);
      break;
    case Kind::unknown: break;
  }
  return error_response(method_not_allowed(call.request));
}

http::ServerResponse ContainerGroupService::put_group(Call& call) {
  auto body = read_json_body(call.request);
  if (!body) return error_response(body.error());
  const std::string& name = call.path.name;
  if (!valid_group_name(name)) {
    return error_response(ArmError{400, "InvalidContainerGroupName",
                                   "The container group name '" + name +
                                       "' is invalid. The container group name must contain no more than 63 "
                                       "characters and must match the regex '^(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$' "
                                       "(e.g. 'my-name')."});
  }
  auto parsed = ContainerGroupSpec::parse(*body, name, call.api_version);
  if (!parsed) return error_response(parsed.error());
  ContainerGroupSpec spec = std::move(parsed).value();

  auto existing = groups_.find(call.group_key);
  if (existing != groups_.end()) {
    ContainerGroupRecord& record = existing->second;
    if (record.deleting() || record.transitioning(call.now)) return error_response(transitioning(record.name()));
    if (spec.location() != record.spec().location()) {
      return error_response(ArmError{
          400, "InvalidResourceLocation",
          "The resource '" + record.name() + "' already exists in location '" + record.spec().location() +
              "' in resource group '" + record.resource_group() +
              "'. A resource with the same name cannot be created in location '" + spec.location() +
              "'. Please select a new resource name."});
    }
    if (auto error = spec.immutable_change_from(record.spec(), record.name())) return error_response(*error);
  }

  PullVerdict verdict = check_pulls(spec, name);
  if (settings_.validate_images_on_put && verdict.synchronous_error) {
    return error_response(*verdict.synchronous_error);
  }

  const bool created = existing == groups_.end();
  if (created) {
    bool is_public = spec.properties().contains("ipAddress") &&
                     spec.properties().at("ipAddress").value("type", "") == "Public";
    std::string ip = allocate_ip(is_public);
    existing = groups_
                   .emplace(call.group_key, ContainerGroupRecord(call.subscription->id, call.resource_group->name,
                                                                 name, std::move(spec), std::move(ip)))
                   .first;
  } else {
    existing->second.replace_spec(std::move(spec));
  }
  ContainerGroupRecord& record = existing->second;
  ArmOperation& operation =
      start_operation(call, created ? "create" : "update", call.group_key, record.spec().location(),
                      call.now + settings_.provisioning_duration, verdict.first_error);
  record.deploy(created ? arm::DeploymentKind::create : arm::DeploymentKind::update, call.now, timing(),
                verdict.failures, verdict.first_error);
  record.set_deployment_operation(operation.id);

  auto response = json_response(created ? 201 : 200, record.render(call.now, call.api_version, false));
  response.set("Azure-AsyncOperation", call.operation_url("operations", operation));
  if (settings_.retry_after.count() > 0) response.set("Retry-After", std::to_string(settings_.retry_after.count()));
  return response;
}

http::ServerResponse ContainerGroupService::get_group(Call& call) {
  auto found = groups_.find(call.group_key);
  if (found == groups_.end()) return error_response(not_found(call.path.name, call.path.resource_group));
  return json_response(200, found->second.render(call.now, call.api_version, false));
}

http::ServerResponse ContainerGroupService::patch_group(Call& call) {
  auto found = groups_.find(call.group_key);
  if (found == groups_.end()) return error_response(not_found(call.path.name, call.path.resource_group));
  auto body = read_json_body(call.request);
  if (!body) return error_response(body.error());
  if (!body->is_object()) return error_response(invalid_content("Error converting value to type 'Resource'. Path ''"));
  ContainerGroupRecord& record = found->second;
  if (record.deleting()) return error_response(transitioning(record.name()));
  if (body->contains("tags")) {
    const json& tags = body->at("tags");
    if (!tags.is_null() && !tags.is_object()) {
      return error_response(invalid_content("Error converting value to type 'Dictionary`2'. Path 'tags'"));
    }
    if (tags.is_object()) {
      for (const auto& [key, value] : tags.items()) {
        if (!value.is_string()) {
          return error_response(
              invalid_content("Error converting value to type 'System.String'. Path 'tags." + key + "'"));
        }
      }
    }
    // Tags only: no restart, no new deployment.
    record.set_tags(tags);
  }
  return json_response(200, record.render(call.now, call.api_version, false));
}

http::ServerResponse ContainerGroupService::delete_group(Call& call) {
  auto found = groups_.find(call.group_key);
  if (found == groups_.end()) return empty_response(204);
  ContainerGroupRecord& record = found->second;
  auto async_answer = [&](const ArmOperation& operation) {
    auto response = empty_response(202);
    response.set("Azure-AsyncOperation", call.operation_url("operations", operation));
    response.set("Location", call.operation_url("operationResults", operation));
    if (settings_.retry_after.count() > 0) response.set("Retry-After", std::to_string(settings_.retry_after.count()));
    return response;
  };
  if (record.deleting()) {
    auto operation = operations_.find(record.deletion_operation());
    if (operation != operations_.end()) return async_answer(operation->second);
    return empty_response(202);
  }
  // Whatever deployment was running ends now, as Canceled.
  auto deployment = operations_.find(record.deployment_operation());
  if (deployment != operations_.end()) deployment->second.cancel(call.now);

  if (settings_.deletion_duration.count() <= 0) {
    json body = record.render(call.now, call.api_version, false);
    groups_.erase(found);
    return json_response(200, body);
  }
  ArmOperation& operation = start_operation(call, "delete", call.group_key, record.spec().location(),
                                            call.now + settings_.deletion_duration, std::nullopt);
  record.begin_delete(call.now, operation.finishes, operation.id);
  return async_answer(operation);
}

http::ServerResponse ContainerGroupService::group_action(Call& call) {
  auto found = groups_.find(call.group_key);
  if (found == groups_.end()) return error_response(not_found(call.path.name, call.path.resource_group));
  ContainerGroupRecord& record = found->second;
  const std::string& action = call.path.action;
  if (record.deleting()) return error_response(transitioning(record.name()));

  if (action == "stop") {
    if (record.transitioning(call.now)) return error_response(transitioning(record.name()));
    record.stop(call.now);
    return empty_response(204);
  }
  if (action == "start" && !record.stopped()) {
    // Already running or on its way there.
    return empty_response(204);
  }
  if (record.transitioning(call.now)) return error_response(transitioning(record.name()));

  // A restart of a stopped group starts it.
  const bool starting = record.stopped();
  PullVerdict verdict = check_pulls(record.spec(), record.name());
  ArmOperation& operation = start_operation(call, starting ? "start" : "restart", call.group_key,
                                            record.spec().location(), call.now + settings_.provisioning_duration,
                                            verdict.first_error);
  record.deploy(starting ? arm::DeploymentKind::start : arm::DeploymentKind::restart, call.now, timing(),
                verdict.failures, verdict.first_error);
  record.set_deployment_operation(operation.id);
  auto response = empty_response(202);
  response.set("Azure-AsyncOperation", call.operation_url("operations", operation));
  response.set("Location", call.operation_url("operationResults", operation));
  if (settings_.retry_after.count() > 0) response.set("Retry-After", std::to_string(settings_.retry_after.count()));
  return response;
}

http::ServerResponse ContainerGroupService::list_groups(Call& call) {
  std::string prefix = lower(call.path.subscription) + "/";
  if (call.resource_group) prefix += lower(call.path.resource_group) + "/";
  std::string after = prefix;
  if (auto token = call.path.query.find("$skiptoken"); token != call.path.query.end()) {
    auto decoded = from_hex(token->second);
    if (!decoded || decoded->rfind(prefix, 0) != 0) {
      return error_response(ArmError{400, "InvalidQueryParameterValue",
                                     "The value '" + token->second + "' of query parameter '$skiptoken' is invalid."});
    }
    after = *decoded;
  }
  json items = json::array();
  std::string last;
  auto it = groups_.upper_bound(after);
  for (; it != groups_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    if (items.size() == settings_.page_size) break;
    items.push_back(it->second.render(call.now, call.api_version, true));
    last = it->first;
  }
  json body{{"value", std::move(items)}};
  if (it != groups_.end() && it->first.rfind(prefix, 0) == 0) {
    body["nextLink"] = call.base_url + call.path.path + "?api-version=" + call.api_version +
                       "&$skiptoken=" + to_hex(last);
  }
  return json_response(200, body);
}

http::ServerResponse ContainerGroupService::container_logs(Call& call) {
  auto found = groups_.find(call.group_key);
  if (found == groups_.end()) return error_response(not_found(call.path.name, call.path.resource_group));
  for (const auto& image : found->second.spec().images()) {
    if (image.container == call.path.container) return json_response(200, json{{"content", ""}});
  }
  return error_response(ArmError{404, "ContainerNotFound",
                                 "The container '" + call.path.container + "' could not be found in container group '" +
                                     found->second.name() + "'."});
}

http::ServerResponse ContainerGroupService::operation_status(Call& call) {
  auto found = operations_.find(call.path.operation_id);
  if (found == operations_.end() || found->second.subscription != lower(call.path.subscription)) {
    return error_response(ArmError{404, "OperationNotFound",
                                   "The operation '" + call.path.operation_id + "' could not be found."});
  }
  return json_response(200, found->second.status_body(call.now));
}

http::ServerResponse ContainerGroupService::operation_result(Call& call) {
  auto found = operations_.find(call.path.operation_id);
  if (found == operations_.end() || found->second.subscription != lower(call.path.subscription)) {
    return error_response(ArmError{404, "OperationNotFound",
                                   "The operation '" + call.path.operation_id + "' could not be found."});
  }
  const ArmOperation& operation = found->second;
  if (!operation.done(call.now)) {
    auto response = empty_response(202);
    response.set("Location", call.operation_url("operationResults", operation));
    if (settings_.retry_after.count() > 0) response.set("Retry-After", std::to_string(settings_.retry_after.count()));
    return response;
  }
  if (operation.canceled) {
    return error_response(ArmError{409, "OperationCanceled", "The operation was canceled."});
  }
  if (operation.failure) return error_response(*operation.failure);
  return empty_response(204);
}

std::string ContainerGroupService::new_guid() {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  std::uint64_t bits[2] = {random_(), random_()};
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    unsigned nibble = static_cast<unsigned>((bits[i / 16] >> ((i % 16) * 4)) & 0xF);
    if (i == 12) nibble = 4;             // version 4
    if (i == 16) nibble = 8 | (nibble & 3);  // RFC 4122 variant
    out += hex[nibble];
  }
  return out;
}

std::string ContainerGroupService::allocate_ip(bool is_public) {
  std::uint64_t n = next_ip_++;
  std::uint64_t host = n % 254 + 1;
  std::uint64_t mid = (n / 254) % 256;
  std::uint64_t high = (n / (std::uint64_t{254} * 256)) % 256;
  if (is_public) {
    return "20." + std::to_string(high) + "." + std::to_string(mid) + "." + std::to_string(host);
  }
  return "10." + std::to_string(high) + "." + std::to_string(mid) + "." + std::to_string(host);
}

ArmOperation& ContainerGroupService::start_operation(Call& call, const std::string& kind,
                                                     const std::string& group_key, const std::string& location,
                                                     TimePoint finishes, std::optional<ArmError> failure) {
  ArmOperation operation;
  operation.id = new_guid();
  operation.subscription = lower(call.subscription->id);
  operation.location = location;
  operation.kind = kind;
  operation.group_key = group_key;
  operation.started = call.now;
  operation.finishes = finishes;
  operation.failure = std::move(failure);
  // Forget the oldest finished operations; one still running is never dropped.
  while (operation_order_.size() >= settings_.max_operations && !operation_order_.empty()) {
    auto oldest = operations_.find(operation_order_.front());
    if (oldest != operations_.end() && !oldest->second.done(call.now)) break;
    if (oldest != operations_.end()) operations_.erase(oldest);
    operation_order_.pop_front();
  }
  operation_order_.push_back(operation.id);
  return operations_.insert_or_assign(operation.id, std::move(operation)).first->second;
}

ContainerGroupService::PullVerdict ContainerGroupService::check_pulls(const ContainerGroupSpec& spec,
                                                                      const std::string& group_name) const {
  PullVerdict verdict;
  for (const auto& image : spec.images()) {
    const std::string registry = arm::registry_of(image.image);
    const RegistryCredential* credential = nullptr;
    for (const auto& candidate : spec.credentials) {
      if (lower(candidate.server) == registry) credential = &candidate;
    }
    const bool with_identity = credential && !credential->identity.empty();
    // After a reload the password is unknown; the last PUT proved it, so trust it.
    if (credential && !with_identity && !spec.passwords_retained) continue;
    auto reason = pulls_.check(image.image, spec.credentials);
    if (!reason) continue;
    verdict.failures.emplace(image.container, *reason);
    ArmError error{400, "InaccessibleImage",
                   "The image '" + image.image + "' in container group '" + group_name +
                       "' is not accessible. Please check the image and registry credential."};
    if (!verdict.first_error) verdict.first_error = error;
    if (!with_identity && !verdict.synchronous_error) verdict.synchronous_error = error;
  }
  return verdict;
}

arm::DeploymentTiming ContainerGroupService::timing() const {
  return arm::DeploymentTiming{settings_.provisioning_duration,
                               std::min(settings_.container_start_duration, settings_.provisioning_duration)};
}

void ContainerGroupService::forget_deleted(TimePoint now) {
  std::erase_if(groups_, [&](const auto& entry) { return entry.second.deleted(now); });
}

void ContainerGroupService::seed(const json& subscriptions) {
  if (!subscriptions.is_array()) throw std::invalid_argument("ARM seed: subscriptions must be a list");
  std::lock_guard lock(mutex_);
  std::map<std::string, Subscription> seeded = seeded_;
  for (const auto& item : subscriptions) {
    if (!item.is_object() || !item.contains("id") || !item.at("id").is_string() ||
        item.at("id").get<std::string>().empty()) {
      throw std::invalid_argument("ARM seed: every subscription needs a string id");
    }
    const std::string id = item.at("id").get<std::string>();
    Subscription& subscription = seeded[lower(id)];
    if (subscription.id.empty()) subscription.id = id;
    if (!item.contains("resourceGroups")) continue;
    if (!item.at("resourceGroups").is_array()) {
      throw std::invalid_argument("ARM seed: resourceGroups of subscription " + id + " must be a list");
    }
    for (const auto& group : item.at("resourceGroups")) {
      if (!group.is_object() || !group.contains("name") || !group.at("name").is_string()) {
        throw std::invalid_argument("ARM seed: every resource group of subscription " + id + " needs a name");
      }
      const std::string name = group.at("name").get<std::string>();
      if (auto error = check_resource_group_name(name)) {
        throw std::invalid_argument("ARM seed: " + error->message);
      }
      std::string location;
      if (group.contains("location")) {
        if (!group.at("location").is_string()) {
          throw std::invalid_argument("ARM seed: location of resource group " + name + " must be a string");
        }
        location = arm::normalize_location(group.at("location").get<std::string>());
      }
      subscription.resource_groups.insert_or_assign(lower(name), ResourceGroup{name, location});
    }
  }
  seeded_ = seeded;
  for (const auto& [key, subscription] : seeded) {
    Subscription& live = subscriptions_[key];
    if (live.id.empty()) live.id = subscription.id;
    for (const auto& [group_key, group] : subscription.resource_groups) live.resource_groups[group_key] = group;
  }
}

json ContainerGroupService::save() const {
  std::lock_guard lock(mutex_);
  json subscriptions = json::array();
  for (const auto& [key, subscription] : subscriptions_) {
    (void)key;
    json groups = json::array();
    for (const auto& [group_key, group] : subscription.resource_groups) {
      (void)group_key;
      groups.push_back(json{{"name", group.name}, {"location", group.location}});
    }
    subscriptions.push_back(json{{"id", subscription.id}, {"resourceGroups", std::move(groups)}});
  }
  json groups = json::array();
  for (const auto& [key, record] : groups_) {
    (void)key;
    groups.push_back(record.to_state());
  }
  json operations = json::array();
  for (const auto& id : operation_order_) {
    auto found = operations_.find(id);
    if (found != operations_.end()) operations.push_back(found->second.to_state());
  }
  return json{{"version", 1},
              {"subscriptions", std::move(subscriptions)},
              {"containerGroups", std::move(groups)},
              {"operations", std::move(operations)},
              {"nextIp", next_ip_}};
}

void ContainerGroupService::load(const json& state) {
  std::map<std::string, Subscription> subscriptions;
  std::map<std::string, ContainerGroupRecord> groups;
  std::map<std::string, ArmOperation> operations;
  std::deque<std::string> order;
  std::uint64_t next_ip = 1;
  // An empty object is a state file written before any ARM state existed: an empty world.
  const bool empty_world = state.is_object() && state.empty();
  try {
    if (!empty_world && (!state.is_object() || state.value("version", 0) != 1)) {
      throw std::invalid_argument("unsupported ARM state version");
    }
    for (const auto& item : state.value("subscriptions", json::array())) {
      Subscription subscription;
      subscription.id = item.at("id").get<std::string>();
      for (const auto& group : item.at("resourceGroups")) {
        std::string name = group.at("name").get<std::string>();
        subscription.resource_groups.insert_or_assign(lower(name), ResourceGroup{name, group.value("location", "")});
      }
      subscriptions.insert_or_assign(lower(subscription.id), std::move(subscription));
    }
    for (const auto& item : state.value("containerGroups", json::array())) {
      ContainerGroupRecord record = ContainerGroupRecord::from_state(item);
      std::string key = lower(record.subscription()) + "/" + lower(record.resource_group()) + "/" + lower(record.name());
      groups.insert_or_assign(std::move(key), std::move(record));
    }
    for (const auto& item : state.value("operations", json::array())) {
      ArmOperation operation = ArmOperation::from_state(item);
      order.push_back(operation.id);
      operations.insert_or_assign(operation.id, std::move(operation));
    }
    if (!empty_world) next_ip = state.value("nextIp", std::uint64_t{1});
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("ARM state: ") + e.what());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("ARM state: ") + e.what());
  }
  std::lock_guard lock(mutex_);
  for (auto& [key, subscription] : subscriptions) {
    Subscription& live = subscriptions_[key];
    if (live.id.empty()) live.id = subscription.id;
    for (auto& [group_key, group] : subscription.resource_groups) live.resource_groups[group_key] = group;
  }
  groups_ = std::move(groups);
  operations_ = std::move(operations);
  operation_order_ = std::move(order);
  next_ip_ = std::max<std::uint64_t>(next_ip, 1);
}

void ContainerGroupService::reset() {
  std::lock_guard lock(mutex_);
  subscriptions_ = seeded_;
  groups_.clear();
  operations_.clear();
  operation_order_.clear();
  next_ip_ = 1;
}

json ContainerGroupService::snapshot() const {
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  json groups = json::array();
  for (const auto& [key, record] : groups_) {
    (void)key;
    if (!record.deleted(now)) groups.push_back(record.render(now, "2023-05-01", false));
  }
  json operations = json::array();
  for (const auto& id : operation_order_) {
    auto found = operations_.find(id);
    if (found == operations_.end()) continue;
    json entry = found->second.status_body(now);
    entry["kind"] = found->second.kind;
    operations.push_back(std::move(entry));
  }
  return json{{"containerGroups", std::move(groups)}, {"operations", std::move(operations)}};
}

}  // namespace aci::emulator
