#include "daemon/http/url.hpp"

#include <gtest/gtest.h>

namespace aci::http {
namespace {

Url parse_ok(std::string_view text) {
  auto url = Url::parse(text);
  EXPECT_TRUE(url) << text << ": " << (url ? "" : url.error());
  return url ? *url : Url{};
}

std::string parse_error(std::string_view text) {
  auto url = Url::parse(text);
  EXPECT_FALSE(url) << text << " parsed";
  return url ? "" : url.error();
}

TEST(UrlTest, HttpsDefaultsToPort443AndRootTarget) {
  const Url url = parse_ok("https://management.azure.com");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "management.azure.com");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.target, "/");
  EXPECT_TRUE(url.is_tls());
}

TEST(UrlTest, HttpDefaultsToPort80) {
  const Url url = parse_ok("http://localhost/healthz");
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.target, "/healthz");
  EXPECT_FALSE(url.is_tls());
}

TEST(UrlTest, KeepsExplicitPortPathAndQuery) {
  const Url url = parse_ok("https://127.0.0.1:8443/subscriptions/s/x?api-version=2023-05-01&a=b");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 8443);
  EXPECT_EQ(url.target, "/subscriptions/s/x?api-version=2023-05-01&a=b");
  EXPECT_TRUE(url.is_ip_literal());
}

TEST(UrlTest, QueryWithoutPathGetsRootPath) { EXPECT_EQ(parse_ok("https://h?x=1").target, "/?x=1"); }

TEST(UrlTest, DropsFragment) { EXPECT_EQ(parse_ok("https://h/a#frag").target, "/a"); }

TEST(UrlTest, LowerCasesSchemeAndHost) {
  const Url url = parse_ok("HTTPS://Login.MicrosoftOnline.COM/Tenant");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "login.microsoftonline.com");
  EXPECT_EQ(url.target, "/Tenant");  // paths are case-sensitive
}

TEST(UrlTest, ParsesIpv6LiteralWithAndWithoutPort) {
  const Url with_port = parse_ok("https://[::1]:8443/x");
  EXPECT_EQ(with_port.host, "::1");
  EXPECT_EQ(with_port.port, 8443);
  EXPECT_TRUE(with_port.is_ip_literal());
  EXPECT_EQ(with_port.authority(), "[::1]:8443");
  const Url without_port = parse_ok("http://[fe80::1]");
  EXPECT_EQ(without_port.host, "fe80::1");
  EXPECT_EQ(without_port.port, 80);
  EXPECT_EQ(without_port.host_header(), "[fe80::1]");
}

TEST(UrlTest, HostHeaderOmitsOnlyTheDefaultPort) {
  EXPECT_EQ(parse_ok("https://vault.azure.net/").host_header(), "vault.azure.net");
  EXPECT_EQ(parse_ok("https://vault.azure.net:443/").host_header(), "vault.azure.net");
  EXPECT_EQ(parse_ok("https://vault.azure.net:8443/").host_header(), "vault.azure.net:8443");
  EXPECT_EQ(parse_ok("http://h:443/").host_header(), "h:443");
}

TEST(UrlTest, OriginNamesSchemeHostAndPort) {
  EXPECT_EQ(parse_ok("https://h/a?b").origin(), "https://h:443");
}

TEST(UrlTest, RejectsOtherSchemes) { EXPECT_NE(parse_error("ftp://h/").find("ftp"), std::string::npos); }

TEST(UrlTest, RejectsMissingScheme) { parse_error("management.azure.com/x"); }

TEST(UrlTest, RejectsUserInfo) {
  EXPECT_NE(parse_error("https://user:pw@h/").find("user info"), std::string::npos);
}

TEST(UrlTest, RejectsEmptyHost) {
  parse_error("https:///x");
  parse_error("https://:443/x");
}

TEST(UrlTest, RejectsBadPorts) {
  parse_error("https://h:0/");
  parse_error("https://h:65536/");
  parse_error("https://h:8x/");
  parse_error("https://h:/");
}

TEST(UrlTest, RejectsBadIpv6Literals) {
  parse_error("https://[::1/");
  parse_error("https://[not-v6]/");
  parse_error("https://[::1]x/");
  parse_error("https://::1/");
}

TEST(UrlTest, RejectsSpacesAndControlCharactersInTarget) {
  parse_error("https://h/a b");
  parse_error("https://h/a\r\nX-Injected: 1");
}

TEST(UrlTest, ErrorDoesNotEchoQuery) {
  const std::string error = parse_error("https://h/a b?sig=topsecret");
  EXPECT_EQ(error.find("topsecret"), std::string::npos) << error;
}

TEST(UrlTest, HostPortRequiresPortUnlessDefaultGiven) {
  EXPECT_FALSE(HostPort::parse("localhost"));
  auto with_default = HostPort::parse("localhost", 8080);
  ASSERT_TRUE(with_default);
  EXPECT_EQ(with_default->port, 8080);
  auto v6 = HostPort::parse("[::1]:9443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->to_string(), "[::1]:9443");
}

}  // namespace
}  // namespace aci::http
