#include "emulator/request_target.hpp"

#include <cctype>

namespace aci::emulator {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string RequestTarget::param(const std::string& name) const {
  auto found = query.find(name);
  return found == query.end() ? std::string() : found->second;
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += (plus_as_space && c == '+') ? ' ' : c;
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

std::multimap<std::string, std::string> parse_form(std::string_view body) {
  std::multimap<std::string, std::string> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out.emplace(percent_decode(pair, true), std::string());
    } else {
      out.emplace(percent_decode(pair.substr(0, eq), true), percent_decode(pair.substr(eq + 1), true));
    }
  }
  return out;
}

std::string form_value(const std::multimap<std::string, std::string>& form, const std::string& name) {
  auto found = form.find(name);
  return found == form.end() ? std::string() : found->second;
}

RequestTarget parse_request_target(std::string_view target) {
  RequestTarget out;
  const auto question = target.find('?');
  out.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.query = parse_form(target.substr(question + 1));
  std::string_view rest = out.path;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const auto segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (!segment.empty()) out.segments.push_back(percent_decode(segment, false));
  }
  return out;
}

}  // namespace aci::emulator
