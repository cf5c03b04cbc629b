#include "daemon/azure/http_arm_client.hpp"

#include <algorithm>

#include "daemon/azure/arm_wire.hpp"
#include "daemon/http/url_encoding.hpp"

namespace aci::azure {

namespace beast_http = boost::beast::http;
using json = nlohmann::json;

namespace {

// A server that keeps sending nextLinks forever must not keep us forever.
constexpr int kMaxPages = 10000;

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

HttpArmClient::HttpArmClient(AzurePipeline& pipeline, ArmClientOptions options)
    : pipeline_(pipeline), options_(std::move(options)) {
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/') options_.endpoint.pop_back();
}

std::string HttpArmClient::container_group_url(const ContainerGroupRef& group) const {
  return options_.endpoint + "/subscriptions/" + http::percent_encode(group.subscription_id) + "/resourceGroups/" +
         http::percent_encode(group.resource_group) + "/providers/Microsoft.ContainerInstance/containerGroups/" +
         http::percent_encode(group.name) + "?api-version=" + http::percent_encode(options_.api_version);
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
  co_return parse_container_group(*response);
}

boost::asio::awaitable<Expected<std::vector<json>, AzureError>> HttpArmClient::list_container_groups(
    const std::string& subscription_id, const std::string& resource_group) {
  std::vector<json> groups;
  std::string url = options_.endpoint + "/subscriptions/" + http::percent_encode(subscription_id) + "/resourceGroups/" +
                    http::percent_encode(resource_group) +
                    "/providers/Microsoft.ContainerInstance/containerGroups?api-version=" +
                    http::percent_encode(options_.api_version);
  for (int page = 0; page < kMaxPages; ++page) {
    auto response = co_await pipeline_.send(
        make_request("containerGroups.list", beast_http::verb::get, url, subscription_id, ArmOperationClass::read));
    if (!response) co_return unexpected(std::move(response.error()));
    if (response->status != 200) co_return unexpected(error(*response));
    auto parsed = parse_container_group_page(*response);
    if (!parsed) co_return unexpected(std::move(parsed.error()));
    for (auto& group : parsed->groups) groups.push_back(std::move(group));
    if (parsed->next_link.empty()) co_return groups;
    url = std::move(parsed->next_link);
    if (!http::same_origin(url, options_.endpoint)) co_return unexpected(foreign_url("nextLink"));
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
  result.body = put_response_body(*response);
  result.operation.kind = LongRunningOperation::Kind::put;
  result.operation.group = group;
  auto links = operation_links(*response, pipeline_.clock().now());
  result.operation.async_operation_url = std::move(links.async_operation_url);
  result.operation.location_url = std::move(links.location_url);
  result.operation.retry_after = links.retry_after;
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
    case 202: {
      result.status = 202;
      auto links = operation_links(*response, pipeline_.clock().now());
      result.operation.async_operation_url = std::move(links.async_operation_url);
      result.operation.location_url = std::move(links.location_url);
      result.operation.retry_after = links.retry_after;
      co_return result;
    }
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
  co_return parse_container_group(*response);
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
  if ((by_operation || by_location) && !http::same_origin(url, options_.endpoint))
    co_return unexpected(foreign_url(by_operation ? "Azure-AsyncOperation URL" : "Location URL"));
  auto response = co_await pipeline_.send(make_request(by_operation || by_location ? "operations.poll"
                                                                                   : "containerGroups.get",
                                                       beast_http::verb::get, url, subscription,
                                                       ArmOperationClass::read));
  if (!response) co_return unexpected(std::move(response.error()));
  next_delay = operation_links(*response, pipeline_.clock().now()).retry_after;

  if (by_operation) {
    if (response->status != 200) co_return unexpected(error(*response));
    auto status = parse_operation_status(response->body);
    if (status.terminal.empty()) co_return std::optional<OperationOutcome>();
    if (status.terminal == "Succeeded") {
      auto outcome = co_await final_state(operation);
      if (!outcome) co_return unexpected(std::move(outcome.error()));
      co_return std::optional<OperationOutcome>(std::move(*outcome));
    }
    OperationOutcome outcome;
    outcome.status = std::move(status.terminal);
    outcome.error_code = std::move(status.error_code);
    outcome.error_message = std::move(status.error_message);
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
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  const auto terminal = terminal_state(provisioning_state(body));
  if (terminal.empty()) co_return std::optional<OperationOutcome>();
  OperationOutcome outcome;
  outcome.status = terminal;
  outcome.resource = std::move(body);
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
