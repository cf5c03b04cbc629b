#pragma once
// Splits an HTTP request target into its decoded path segments and query
// parameters, and decodes application/x-www-form-urlencoded bodies. Tolerant of
// malformed escapes (kept literally) so that bad input becomes a 4xx, not a throw.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace aci::emulator {

struct RequestTarget {
  std::string path;                   // raw path, without the query
  std::vector<std::string> segments;  // percent-decoded, empty segments dropped
  std::multimap<std::string, std::string> query;

  // First value of a query parameter, case-sensitive; empty when absent.
  std::string param(const std::string& name) const;
  bool has_param(const std::string& name) const { return query.count(name) > 0; }
};

std::string percent_decode(std::string_view text, bool plus_as_space);
std::string percent_encode(std::string_view text);
RequestTarget parse_request_target(std::string_view target);
std::multimap<std::string, std::string> parse_form(std::string_view body);
std::string form_value(const std::multimap<std::string, std::string>& form, const std::string& name);

}  // namespace aci::emulator
