#include "emulator/arm/arm_request_path.hpp"

#include <cctype>
#include <vector>

namespace aci::emulator::arm {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.push_back(percent_decode(path.substr(start, end - start)));
    start = end + 1;
  }
  return segments;
}

// Form-style: '+' is a space, and "%2B" a literal plus, so '+' goes first.
std::string decode_query_component(std::string_view text) {
  std::string plus_decoded(text);
  for (char& c : plus_decoded) {
    if (c == '+') c = ' ';
  }
  return percent_decode(plus_decoded);
}

constexpr std::string_view kProvider = "Microsoft.ContainerInstance";

}  // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0xF];
    }
  }
  return out;
}

std::string ArmRequestPath::param(const std::string& key) const {
  auto it = query.find(key);
  return it == query.end() ? std::string() : it->second;
}

ArmRequestPath ArmRequestPath::parse(std::string_view target) {
  ArmRequestPath out;
  std::size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  out.path = std::string(path);
  if (q != std::string_view::npos) {
    std::string_view query = target.substr(q + 1);
    std::size_t start = 0;
    while (start <= query.size()) {
      std::size_t end = query.find('&', start);
      if (end == std::string_view::npos) end = query.size();
      std::string_view pair = query.substr(start, end - start);
      if (!pair.empty()) {
        std::size_t eq = pair.find('=');
        std::string key = decode_query_component(pair.substr(0, eq));
        std::string value =
            eq == std::string_view::npos ? std::string() : decode_query_component(pair.substr(eq + 1));
        out.query.emplace(std::move(key), std::move(value));
      }
      start = end + 1;
    }
  }

  const std::vector<std::string> s = split_path(path);
  const std::size_t n = s.size();
  auto at = [&](std::size_t i, std::string_view word) { return i < n && iequals(s[i], word); };

  if (n < 2 || !at(0, "subscriptions")) return out;
  out.subscription = s[1];
  std::size_t i = 2;
  if (at(i, "resourceGroups")) {
    if (i + 1 >= n) return out;
    out.resource_group = s[i + 1];
    i += 2;
  }
  if (!at(i, "providers") || !at(i + 1, kProvider)) return out;
  i += 2;

  if (at(i, "containerGroups")) {
    if (i + 1 == n) {
      out.kind = out.resource_group.empty() ? Kind::subscription_groups : Kind::resource_group_groups;
      return out;
    }
    if (out.resource_group.empty()) return out;
    out.name = s[i + 1];
    if (i + 2 == n) {
      out.kind = Kind::group;
      return out;
    }
    if (i + 3 == n && (at(i + 2, "start") || at(i + 2, "stop") || at(i + 2, "restart"))) {
      out.kind = Kind::group_action;
      for (char c : s[i + 2]) out.action += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return out;
    }
    if (i + 5 == n && at(i + 2, "containers") && at(i + 4, "logs")) {
      out.kind = Kind::container_logs;
      out.container = s[i + 3];
      return out;
    }
    return out;
  }

  if (at(i, "locations") && i + 4 == n) {
    out.location = s[i + 1];
    out.operation_id = s[i + 3];
    if (at(i + 2, "operations")) {
      out.kind = Kind::operation_status;
    } else if (at(i + 2, "operationResults") && out.resource_group.empty()) {
      out.kind = Kind::operation_result;
    }
  }
  return out;
}

}  // namespace aci::emulator::arm
