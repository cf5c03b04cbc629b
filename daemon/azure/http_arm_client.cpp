#include "daemon/azure/http_arm_client.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/azure/retry_after.hpp"
#include "daemon/azure/url_encoding.hpp"

namespace aci::azure {

namespace beast_http = boost::beast::http;
using json = nlohmann::json;

namespace {

// A server that keeps sending nextLinks forever must not keep us forever.
constexpr int kMaxPages = 10000;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string provisioning_state(const json& body) {
  if (!body.is_object()) return {};
  const auto properties = body.find("properties");
  if (properties == body.end() || !properties->is_object()) return {};
  const auto state = properties->find("provisioningState");
  return state != properties->end() && state->is_string() ? state->get<std::string>() : std::string();
}

AzureError foreign_url(std::string_view what) {
  return AzureError{AzureErrorKind::bad_request, 0, "UntrustedUrl",
                    "ARM returned a " + std::string(what) + " outside the configured resource manager; not followed",
                    {}, {}};
}

AzureError operation_timeout(const ContainerGroupRef& group) {
  return AzureError{AzureErrorKind::timeout, 0, "OperationTimeout",
                    "container group " + group.resource_group + "/" + group.name +
                        ": the operation did not finish before its deadline",
                    {}, {}};
}

AzureError cancelled() {
  return AzureError{AzureErrorKind::cancelled, 0, "Cancelled", "the operation wait was cancelled by shutdown", {}, {}};
}

}  // namespace

std::string terminal_state(std::string_view state) {
  for (const char* terminal : {"Succeeded", "Failed", "Canceled"})
    if (iequals(state, terminal)) return terminal;
  if (iequals(state, "Cancelled")) return "Canceled";
  return {};
}

HttpArmClient::HttpArmClient(AzurePipeline& pipeline, ArmClientOptions options)
    : pipeline_(pipeline), options_(std::move(options)) {
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/') options_.endpoint.pop_back();
}

std::string HttpArmClient::container_group_url(const ContainerGroupRef& group) const {
  return options_.endpoint + "/subscriptions/" + percent_encode(group.subscription_id) + "/resourceGroups/" +
         percent_encode(group.resource_group) + "/providers/Microsoft.ContainerInstance/containerGroups/" +
         percent_encode(group.name) + "?api-version=" + percent_encode(options_.api_version);
}

AzureRequest HttpArmClient::make_request(std::string operation, beast_http::verb method, std::string url,
                                         const std::string& subscription, ArmOperationClass lane) const {
  AzureRequest request;
  request.service = "arm";
  request.operation = std::move(operation);
  request.method = method;
  request.url = std::move(url);
  request.scope = options_.scope;
  request.throttle = ArmLane{subscription, lane};
  request.headers.set(beast_http::field::accept, "application/json");
  return request;
}

AzureError HttpArmClient::error(const http::Response& response) const {
  return error_from_response("arm", response, pipeline_.clock().now());
}

boost::asio::awaitable<Expected<json, AzureError>> HttpArmClient::get_container_group(const ContainerGroupRef& group) {
  auto response = co_await pipeline_.send(make_request("containerGroups.get", beast_http::verb::get,
                                                       container_group_url(group), group.subscription_id,
                                                       ArmOperationClass::read));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status != 200) co_return unexpected(error(*response));
  auto body = json::parse(response->body, nullptr, false);
  if (!body.is_object()) co_return unexpected(malformed_response("arm", "container group is not a JSON object", *response));
  co_return body;
}

boost::asio::awaitable<Expected<std::vector<json>, AzureError>> HttpArmClient::list_container_groups(
    const std::string& subscription_id, const std::string& resource_group) {
  std::vector<json> groups;
  std::string url = options_.endpoint + "/subscriptions/" + percent_encode(subscription_id) + "/resourceGroups/" +
                    percent_encode(resource_group) +
                    "/providers/Microsoft.ContainerInstance/containerGroups?api-version=" +
                    percent_encode(options_.api_version);
  for (int page = 0; page < kMaxPages; ++page) {
    auto response = co_await pipeline_.send(
        make_request("containerGroups.list", beast_http::verb::get, url, subscription_id, ArmOperationClass::read));
    if (!response) co_return unexpected(std::move(response.error()));
    if (response->status != 200) co_return unexpected(error(*response));
    const auto body = json::parse(response->body, nullptr, false);
    if (!body.is_object()) co_return unexpected(malformed_response("arm", "list is not a JSON object", *response));
    if (const auto value = body.find("value"); value != body.end() && value->is_array())
      for (const auto& item : *value) groups.push_back(item);
    const auto next = body.find("nextLink");
    if (next == body.end() || !next->is_string() || next->get_ref<const std::string&>().empty()) co_return groups;
    url = next->get<std::string>();
    if (!same_origin(url, options_.endpoint)) co_return unexpected(foreign_url("nextLink"));
  }
  co_return unexpected(AzureError{AzureErrorKind::server, 0, "TooManyPages",
                                  "container group list did not end after " + std::to_string(kMaxPages) + " pages",
                                  {}, {}});
}

