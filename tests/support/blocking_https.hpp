#pragma once
// Blocking HTTPS requests for process-level tests against azure-emulator: one
// connection per request, the peer verified against a given CA file and host name
// (sent as SNI too), so tests see exactly what a strict client sees, including a
// connection dropped without an answer. Not for production code.

#include <chrono>
#include <map>
#include <string>

namespace aci::testing {

struct HttpsResponse {
  unsigned status = 0;  // 0: no answer (see error)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // transport failure, e.g. "end of stream" for a dropped connection
  std::chrono::milliseconds elapsed{0};

  std::string header(const std::string& name) const;
};

struct HttpsRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::map<std::string, std::string> headers;
  std::string host;  // Host header and SNI; default "127.0.0.1"
};

HttpsResponse https_request(unsigned short port, const std::string& ca_file, const HttpsRequest& request,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Raw bytes over TLS (for malformed requests); returns what the server sent back before closing.
std::string https_raw(unsigned short port, const std::string& ca_file, const std::string& bytes,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace aci::testing
