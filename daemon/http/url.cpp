#include "daemon/http/url.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>

namespace aci::http {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<std::uint16_t> default_port_of(std::string_view scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return std::nullopt;
}

bool is_host_character(unsigned char c) { return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_'; }

Expected<std::uint16_t, std::string> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
    return unexpected("invalid port '" + std::string(text) + "'");
  return static_cast<std::uint16_t>(value);
}

Expected<std::string, std::string> parse_ipv6_literal(std::string_view text) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address_v6(std::string(text), ec);
  if (ec) return unexpected("invalid IPv6 literal '" + std::string(text) + "'");
  return address.to_string();
}

// Splits "[v6]:port" or "name:port" into host text and the port text after ':' (empty if none).
Expected<std::pair<std::string, std::string_view>, std::string> split_host(std::string_view text) {
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return unexpected(std::string("unterminated IPv6 literal"));
    auto host = parse_ipv6_literal(text.substr(1, close - 1));
    if (!host) return unexpected(std::move(host.error()));
    const auto rest = text.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':'))
      return unexpected(std::string("unexpected text after IPv6 literal"));
    return std::pair{std::move(*host), rest.empty() ? rest : rest.substr(1)};
  }
  const auto colon = text.find(':');
  const auto host = text.substr(0, colon);
  if (host.empty()) return unexpected(std::string("empty host"));
  if (!std::all_of(host.begin(), host.end(),
                   [](char c) { return is_host_character(static_cast<unsigned char>(c)); }))
    return unexpected("invalid host '" + std::string(host) + "'");
  const auto port = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
  if (colon != std::string_view::npos && port.empty()) return unexpected(std::string("empty port"));
  return std::pair{lower(host), port};
}

// Path and query with the fragment dropped; rejects bytes that would break the request line.
Expected<std::string, std::string> parse_target(std::string_view text) {
  text = text.substr(0, text.find('#'));
  const bool control = std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
  });
  if (control) return unexpected(std::string("URL path or query contains a space or control character"));
  if (text.empty() || text.starts_with('?')) return "/" + std::string(text);
  return std::string(text);
}

}  // namespace

Expected<HostPort, std::string> HostPort::parse(std::string_view text,
                                                std::optional<std::uint16_t> default_port) {
  auto split = split_host(text);
  if (!split) return unexpected(std::move(split.error()));
  auto& [host, port_text] = *split;
  if (port_text.empty()) {
    if (!default_port) return unexpected("missing port in '" + std::string(text) + "'");
    return HostPort{std::move(host), *default_port};
  }
  auto port = parse_port(port_text);
  if (!port) return unexpected(std::move(port.error()));
  return HostPort{std::move(host), *port};
}

bool HostPort::is_ip_literal() const {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

std::string HostPort::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Expected<Url, std::string> Url::parse(std::string_view text) {
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return unexpected(std::string("URL has no scheme"));
  std::string scheme = lower(text.substr(0, scheme_end));
  const auto default_port = default_port_of(scheme);
  if (!default_port) return unexpected("URL scheme '" + scheme + "' is not http or https");
  const auto rest = text.substr(scheme_end + 3);
  const auto authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  const auto authority = rest.substr(0, authority_end);
  if (authority.find('@') != std::string_view::npos)
    return unexpected(std::string("URL must not carry user info"));
  auto host_port = HostPort::parse(authority, default_port);
  if (!host_port) return unexpected("invalid URL authority: " + host_port.error());
  auto target = parse_target(rest.substr(authority_end));
  if (!target) return unexpected(std::move(target.error()));
  return Url{std::move(scheme), std::move(host_port->host), host_port->port, std::move(*target)};
}

std::string Url::host_header() const {
  std::string full = authority();
  if (port != default_port_of(scheme)) return full;
  full.erase(full.rfind(':'));
  return full;
}

}  // namespace aci::http
