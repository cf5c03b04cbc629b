#pragma once
// HttpGraphClient: GraphClient over the Azure pipeline, against /v1.0/applications,
// with a bearer token for the configured Graph audience. Borrows the pipeline.

#include <string>

#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/graph_client.hpp"

namespace aci::azure {

struct GraphClientOptions {
  std::string endpoint = "https://graph.microsoft.com";
  std::string scope = "https://graph.microsoft.com/.default";
};

class HttpGraphClient final : public GraphClient {
 public:
  HttpGraphClient(AzurePipeline& pipeline, GraphClientOptions options);

  // GraphClient
  boost::asio::awaitable<Expected<std::vector<PasswordCredential>, AzureError>> list_passwords(
      const std::string& application_object_id) override;
  boost::asio::awaitable<Expected<PasswordCredential, AzureError>> add_password(
      const std::string& application_object_id, const AddPasswordRequest& add) override;
  boost::asio::awaitable<Expected<Ok, AzureError>> remove_password(const std::string& application_object_id,
                                                                  const std::string& key_id) override;

 private:
  std::string application_url(const std::string& object_id) const;

  AzurePipeline& pipeline_;
  GraphClientOptions options_;
};

}  // namespace aci::azure
