#pragma once
// HttpArmClient: ArmClient over the Azure pipeline, so every call gets the retry
// policy, the per-subscription throttle (GET as reads, PUT/PATCH as writes, DELETE
// as deletes) and a bearer token for the resource manager's audience. URLs ARM hands
// back (nextLink, Azure-AsyncOperation, Location) are followed only when they point
// at the configured resource manager, so a token never leaves for another host.
// Borrows the pipeline, which must outlive it; one executor.

#include <string>

#include "daemon/azure/arm_client.hpp"
#include "daemon/azure/arm_wire.hpp"
#include "daemon/azure/azure_pipeline.hpp"

namespace aci::azure {

struct ArmClientOptions {
  std::string endpoint = "https://management.azure.com";  // no trailing slash
  std::string scope = "https://management.azure.com/.default";
  std::string api_version = "2023-05-01";
  std::chrono::milliseconds poll_interval{std::chrono::seconds(5)};
};

class HttpArmClient final : public ArmClient {
 public:
  HttpArmClient(AzurePipeline& pipeline, ArmClientOptions options);

  // ArmClient
  boost::asio::awaitable<Expected<nlohmann::json, AzureError>> get_container_group(
      const ContainerGroupRef& group) override;
  boost::asio::awaitable<Expected<std::vector<nlohmann::json>, AzureError>> list_container_groups(
      const std::string& subscription_id, const std::string& resource_group) override;
  boost::asio::awaitable<Expected<PutResult, AzureError>> put_container_group(const ContainerGroupRef& group,
                                                                            const nlohmann::json& body) override;
  boost::asio::awaitable<Expected<DeleteResult, AzureError>> delete_container_group(
      const ContainerGroupRef& group) override;
  boost::asio::awaitable<Expected<nlohmann::json, AzureError>> patch_container_group_tags(
      const ContainerGroupRef& group, const std::map<std::string, std::string>& tags) override;
  boost::asio::awaitable<Expected<OperationOutcome, AzureError>> wait_for_operation(
      const LongRunningOperation& operation, std::chrono::milliseconds timeout) override;

  std::string container_group_url(const ContainerGroupRef& group) const;

 private:
  AzureRequest make_request(std::string operation, boost::beast::http::verb method, std::string url,
                            const std::string& subscription, ArmOperationClass lane) const;
  AzureError error(const http::Response& response) const;
  // One poll of a pending operation: an outcome when it is terminal, else nullopt
  // with `next_delay` set from the response's Retry-After.
  boost::asio::awaitable<Expected<std::optional<OperationOutcome>, AzureError>> poll_once(
      const LongRunningOperation& operation, std::optional<std::chrono::milliseconds>& next_delay);
  boost::asio::awaitable<Expected<OperationOutcome, AzureError>> final_state(const LongRunningOperation& operation);

  AzurePipeline& pipeline_;
  ArmClientOptions options_;
};

}  // namespace aci::azure