boost::asio::awaitable<Expected<PutResult, AzureError>> HttpArmClient::put_container_group(
    const ContainerGroupRef& group, const json& body) {
  auto request = make_request("containerGroups.put", beast_http::verb::put, container_group_url(group),
                              group.subscription_id, ArmOperationClass::write);
  request.headers.set(beast_http::field::content_type, "application/json");
  request.body = body.dump();
  auto response = co_await pipeline_.send(std::move(request));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status != 200 && response->status != 201) co_return unexpected(error(*response));
  PutResult result;
  result.status = response->status;
  result.body = json::parse(response->body, nullptr, false);
  if (!result.body.is_object()) result.body = json::object();
  result.operation.kind = LongRunningOperation::Kind::put;
  result.operation.group = group;
  result.operation.async_operation_url = response->header("Azure-AsyncOperation");
  result.operation.location_url = response->header("Location");
  result.operation.retry_after = retry_after_from_headers(*response, pipeline_.clock().now());
  result.operation.done = result.operation.async_operation_url.empty() && result.operation.location_url.empty() &&
                          !terminal_state(provisioning_state(result.body)).empty();
  co_return result;
}

boost::asio::awaitable<Expected<DeleteResult, AzureError>> HttpArmClient::delete_container_group(
    const ContainerGroupRef& group) {
  auto response = co_await pipeline_.send(make_request("containerGroups.delete", beast_http::verb::delete_,
                                                       container_group_url(group), group.subscription_id,
                                                       ArmOperationClass::remove));
  if (!response) co_return unexpected(std::move(response.error()));
  DeleteResult result;
  result.operation.kind = LongRunningOperation::Kind::remove;
  result.operation.group = group;
  switch (response->status) {
    case 200:
    case 204:
    case 404:  // already gone: what a delete wants
      result.status = response->status == 404 ? 204 : response->status;
      result.operation.done = true;
      co_return result;
    case 202:
      result.status = 202;
      result.operation.async_operation_url = response->header("Azure-AsyncOperation");
      result.operation.location_url = response->header("Location");
      result.operation.retry_after = retry_after_from_headers(*response, pipeline_.clock().now());
      co_return result;
    default: co_return unexpected(error(*response));
  }
}

boost::asio::awaitable<Expected<json, AzureError>> HttpArmClient::patch_container_group_tags(
    const ContainerGroupRef& group, const std::map<std::string, std::string>& tags) {
  auto request = make_request("containerGroups.patchTags", beast_http::verb::patch, container_group_url(group),
                              group.subscription_id, ArmOperationClass::write);
  request.headers.set(beast_http::field::content_type, "application/json");
  request.body = json{{"tags", tags}}.dump();
  auto response = co_await pipeline_.send(std::move(request));
  if (!response) co_return unexpected(std::move(response.error()));
  if (response->status != 200) co_return unexpected(error(*response));
  auto body = json::parse(response->body, nullptr, false);
  if (!body.is_object()) co_return unexpected(malformed_response("arm", "container group is not a JSON object", *response));
  co_return body;
}

boost::asio::awaitable<Expected<OperationOutcome, AzureError>> HttpArmClient::final_state(
    const LongRunningOperation& operation) {
  OperationOutcome outcome;
  outcome.status = "Succeeded";
  if (operation.kind == LongRunningOperation::Kind::remove) co_return outcome;
  auto resource = co_await get_container_group(operation.group);
  if (!resource) {
    if (resource.error().kind == AzureErrorKind::not_found) co_return outcome;
    co_return unexpected(std::move(resource.error()));
  }
  outcome.resource = std::move(*resource);
  if (const auto state = terminal_state(provisioning_state(outcome.resource)); !state.empty()) outcome.status = state;
  co_return outcome;
}

