#pragma once
// The Entra v2 token endpoint as the credentials use it: its URL for an authority and
// tenant, the client-credentials POST through the identity pipeline (retried like an
// idempotent call: a token request changes nothing), and parsing of token responses,
// including IMDS's numbers-as-strings. The form holds secrets or assertions; it is
// never logged, and errors carry only Entra's code and description.

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/azure/azure_pipeline.hpp"
#include "daemon/azure/token_response.hpp"
#include "daemon/azure/token_source.hpp"

namespace aci::azure {

// "https://login.microsoftonline.com/" + "contoso" -> "https://login.microsoftonline.com/contoso/oauth2/v2.0/token"
std::string entra_token_endpoint(std::string_view authority_host, std::string_view tenant);


// POSTs grant_type=client_credentials with `fields` (client_id, scope, secret or
// assertion) to `endpoint`.
boost::asio::awaitable<Expected<AccessToken, AzureError>> request_client_credentials(
    AzurePipeline& pipeline, std::string endpoint, std::vector<std::pair<std::string, std::string>> fields);

// Reads a small text file (secret, token, PEM) whole; trailing newlines are dropped.
// The error names the path, never the content.
Expected<std::string, AzureError> read_credential_file(const std::string& path, std::string_view what);

// The error of a credential that lacks configuration (kind unauthorized, code CredentialUnavailable).
AzureError credential_unavailable(std::string message);

}  // namespace aci::azure
