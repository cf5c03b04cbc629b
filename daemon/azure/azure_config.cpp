#include "daemon/azure/azure_config.hpp"



namespace aci::azure {

namespace {

const std::string kImds = "http://169.254.169.254/metadata/identity/oauth2/token";

}  // namespace

std::string_view to_string(AzureCloud cloud) {
  switch (cloud) {
    case AzureCloud::public_cloud: return "AzurePublic";
    case AzureCloud::us_government: return "AzureUSGovernment";
    case AzureCloud::china: return "AzureChina";
    case AzureCloud::custom: return "Custom";
  }
  return "AzurePublic";
}

std::string_view to_string(CredentialType type) {
  switch (type) {
    case CredentialType::default_chain: return "Default";
    case CredentialType::client_secret: return "ClientSecret";
    case CredentialType::client_certificate: return "ClientCertificate";
    case CredentialType::workload_identity: return "WorkloadIdentity";
    case CredentialType::managed_identity: return "ManagedIdentity";
  }
  return "Default";
}

AzureEndpoints endpoints_for(AzureCloud cloud) {
  switch (cloud) {
    case AzureCloud::public_cloud:
      return {"https://login.microsoftonline.com", "https://management.azure.com", "https://management.azure.com",
              "https://graph.microsoft.com",       "https://graph.microsoft.com",  "https://{vault}.vault.azure.net",
              "https://vault.azure.net",           "https://{server}",             kImds};
    case AzureCloud::us_government:
      return {"https://login.microsoftonline.us",
              "https://management.usgovcloudapi.net",
              "https://management.usgovcloudapi.net",
              "https://graph.microsoft.us",
              "https://graph.microsoft.us",
              "https://{vault}.vault.usgovcloudapi.net",
              "https://vault.usgovcloudapi.net",
              "https://{server}",
              kImds};
    case AzureCloud::china:
      return {"https://login.chinacloudapi.cn",
              "https://management.chinacloudapi.cn",
              "https://management.chinacloudapi.cn",
              "https://microsoftgraph.chinacloudapi.cn",
              "https://microsoftgraph.chinacloudapi.cn",
              "https://{vault}.vault.azure.cn",
              "https://vault.azure.cn",
              "https://{server}",
              kImds};
    case AzureCloud::custom: return {"", "", "", "", "", "", "", "https://{server}", kImds};
  }
  return {};
}

}  // namespace aci::azure
