#pragma once
// Builds the daemon's credential from the `azure.credential` configuration and the
// environment, the way the Azure SDKs' DefaultAzureCredential does: configured values
// first, then AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET,
// AZURE_CLIENT_CERTIFICATE_PATH and AZURE_FEDERATED_TOKEN_FILE. Type Default chains
// environment (secret or certificate) -> workload identity -> managed identity, each
// only when its settings are present (managed identity always). The environment is
// injected so tests do not depend on the process's.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "daemon/azure/azure_config.hpp"
#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/token_source.hpp"

namespace aci::azure {

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the process environment; empty values count as unset.
EnvironmentLookup process_environment();

// The credential, or a message naming what is missing ("ClientSecret needs tenantId
// (or AZURE_TENANT_ID)"). `identity_pipeline` sends the token requests and must
// outlive the result.
Expected<std::unique_ptr<TokenSource>, std::string> make_credential(const AzureConfig& config,
                                                                    AzurePipeline& identity_pipeline,
                                                                    const EnvironmentLookup& environment);

}  // namespace aci::azure
