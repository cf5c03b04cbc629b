#pragma once
// Blocking plain-HTTP requests for tests that poke a process's own endpoints
// (/metrics, /readyz). Not for production code: the daemon uses aci::http::HttpClient.

#include <chrono>
#include <string>

namespace aci::testing {

struct PlainResponse {
  unsigned status = 0;  // 0 when the request failed
  std::string body;
  std::string error;
};

PlainResponse plain_http(const std::string& method, const std::string& host, unsigned short port,
                         const std::string& target, const std::string& body = "",
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace aci::testing
