#include "daemon/azure/auth_challenge.hpp"

#include <algorithm>
#include <cctype>

#include "daemon/http/url.hpp"

namespace aci::azure {

namespace {

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~/:").find(c) != std::string_view::npos;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool done() {
    skip_space();
    return pos_ >= text_.size();
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  void skip_commas() {
    for (;;) {
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      return;
    }
  }
  std::string token() {
    const auto start = pos_;
    while (pos_ < text_.size() && is_token_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void advance() { ++pos_; }
  std::size_t position() const { return pos_; }
  void rewind(std::size_t position) { pos_ = position; }
  std::string value() {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      ++pos_;
      std::string out;
      while (pos_ < text_.size() && text_[pos_] != '"') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
        out.push_back(text_[pos_++]);
      }
      if (pos_ < text_.size()) ++pos_;  // closing quote
      return out;
    }
    const auto start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != ' ') ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

bool host_matches(std::string_view vault_host, std::string_view audience_host) {
  if (audience_host.empty()) return false;
  if (vault_host == audience_host) return true;
  return vault_host.size() > audience_host.size() &&
         vault_host.substr(vault_host.size() - audience_host.size()) == audience_host &&
         vault_host[vault_host.size() - audience_host.size() - 1] == '.';
}

}  // namespace

std::string AuthChallenge::param(const std::string& name) const {
  const auto found = params.find(lower(name));
  return found == params.end() ? std::string() : found->second;
}

std::vector<AuthChallenge> parse_www_authenticate(std::string_view header) {
  std::vector<AuthChallenge> challenges;
  Reader reader(header);
  reader.skip_commas();
  bool malformed = false;
  while (!malformed && !reader.done()) {
    AuthChallenge challenge;
    challenge.scheme = reader.token();
    if (challenge.scheme.empty()) break;
    for (;;) {
      reader.skip_commas();
      if (reader.done()) break;
      const auto mark = reader.position();
      const std::string name = reader.token();
      if (name.empty()) {
        malformed = true;
        break;
      }
      if (!reader.peek('=')) {
        // A token not followed by '=' starts the next challenge.
        reader.rewind(mark);
        break;
      }
      reader.advance();
      challenge.params[lower(name)] = reader.value();
    }
    challenges.push_back(std::move(challenge));
  }
  return challenges;
}

std::optional<AuthChallenge> find_challenge(std::string_view header, std::string_view scheme) {
  for (auto& challenge : parse_www_authenticate(header))
    if (lower(challenge.scheme) == lower(scheme)) return std::move(challenge);
  return std::nullopt;
}

std::optional<KeyVaultChallenge> key_vault_challenge(std::string_view header, std::string_view vault_url,
                                                     std::string_view configured_audience, std::string& why) {
  const auto bearer = find_challenge(header, "Bearer");
  if (!bearer) {
    why = "no Bearer challenge in WWW-Authenticate";
    return std::nullopt;
  }
  KeyVaultChallenge out;
  out.authority = bearer->param("authorization");
  if (out.authority.empty()) out.authority = bearer->param("authorization_uri");
  std::string audience = bearer->param("scope");
  if (!audience.empty()) {
    out.scope = audience;
  } else {
    audience = bearer->param("resource");
    if (audience.empty()) {
      why = "the challenge names neither resource nor scope";
      return std::nullopt;
    }
    while (!audience.empty() && audience.back() == '/') audience.pop_back();
    out.scope = audience + "/.default";
  }
  const auto audience_url = http::Url::parse(audience);
  const auto vault = http::Url::parse(vault_url);
  const auto configured = http::Url::parse(configured_audience);
  if (!audience_url || !vault) {
    why = "the challenge's audience is not a URL";
    return std::nullopt;
  }
  const bool trusted = host_matches(vault->host, audience_url->host) ||
                       (configured && configured->host == audience_url->host);
  if (!trusted) {
    why = "the challenge's audience " + audience_url->host + " does not match the vault host " + vault->host;
    return std::nullopt;
  }
  if (const auto slash = out.authority.find_last_of('/'); slash != std::string::npos && slash + 1 < out.authority.size())
    out.tenant_id = out.authority.substr(slash + 1);
  return out;
}

}  // namespace aci::azure
