#include "daemon/http/url_encoding.hpp"

#include <cctype>

#include "daemon/http/url.hpp"

namespace aci::http {

namespace {

bool is_unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

}  // namespace

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += percent_encode(name);
    out.push_back('=');
    out += percent_encode(value);
  }
  return out;
}

std::string expand_template(std::string_view pattern, const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    const auto open = pattern.find('{', i);
    if (open == std::string_view::npos) break;
    const auto close = pattern.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(pattern.substr(i, open - i));
    const std::string name(pattern.substr(open + 1, close - open - 1));
    if (const auto found = values.find(name); found != values.end()) {
      out += found->second;
    } else {
      out.append(pattern.substr(open, close - open + 1));
    }
    i = close + 1;
  }
  out.append(pattern.substr(i));
  return out;
}

bool same_origin(std::string_view a, std::string_view b) {
  const auto left = http::Url::parse(a);
  const auto right = http::Url::parse(b);
  return left && right && left->scheme == right->scheme && left->host == right->host && left->port == right->port;
}

std::string join_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string out(base);
  if (path.empty() || path.front() != '/') out.push_back('/');
  out.append(path);
  return out;
}

std::string_view without_query(std::string_view url) { return url.substr(0, url.find('?')); }

}  // namespace aci::http
