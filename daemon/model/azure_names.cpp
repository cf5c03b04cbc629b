#include "daemon/model/azure_names.hpp"

#include <cctype>
#include <vector>

namespace aci::model::names {

namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_lower_alnum_dash(char c) { return is_lower_alnum(c) || c == '-'; }
bool is_alnum_dash(char c) { return is_alnum(c) || c == '-'; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

struct Rule {
  std::size_t min_length;
  std::size_t max_length;
  bool (*allowed)(char);
  const char* allowed_text;
  bool (*first)(char);
  const char* first_text;
  bool (*last)(char);
  const char* last_text;
  bool no_double_dash;
};

Problem check(std::string_view text, const Rule& rule) {
  if (text.empty()) return "must not be empty";
  if (text.size() < rule.min_length || text.size() > rule.max_length) {
    return "must be " + std::to_string(rule.min_length) + "-" + std::to_string(rule.max_length) +
           " characters long, got " + std::to_string(text.size()) + " (" + quoted(text) + ")";
  }
  for (const char c : text) {
    if (!rule.allowed(c)) return std::string("may contain only ") + rule.allowed_text + ", got " + quoted(text);
  }
  if (rule.first != nullptr && !rule.first(text.front())) {
    return std::string("must start with ") + rule.first_text + ", got " + quoted(text);
  }
  if (rule.last != nullptr && !rule.last(text.back())) {
    return std::string("must end with ") + rule.last_text + ", got " + quoted(text);
  }
  if (rule.no_double_dash && text.find("--") != std::string_view::npos) {
    return "must not contain '--', got " + quoted(text);
  }
  return std::nullopt;
}

constexpr Rule kAciName{1,    63, is_lower_alnum_dash, "lowercase letters, digits and '-'", is_lower_alnum,
                        "a lowercase letter or digit", is_lower_alnum, "a lowercase letter or digit", true};

}  // namespace

Problem container_group_name(std::string_view text) { return check(text, kAciName); }

Problem container_name(std::string_view text) { return check(text, kAciName); }

Problem resource_group(std::string_view text) {
  const auto allowed = [](char c) {
    return is_alnum(c) || c == '_' || c == '-' || c == '.' || c == '(' || c == ')' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  const auto not_dot = [](char c) { return c != '.'; };
  return check(text, {1, 90, allowed, "letters, digits, '_', '-', '.', '(' and ')'", nullptr, "", not_dot,
                      "a character other than '.'", false});
}

Problem key_vault(std::string_view text) {
  return check(text, {3, 24, is_alnum_dash, "letters, digits and '-'", is_alpha, "a letter", is_alnum,
                      "a letter or digit", true});
}

Problem key_vault_secret(std::string_view text) {
  return check(text, {1, 127, is_alnum_dash, "letters, digits and '-'", nullptr, "", nullptr, "", false});
}

Problem guid(std::string_view text) {
  bool valid = text.size() == 36;
  for (std::size_t i = 0; valid && i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    valid = dash_position ? text[i] == '-' : is_hex(text[i]);
  }
  if (valid) return std::nullopt;
  return "must be a GUID such as 00000000-0000-0000-0000-000000000000, got " + quoted(text);
}

Problem dns_name_label(std::string_view text) {
  return check(text, {5, 63, is_lower_alnum_dash, "lowercase letters, digits and '-'", is_lower,
                      "a lowercase letter", is_lower_alnum, "a lowercase letter or digit", false});
}

Problem registry_server(std::string_view text) {
  const std::string hint = "must be a registry login server such as myregistry.azurecr.io (no scheme, no path)";
  if (text.find("://") != std::string_view::npos || text.find('/') != std::string_view::npos) {
    return hint + ", got " + quoted(text);
  }
  auto host = text;
  if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    const auto port = text.substr(colon + 1);
    bool port_ok = !port.empty() && port.size() <= 5;
    for (const char c : port) port_ok = port_ok && is_digit(c);
    if (!port_ok) return hint + ", got " + quoted(text);
    host = text.substr(0, colon);
  }
  if (host.empty() || host.size() > 253) return hint + ", got " + quoted(text);
  std::size_t start = 0;
  while (start <= host.size()) {
    const auto dot = host.find('.', start);
    const auto label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return hint + ", got " + quoted(text);
    }
    for (const char c : label) {
      if (!is_alnum_dash(c)) return hint + ", got " + quoted(text);
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return std::nullopt;
}

Problem user_assigned_identity(std::string_view text) {
  const std::string hint =
      "must be the resource ID of a user-assigned managed identity, /subscriptions/<id>/resourceGroups/<group>"
      "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>, got " + quoted(text);
  std::vector<std::string_view> parts;
  if (!text.starts_with('/')) return hint;
  std::size_t start = 1;
  while (start <= text.size()) {
    const auto slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  const auto same = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  };
  if (parts.size() != 8 || !same(parts[0], "subscriptions") || guid(parts[1]) || !same(parts[2], "resourceGroups") ||
      resource_group(parts[3]) || !same(parts[4], "providers") || !same(parts[5], "Microsoft.ManagedIdentity") ||
      !same(parts[6], "userAssignedIdentities")) {
    return hint;
  }
  const auto name_ok = [](char c) { return is_alnum(c) || c == '-' || c == '_'; };
  if (check(parts[7], {3, 128, name_ok, "", is_alnum, "", nullptr, "", false})) return hint;
  return std::nullopt;
}

Problem location(std::string_view text) {
  return check(text, {1, 64, [](char c) { return is_alnum(c) || c == ' '; }, "letters, digits and spaces",
                      is_alpha, "a letter", is_alnum, "a letter or digit", false});
}

Problem env_name(std::string_view text) {
  return check(text, {1, 256, [](char c) { return c > ' ' && c < 0x7f && c != '='; },
                      "printable characters other than '=' and spaces", nullptr, "", nullptr, "", false});
}

Problem image(std::string_view text) {
  if (text.empty()) return "must not be empty";
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) return "must not contain spaces, got " + quoted(text);
  }
  return std::nullopt;
}

Problem object_name(std::string_view text) {
  const auto allowed = [](char c) { return is_lower_alnum(c) || c == '-' || c == '.'; };
  return check(text, {1, 253, allowed, "lowercase letters, digits, '-' and '.'", is_lower_alnum,
                      "a lowercase letter or digit", is_lower_alnum, "a lowercase letter or digit", false});
}

Problem object_namespace(std::string_view text) {
  return check(text, {1, 63, is_lower_alnum_dash, "lowercase letters, digits and '-'", is_lower_alnum,
                      "a lowercase letter or digit", is_lower_alnum, "a lowercase letter or digit", false});
}

Problem tag_name(std::string_view text) {
  return check(text, {1, 512, [](char c) { return std::string_view("<>%&\\?/").find(c) == std::string_view::npos; },
                      "characters other than < > % & \\ ? /", nullptr, "", nullptr, "", false});
}

Problem tag_value(std::string_view text) {
  if (text.size() > 256) return "must be at most 256 characters long, got " + std::to_string(text.size());
  return std::nullopt;
}

std::string normalize_location(std::string_view text) {
  std::string result;
  for (const char c : text) {
    if (c != ' ') result.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return result;
}

}  // namespace aci::model::names
