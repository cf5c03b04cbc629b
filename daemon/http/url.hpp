#pragma once
// Absolute http/https URLs as the client needs them: scheme, host, port and request
// target. Hosts are lower-cased; IPv6 literals are kept without brackets; a missing
// port becomes the scheme's default. User info and control characters are rejected,
// and error messages never echo the query string.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/core/expected.hpp"

namespace aci::http {

// A host and port, as in a URL authority or a connect-to override ("host:port", "[::1]:8443").
struct HostPort {
  std::string host;
  std::uint16_t port = 0;

  // Without `default_port` the port is required.
  static Expected<HostPort, std::string> parse(std::string_view text,
                                               std::optional<std::uint16_t> default_port = std::nullopt);
  bool is_ip_literal() const;
  std::string to_string() const;  // "host:port", an IPv6 host in brackets
};

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;
  std::uint16_t port = 0;
  std::string target;  // path and query, never empty, no fragment

  static Expected<Url, std::string> parse(std::string_view text);

  bool is_tls() const { return scheme == "https"; }
  bool is_ip_literal() const { return HostPort{host, port}.is_ip_literal(); }
  std::string authority() const { return HostPort{host, port}.to_string(); }
  std::string origin() const { return scheme + "://" + authority(); }
  std::string host_header() const;  // the authority, without the port when it is the default
};

}  // namespace aci::http
