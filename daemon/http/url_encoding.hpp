#pragma once
// The URL pieces Azure requests need: percent-encoding of path segments and query
// values (RFC 3986 unreserved characters pass), application/x-www-form-urlencoded
// bodies for the token endpoints, endpoint templates such as
// "https://{vault}.vault.azure.net", and a same-origin check for URLs that servers
// hand back (nextLink, Azure-AsyncOperation) before a bearer token is sent to them.

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aci::http {

std::string percent_encode(std::string_view text);

// "a=1&b=x%20y", in the order given.
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// Replaces each "{name}" with values.at(name); an unknown placeholder is left as it is.
std::string expand_template(std::string_view pattern, const std::map<std::string, std::string>& values);

// True when both are absolute http(s) URLs with the same scheme, host and port.
bool same_origin(std::string_view a, std::string_view b);

// Joins a base URL ("https://host" or "https://host/prefix/") and a path ("/x"), with one slash between.
std::string join_url(std::string_view base, std::string_view path);

// The URL without its query string: what may appear in logs.
std::string_view without_query(std::string_view url);

}  // namespace aci::http
