#pragma once
// The `azure:` section of the daemon's configuration, read into azure::AzureConfig
// (docs/azure.md documents every key). Apart from azure/ so that the Azure clients do
// not depend on the YAML reader.

#include "daemon/azure/azure_config.hpp"
#include "daemon/config/yaml_fields.hpp"

namespace aci::config {

// Reads the mapping under `azure:`. Relative file paths are taken relative to the
// directory of the configuration file. Errors go to fields' error list.
void read_azure_config(YamlFields fields, azure::AzureConfig& out);

}  // namespace aci::config