boost::asio::awaitable<Expected<std::optional<OperationOutcome>, AzureError>> HttpArmClient::poll_once(
    const LongRunningOperation& operation, std::optional<std::chrono::milliseconds>& next_delay) {
  const auto& subscription = operation.group.subscription_id;
  const bool by_operation = !operation.async_operation_url.empty();
  const bool by_location = !by_operation && !operation.location_url.empty();
  std::string url = by_operation ? operation.async_operation_url
                    : by_location ? operation.location_url
                                  : container_group_url(operation.group);
  if ((by_operation || by_location) && !same_origin(url, options_.endpoint))
    co_return unexpected(foreign_url(by_operation ? "Azure-AsyncOperation URL" : "Location URL"));
  auto response = co_await pipeline_.send(make_request(by_operation || by_location ? "operations.poll"
                                                                                   : "containerGroups.get",
                                                       beast_http::verb::get, url, subscription,
                                                       ArmOperationClass::read));
  if (!response) co_return unexpected(std::move(response.error()));
  next_delay = retry_after_from_headers(*response, pipeline_.clock().now());
  const auto body = json::parse(response->body, nullptr, false);

  if (by_operation) {
    if (response->status != 200) co_return unexpected(error(*response));
    const auto status = body.is_object() && body.contains("status") && body["status"].is_string()
                            ? body["status"].get<std::string>()
                            : std::string();
    const auto terminal = terminal_state(status);
    if (terminal.empty()) co_return std::optional<OperationOutcome>();
    if (terminal == "Succeeded") {
      auto outcome = co_await final_state(operation);
      if (!outcome) co_return unexpected(std::move(outcome.error()));
      co_return std::optional<OperationOutcome>(std::move(*outcome));
    }
    OperationOutcome outcome;
    outcome.status = terminal;
    if (const auto failure = body.find("error"); failure != body.end() && failure->is_object()) {
      outcome.error_code = failure->value("code", "");
      outcome.error_message = failure->value("message", "");
    }
    co_return std::optional<OperationOutcome>(std::move(outcome));
  }

  if (by_location) {
    if (response->status == 202) co_return std::optional<OperationOutcome>();
    if (response->status != 200 && response->status != 204) co_return unexpected(error(*response));
    auto outcome = co_await final_state(operation);
    if (!outcome) co_return unexpected(std::move(outcome.error()));
    co_return std::optional<OperationOutcome>(std::move(*outcome));
  }

  // No operation URL: the resource's own provisioningState tells.
  if (operation.kind == LongRunningOperation::Kind::remove) {
    if (response->status == 404) {
      OperationOutcome outcome;
      outcome.status = "Succeeded";
      co_return std::optional<OperationOutcome>(std::move(outcome));
    }
    if (response->status != 200) co_return unexpected(error(*response));
    co_return std::optional<OperationOutcome>();
  }
  if (response->status != 200) co_return unexpected(error(*response));
  const auto terminal = terminal_state(provisioning_state(body));
  if (terminal.empty()) co_return std::optional<OperationOutcome>();
  OperationOutcome outcome;
  outcome.status = terminal;
  outcome.resource = body;
  if (terminal != "Succeeded") outcome.error_code = "ProvisioningState" + terminal;
  co_return std::optional<OperationOutcome>(std::move(outcome));
}

boost::asio::awaitable<Expected<OperationOutcome, AzureError>> HttpArmClient::wait_for_operation(
    const LongRunningOperation& operation, std::chrono::milliseconds timeout) {
  if (operation.done) co_return co_await final_state(operation);
  const auto& clock = pipeline_.clock();
  const auto deadline = clock.steady_now() + timeout;
  auto delay = operation.retry_after.value_or(options_.poll_interval);
  for (;;) {
    const auto now = clock.steady_now();
    if (now >= deadline) co_return unexpected(operation_timeout(operation.group));
    // The last wait is cut to the deadline, so one more poll happens right at it.
    if (!co_await pipeline_.sleep(std::min<core::Duration>(delay, deadline - now))) co_return unexpected(cancelled());
    std::optional<std::chrono::milliseconds> next_delay;
    auto polled = co_await poll_once(operation, next_delay);
    if (!polled) co_return unexpected(std::move(polled.error()));
    if (*polled) co_return std::move(**polled);
    delay = next_delay.value_or(options_.poll_interval);
  }
}

}  // namespace aci::azure
