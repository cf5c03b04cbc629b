#include "emulator/keyvault/key_vault_service.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "emulator/keyvault/vault_urls.hpp"

namespace {

using aci::emulator::KeyVaultService;
using aci::emulator::TimePoint;
using aci::emulator::TokenClaims;
using aci::emulator::TokenProblem;
using aci::http::ServerRequest;
using aci::http::ServerResponse;
using json = nlohmann::json;
namespace beast_http = boost::beast::http;

constexpr const char* kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char* kAuthority = "https://127.0.0.1:8443";
constexpr std::int64_t kStart = 1'735'689'600;

// Tokens are opaque strings registered with their claims; expiry and audience
// are checked as the identity service checks them, against the test's clock.
class FakeTokenValidator : public aci::emulator::TokenValidator {
 public:
  explicit FakeTokenValidator(const TimePoint& now) : now_(now) {}

  void add(std::string token, TokenClaims claims) { tokens_[std::move(token)] = std::move(claims); }

  // TokenValidator
  aci::Expected<TokenClaims, TokenProblem> validate(const ServerRequest& request,
                                                    std::string_view audience) const override {
    const std::string header(request[beast_http::field::authorization]);
    if (header.empty()) return aci::unexpected(TokenProblem::missing);
    if (header.rfind("Bearer ", 0) != 0) return aci::unexpected(TokenProblem::malformed);
    const auto it = tokens_.find(header.substr(7));
    if (it == tokens_.end()) return aci::unexpected(TokenProblem::bad_signature);
    if (it->second.audience != audience) return aci::unexpected(TokenProblem::wrong_audience);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count();
    if (it->second.expires_at <= now) return aci::unexpected(TokenProblem::expired);
    return it->second;
  }

 private:
  const TimePoint& now_;
  std::map<std::string, TokenClaims> tokens_;
};

struct Reply {
  unsigned status = 0;
  json body;
  ServerResponse raw;
};

class KeyVaultServiceTest : public ::testing::Test {
 protected:
  KeyVaultServiceTest() {
    tokens_.add("good", {kTenant, "app", "sp", "https://vault.azure.net", kStart + 365L * 86400});
    tokens_.add("short", {kTenant, "app", "sp", "https://vault.azure.net", kStart + 3600});
    tokens_.add("arm", {kTenant, "app", "sp", "https://management.azure.com", kStart + 3600});
    tokens_.add("other-tenant", {"11111111-1111-1111-1111-111111111111", "app", "sp", "https://vault.azure.net",
                                 kStart + 3600});
    service_.seed_random_for_test(42);
    service_.seed(json::parse(R"([{"name": "mykeyvault", "tenantId": ")" + std::string(kTenant) +
                              R"(", "secrets": [{"name": "myregistry-pull-usr", "value": "app-id",
                                  "contentType": "text/plain", "tags": {"owner": "seed"}}]}])"));
  }

  void advance(std::chrono::seconds by) { now_ += by; }
  std::int64_t now_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now_.time_since_epoch()).count();
  }

  // Sends `path` (query included) to mykeyvault through the /keyvault/ prefix.
  Reply send(beast_http::verb method, const std::string& path, std::string body = {},
             const std::string& token = "good", const std::string& content_type = "application/json") {
    ServerRequest request{method, "/keyvault/mykeyvault" + path, 11};
    request.set(beast_http::field::host, "127.0.0.1:8443");
    if (!token.empty()) request.set(beast_http::field::authorization, "Bearer " + token);
    if (!body.empty()) {
      request.set(beast_http::field::content_type, content_type);
      request.body() = std::move(body);
      request.prepare_payload();
    }
    return reply(service_.handle("mykeyvault", path, request));
  }

  // Hands a ready-made request to the service as the router would: the path is
  // what follows the /keyvault/{vault} prefix, or the whole target without it.
  Reply reply_of(const ServerRequest& request, const std::string& vault = "mykeyvault") {
    std::string path(request.target());
    const std::string prefix = "/keyvault/" + vault;
    if (path.rfind(prefix, 0) == 0) path = path.substr(prefix.size());
    return reply(service_.handle(vault, path, request));
  }

  static Reply reply(ServerResponse response) {
    Reply result;
    result.status = response.result_int();
    result.body = json::parse(response.body(), nullptr, false);
    result.raw = std::move(response);
    return result;
  }

  Reply set(const std::string& name, const json& body) {
    return send(beast_http::verb::put, "/secrets/" + name + "?api-version=7.5", body.dump());
  }
  Reply get(const std::string& path) { return send(beast_http::verb::get, path); }

  // Follows nextLink pages from `first`, returning the pages' value arrays.
  std::vector<json> pages(const std::string& first) {
    std::vector<json> result;
    std::string path = first;
    for (int guard = 0; guard < 100; ++guard) {
      const Reply page = get(path);
      EXPECT_EQ(page.status, 200u) << page.raw.body();
      if (page.status != 200) break;
      result.push_back(page.body["value"]);
      if (!page.body.contains("nextLink") || page.body["nextLink"].is_null()) break;
      const std::string next = page.body["nextLink"];
      const std::string base = "https://127.0.0.1:8443/keyvault/mykeyvault";
      EXPECT_EQ(next.rfind(base, 0), 0u) << next;
      path = next.substr(base.size());
    }
    return result;
  }

  TimePoint now_{std::chrono::seconds(kStart)};
  FakeTokenValidator tokens_{now_};
  KeyVaultService service_{[this] { return now_; }, tokens_, std::string(kAuthority) + "/"};
};

bool is_version_id(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string last_segment(const std::string& id) { return id.substr(id.rfind('/') + 1); }

TEST_F(KeyVaultServiceTest, RequestWithoutTokenGetsBearerChallenge) {
  const Reply reply = send(beast_http::verb::put, "/secrets/foo?api-version=7.5", "", "");
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(std::string(reply.raw[beast_http::field::www_authenticate]),
            std::string("Bearer authorization=\"") + kAuthority + "/" + kTenant +
                "\", resource=\"https://vault.azure.net\"");
  EXPECT_EQ(reply.body["error"]["code"], "Unauthorized");
  EXPECT_FALSE(reply.raw["x-ms-request-id"].empty());
  EXPECT_FALSE(service_.latest_value("mykeyvault", "foo").has_value());
}

TEST_F(KeyVaultServiceTest, ExpiredWrongAudienceAndForeignTenantTokensGetChallenge) {
  EXPECT_EQ(send(beast_http::verb::get, "/secrets/myregistry-pull-usr?api-version=7.5", "", "short").status, 200u);
  for (const char* token : {"arm", "other-tenant", "forged"}) {
    const Reply reply = send(beast_http::verb::get, "/secrets/myregistry-pull-usr?api-version=7.5", "", token);
    EXPECT_EQ(reply.status, 401u) << token;
    EXPECT_FALSE(reply.raw[beast_http::field::www_authenticate].empty()) << token;
  }
  advance(std::chrono::seconds(3600));
  const Reply expired = send(beast_http::verb::get, "/secrets/myregistry-pull-usr?api-version=7.5", "", "short");
  EXPECT_EQ(expired.status, 401u);
  EXPECT_FALSE(expired.raw[beast_http::field::www_authenticate].empty());
}

TEST_F(KeyVaultServiceTest, AcceptsSevenXAndDatedApiVersionsOnly) {
  for (const char* version : {"7.0", "7.4", "7.5", "7.6", "7.6-preview.2", "2025-07-01"}) {
    EXPECT_EQ(get(std::string("/secrets/myregistry-pull-usr?api-version=") + version).status, 200u) << version;
  }
  for (const char* version : {"8.0", "6.1", "7.", "7.x", "2016-10-01", "latest", "7.5-previewx"}) {
    const Reply reply = get(std::string("/secrets/myregistry-pull-usr?api-version=") + version);
    EXPECT_EQ(reply.status, 400u) << version;
    EXPECT_EQ(reply.body["error"]["code"], "BadParameter") << version;
  }
  EXPECT_EQ(get("/secrets/myregistry-pull-usr").status, 400u);
}

TEST_F(KeyVaultServiceTest, EachSetCreatesANewVersionAndGetReturnsLatestOrNamedVersion) {
  const Reply first = set("sp-secret", {{"value", "one"}});
  advance(std::chrono::seconds(10));
  const Reply second = set("sp-secret", {{"value", "two"}});
  ASSERT_EQ(first.status, 200u);
  ASSERT_EQ(second.status, 200u);
  EXPECT_EQ(first.body["value"], "one");
  const std::string v1 = last_segment(first.body["id"]);
  const std::string v2 = last_segment(second.body["id"]);
  EXPECT_TRUE(is_version_id(v1)) << v1;
  EXPECT_TRUE(is_version_id(v2)) << v2;
  EXPECT_NE(v1, v2);
  EXPECT_EQ(second.body["attributes"]["created"], kStart + 10);
  EXPECT_EQ(second.body["attributes"]["updated"], kStart + 10);
  EXPECT_EQ(second.body["attributes"]["enabled"], true);
  EXPECT_EQ(second.body["attributes"]["recoveryLevel"], "Recoverable+Purgeable");
  EXPECT_EQ(second.body["attributes"]["recoverableDays"], 90);

  const Reply latest = get("/secrets/sp-secret?api-version=7.5");
  EXPECT_EQ(latest.body["value"], "two");
  EXPECT_EQ(latest.body["id"], second.body["id"]);
  EXPECT_EQ(get("/secrets/sp-secret/?api-version=7.5").body["value"], "two");
  const Reply older = get("/secrets/sp-secret/" + v1 + "?api-version=7.5");
  EXPECT_EQ(older.status, 200u);
  EXPECT_EQ(older.body["value"], "one");
  EXPECT_EQ(service_.versions("mykeyvault", "sp-secret"), (std::vector<std::string>{v1, v2}));
}

TEST_F(KeyVaultServiceTest, SetKeepsContentTypeTagsAndAttributes) {
  const Reply reply = set("sp-secret", {{"value", "pw"},
                                        {"contentType", "text/plain"},
                                        {"tags", {{"keyId", "f0b0"}, {"source", "graph"}}},
                                        {"attributes", {{"enabled", true}, {"nbf", kStart}, {"exp", kStart + 86400}}}});
  ASSERT_EQ(reply.status, 200u) << reply.raw.body();
  const Reply got = get("/secrets/sp-secret?api-version=7.5");
  EXPECT_EQ(got.body["contentType"], "text/plain");
  EXPECT_EQ(got.body["tags"], (json{{"keyId", "f0b0"}, {"source", "graph"}}));
  EXPECT_EQ(got.body["attributes"]["nbf"], kStart);
  EXPECT_EQ(got.body["attributes"]["exp"], kStart + 86400);
}

TEST_F(KeyVaultServiceTest, IdsNameTheCanonicalVaultHostWhenAddressedByPathPrefix) {
  const Reply reply = set("sp-secret", {{"value", "pw"}});
  const std::string id = reply.body["id"];
  EXPECT_EQ(id.rfind("https://mykeyvault.vault.azure.net/secrets/sp-secret/", 0), 0u) << id;
}

TEST_F(KeyVaultServiceTest, HostAddressedVaultKeepsTheHostInIdsAndNextLinks) {
  for (int i = 0; i < 3; ++i) set("s" + std::to_string(i), {{"value", "v"}});
  ServerRequest request{beast_http::verb::get, "/secrets?api-version=7.5&maxresults=1", 11};
  request.set(beast_http::field::host, "mykeyvault.vault.azure.net:8443");
  request.set(beast_http::field::authorization, "Bearer good");
  const Reply reply = reply_of(request);
  ASSERT_EQ(reply.status, 200u);
  EXPECT_EQ(std::string(reply.body["value"][0]["id"]).rfind("https://mykeyvault.vault.azure.net:8443/secrets/", 0), 0u);
  EXPECT_EQ(std::string(reply.body["nextLink"]).rfind("https://mykeyvault.vault.azure.net:8443/secrets?", 0), 0u);
}

TEST(KeyVaultUrlsTest, PathPrefixAndHostAddressingGiveFetchableAndCanonicalBases) {
  ServerRequest prefixed{beast_http::verb::get, "/keyvault/MyKeyVault/secrets/x?api-version=7.5", 11};
  prefixed.set(beast_http::field::host, "127.0.0.1:8443");
  auto urls = aci::emulator::vault_urls("mykeyvault", prefixed);
  EXPECT_EQ(urls.request_base, "https://127.0.0.1:8443/keyvault/MyKeyVault");
  EXPECT_EQ(urls.identifier_base, "https://mykeyvault.vault.azure.net");

  ServerRequest hosted{beast_http::verb::get, "/secrets/x", 11};
  hosted.set(beast_http::field::host, "mykeyvault.vault.azure.net");
  urls = aci::emulator::vault_urls("mykeyvault", hosted);
  EXPECT_EQ(urls.request_base, "https://mykeyvault.vault.azure.net");
  EXPECT_EQ(urls.identifier_base, "https://mykeyvault.vault.azure.net");

  ServerRequest longer_name{beast_http::verb::get, "/keyvault/mykeyvault2/secrets", 11};
  longer_name.set(beast_http::field::host, "127.0.0.1:1");
  EXPECT_EQ(aci::emulator::vault_urls("mykeyvault", longer_name).request_base, "https://127.0.0.1:1");

  ServerRequest hostile{beast_http::verb::get, "/secrets", 11};
  hostile.set(beast_http::field::host, "evil.com/\"><x");
  urls = aci::emulator::vault_urls("mykeyvault", hostile);
  EXPECT_EQ(urls.request_base, "https://mykeyvault.vault.azure.net");
  ServerRequest no_host{beast_http::verb::get, "/keyvault/mykeyvault", 11};
  EXPECT_EQ(aci::emulator::vault_urls("mykeyvault", no_host).request_base,
            "https://mykeyvault.vault.azure.net/keyvault/mykeyvault");
}

TEST_F(KeyVaultServiceTest, MissingSecretOrVersionIsSecretNotFound) {
  Reply reply = get("/secrets/nope?api-version=7.5");
  EXPECT_EQ(reply.status, 404u);
  EXPECT_EQ(reply.body["error"]["code"], "SecretNotFound");
  reply = get("/secrets/myregistry-pull-usr/0123456789abcdef0123456789abcdef?api-version=7.5");
  EXPECT_EQ(reply.status, 404u);
  EXPECT_EQ(reply.body["error"]["code"], "SecretNotFound");
  EXPECT_EQ(get("/secrets/nope/versions?api-version=7.5").status, 404u);
}

TEST_F(KeyVaultServiceTest, PatchChangesAttributesTagsAndContentTypeButNotTheValue) {
  const Reply first = set("sp-secret", {{"value", "one"}, {"tags", {{"a", "1"}}}});
  set("sp-secret", {{"value", "two"}});
  const std::string v1 = last_segment(first.body["id"]);
  advance(std::chrono::seconds(30));
  const Reply patched = send(beast_http::verb::patch, "/secrets/sp-secret/" + v1 + "?api-version=7.5",
                             json{{"value", "hijack"},
                                  {"contentType", "application/x-pem"},
                                  {"tags", {{"b", "2"}}},
                                  {"attributes", {{"exp", kStart + 100}}}}
                                 .dump());
  ASSERT_EQ(patched.status, 200u) << patched.raw.body();
  EXPECT_FALSE(patched.body.contains("value"));
  EXPECT_EQ(patched.body["contentType"], "application/x-pem");
  EXPECT_EQ(patched.body["tags"], (json{{"b", "2"}}));
  EXPECT_EQ(patched.body["attributes"]["exp"], kStart + 100);
  EXPECT_EQ(patched.body["attributes"]["updated"], kStart + 30);
  EXPECT_EQ(patched.body["attributes"]["created"], kStart);
  const Reply got = get("/secrets/sp-secret/" + v1 + "?api-version=7.5");
  EXPECT_EQ(got.body["value"], "one");
  EXPECT_EQ(got.body["contentType"], "application/x-pem");
  EXPECT_EQ(service_.latest_value("mykeyvault", "sp-secret"), "two");
}

TEST_F(KeyVaultServiceTest, DisabledVersionIsForbiddenUntilReenabled) {
  const Reply created = set("sp-secret", {{"value", "pw"}, {"attributes", {{"enabled", false}}}});
  ASSERT_EQ(created.status, 200u);
  const std::string version = last_segment(created.body["id"]);
  for (const std::string& path : std::vector<std::string>{"/secrets/sp-secret?api-version=7.5", "/secrets/sp-secret/" + version + "?api-version=7.5"}) {
    const Reply reply = get(path);
    EXPECT_EQ(reply.status, 403u);
    EXPECT_EQ(reply.body["error"]["code"], "Forbidden");
    EXPECT_EQ(reply.body["error"]["innererror"]["code"], "SecretDisabled");
  }
  const Reply listed = get("/secrets/sp-secret/versions?api-version=7.5");
  EXPECT_EQ(listed.body["value"][0]["attributes"]["enabled"], false);
  EXPECT_EQ(send(beast_http::verb::patch, "/secrets/sp-secret/" + version + "?api-version=7.5",
                 R"({"attributes": {"enabled": true}})")
                .status,
            200u);
  EXPECT_EQ(get("/secrets/sp-secret?api-version=7.5").body["value"], "pw");
}

TEST_F(KeyVaultServiceTest, ListSecretsPagesThroughEverySecretOnceWithoutValues) {
  for (int i = 0; i < 5; ++i) set("app-" + std::to_string(i), {{"value", "secret-" + std::to_string(i)}});
  const auto result = pages("/secrets?api-version=7.5&maxresults=2");
  EXPECT_EQ(result.size(), 3u);
  std::multiset<std::string> ids;
  for (const json& page : result) {
    EXPECT_FALSE(page.empty());
    EXPECT_LE(page.size(), 2u);
    for (const json& item : page) {
      EXPECT_FALSE(item.contains("value"));
      EXPECT_TRUE(item["attributes"].contains("created"));
      ids.insert(item["id"].get<std::string>());
    }
  }
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 6u);
  EXPECT_EQ(ids.count("https://mykeyvault.vault.azure.net/secrets/myregistry-pull-usr"), 1u);
}

TEST_F(KeyVaultServiceTest, ListVersionsPagesThroughEveryVersion) {
  std::set<std::string> created;
  for (int i = 0; i < 5; ++i) created.insert(set("sp-secret", {{"value", std::to_string(i)}}).body["id"].get<std::string>());
  const auto result = pages("/secrets/sp-secret/versions?api-version=2025-07-01&maxresults=2");
  ASSERT_EQ(result.size(), 3u);
  std::set<std::string> listed;
  for (const json& page : result)
    for (const json& item : page) listed.insert(item["id"].get<std::string>());
  EXPECT_EQ(listed, created);
  const Reply first = get("/secrets/sp-secret/versions?api-version=2025-07-01&maxresults=2");
  EXPECT_NE(first.body["nextLink"].get<std::string>().find("api-version=2025-07-01"), std::string::npos);
}

TEST_F(KeyVaultServiceTest, BadPagingParametersAreBadParameter) {
  for (const char* query : {"maxresults=0", "maxresults=26", "maxresults=abc", "maxresults=-1", "$skiptoken=zz",
                            "%24skiptoken=abc"}) {
    const Reply reply = get(std::string("/secrets?api-version=7.5&") + query);
    EXPECT_EQ(reply.status, 400u) << query;
    EXPECT_EQ(reply.body["error"]["code"], "BadParameter") << query;
  }
}

TEST_F(KeyVaultServiceTest, DeleteSoftDeletesAndRecoverBringsEveryVersionBack) {
  set("sp-secret", {{"value", "one"}});
  set("sp-secret", {{"value", "two"}});
  advance(std::chrono::seconds(5));
  const Reply deleted = send(beast_http::verb::delete_, "/secrets/sp-secret?api-version=7.5");
  ASSERT_EQ(deleted.status, 200u) << deleted.raw.body();
  EXPECT_EQ(deleted.body["recoveryId"], "https://mykeyvault.vault.azure.net/deletedsecrets/sp-secret");
  EXPECT_EQ(deleted.body["deletedDate"], kStart + 5);
  EXPECT_EQ(deleted.body["scheduledPurgeDate"], kStart + 5 + 90L * 86400);
  EXPECT_FALSE(deleted.body.contains("value"));

  EXPECT_EQ(get("/secrets/sp-secret?api-version=7.5").status, 404u);
  const Reply got_deleted = get("/deletedsecrets/sp-secret?api-version=7.5");
  EXPECT_EQ(got_deleted.status, 200u);
  EXPECT_EQ(got_deleted.body["recoveryId"], deleted.body["recoveryId"]);
  const Reply listed = get("/deletedsecrets?api-version=7.5");
  ASSERT_EQ(listed.body["value"].size(), 1u);
  EXPECT_EQ(listed.body["value"][0]["id"], "https://mykeyvault.vault.azure.net/secrets/sp-secret");
  EXPECT_EQ(listed.body["value"][0]["recoveryId"], deleted.body["recoveryId"]);

  const Reply conflict = set("sp-secret", {{"value", "three"}});
  EXPECT_EQ(conflict.status, 409u);
  EXPECT_EQ(conflict.body["error"]["code"], "Conflict");

  const Reply recovered = send(beast_http::verb::post, "/deletedsecrets/sp-secret/recover?api-version=7.5");
  EXPECT_EQ(recovered.status, 200u);
  EXPECT_EQ(get("/secrets/sp-secret?api-version=7.5").body["value"], "two");
  EXPECT_EQ(service_.versions("mykeyvault", "sp-secret").size(), 2u);
  EXPECT_EQ(get("/deletedsecrets/sp-secret?api-version=7.5").status, 404u);
}

TEST_F(KeyVaultServiceTest, PurgeForgetsTheSecretAndFreesTheName) {
  set("sp-secret", {{"value", "one"}});
  EXPECT_EQ(send(beast_http::verb::delete_, "/deletedsecrets/sp-secret?api-version=7.5").status, 404u);
  send(beast_http::verb::delete_, "/secrets/sp-secret?api-version=7.5");
  const Reply purged = send(beast_http::verb::delete_, "/deletedsecrets/sp-secret?api-version=7.5");
  EXPECT_EQ(purged.status, 204u);
  EXPECT_TRUE(purged.raw.body().empty());
  EXPECT_EQ(get("/deletedsecrets/sp-secret?api-version=7.5").status, 404u);
  EXPECT_EQ(send(beast_http::verb::post, "/deletedsecrets/sp-secret/recover?api-version=7.5").status, 404u);
  EXPECT_EQ(set("sp-secret", {{"value", "again"}}).status, 200u);
  EXPECT_EQ(service_.versions("mykeyvault", "sp-secret").size(), 1u);
}

TEST_F(KeyVaultServiceTest, DeletedSecretsArePurgedWhenRetentionEnds) {
  set("sp-secret", {{"value", "one"}});
  send(beast_http::verb::delete_, "/secrets/sp-secret?api-version=7.5");
  advance(std::chrono::hours(24 * 90) - std::chrono::seconds(1));
  EXPECT_EQ(get("/deletedsecrets/sp-secret?api-version=7.5").status, 200u);
  advance(std::chrono::seconds(1));
  EXPECT_EQ(get("/deletedsecrets/sp-secret?api-version=7.5").status, 404u);
  EXPECT_EQ(set("sp-secret", {{"value", "again"}}).status, 200u);
}

TEST_F(KeyVaultServiceTest, InvalidSecretNamesAreBadParameter) {
  for (const std::string& name : std::vector<std::string>{"bad_name", std::string(128, 'a'), "a%20b", "caf%C3%A9", "a.b"}) {
    const Reply reply = set(name, {{"value", "v"}});
    EXPECT_EQ(reply.status, 400u) << name;
    EXPECT_EQ(reply.body["error"]["code"], "BadParameter") << name;
  }
  EXPECT_EQ(set(std::string(127, 'a'), {{"value", "v"}}).status, 200u);
  EXPECT_EQ(set("Az-09", {{"value", "v"}}).status, 200u);
}

TEST_F(KeyVaultServiceTest, ValueLimitIsTwentyFiveKilobytes) {
  EXPECT_EQ(set("big", {{"value", std::string(std::size_t{25} * 1024, 'x')}}).status, 200u);
  const Reply reply = set("big", {{"value", std::string(std::size_t{25} * 1024 + 1, 'x')}});
  EXPECT_EQ(reply.status, 400u);
  EXPECT_EQ(reply.body["error"]["code"], "BadParameter");
  EXPECT_EQ(service_.versions("mykeyvault", "big").size(), 1u);
}

TEST_F(KeyVaultServiceTest, AtMostFifteenStringTags) {
  json tags = json::object();
  for (int i = 0; i < 15; ++i) tags["t" + std::to_string(i)] = "v";
  EXPECT_EQ(set("tagged", {{"value", "v"}, {"tags", tags}}).status, 200u);
  tags["t15"] = "v";
  EXPECT_EQ(set("tagged", {{"value", "v"}, {"tags", tags}}).status, 400u);
  EXPECT_EQ(set("tagged", {{"value", "v"}, {"tags", {{"n", 1}}}}).status, 400u);
  EXPECT_EQ(set("tagged", {{"value", "v"}, {"tags", "x"}}).status, 400u);
}

TEST_F(KeyVaultServiceTest, MalformedBodiesAreRejectedWithKeyVaultErrors) {
  for (const std::string body : {"{", "[1,2]", "\"text\"", "{}", R"({"value": 5})", R"({"value": null})",
                                 R"({"value": "v", "attributes": {"enabled": "yes"}})",
                                 R"({"value": "v", "attributes": {"exp": "tomorrow"}})",
                                 R"({"value": "v", "contentType": 7})", R"({"value": "v", "attributes": []})"}) {
    const Reply reply = send(beast_http::verb::put, "/secrets/x?api-version=7.5", body);
    EXPECT_EQ(reply.status, 400u) << body;
    EXPECT_EQ(reply.body["error"]["code"], "BadParameter") << body;
  }
  const Reply wrong_type = send(beast_http::verb::put, "/secrets/x?api-version=7.5", R"({"value": "v"})", "good",
                                "text/xml");
  EXPECT_EQ(wrong_type.status, 415u);
  EXPECT_TRUE(wrong_type.body["error"].contains("code"));
  EXPECT_FALSE(service_.latest_value("mykeyvault", "x").has_value());
}

TEST_F(KeyVaultServiceTest, UnknownRoutesMethodsAndVaultsAreClientErrors) {
  EXPECT_EQ(send(beast_http::verb::post, "/secrets/x?api-version=7.5").status, 405u);
  EXPECT_EQ(send(beast_http::verb::delete_, "/secrets/myregistry-pull-usr/0123?api-version=7.5").status, 405u);
  EXPECT_EQ(get("/keys/x?api-version=7.5").status, 404u);
  EXPECT_EQ(get("/secrets/x/y/z?api-version=7.5").status, 404u);
  ServerRequest request{beast_http::verb::get, "/keyvault/othervault/secrets?api-version=7.5", 11};
  request.set(beast_http::field::authorization, "Bearer good");
  const Reply reply = reply_of(request, "othervault");
  EXPECT_EQ(reply.status, 404u);
  EXPECT_TRUE(reply.body["error"].contains("code"));
}

TEST_F(KeyVaultServiceTest, SecretNamesIgnoreCase) {
  set("SP-Secret", {{"value", "one"}});
  EXPECT_EQ(get("/secrets/sp-secret?api-version=7.5").body["value"], "one");
  EXPECT_EQ(set("sp-SECRET", {{"value", "two"}}).status, 200u);
  EXPECT_EQ(service_.versions("mykeyvault", "sp-secret").size(), 2u);
  EXPECT_EQ(get("/secrets/sp-secret?api-version=7.5").body["id"].get<std::string>().find("/secrets/SP-Secret/"),
            std::string("https://mykeyvault.vault.azure.net").size());
}

TEST_F(KeyVaultServiceTest, EchoesClientRequestIdAndAlwaysSetsRequestId) {
  ServerRequest request{beast_http::verb::get, "/keyvault/mykeyvault/secrets?api-version=7.5", 11};
  request.set(beast_http::field::authorization, "Bearer good");
  request.set("x-ms-client-request-id", "abc-123");
  const Reply reply = reply_of(request);
  EXPECT_EQ(std::string(reply.raw["x-ms-client-request-id"]), "abc-123");
  const std::string id(reply.raw["x-ms-request-id"]);
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
  EXPECT_NE(id, std::string(get("/secrets?api-version=7.5").raw["x-ms-request-id"]));
}

TEST_F(KeyVaultServiceTest, SaveAndLoadKeepValuesVersionsAndDeletedSecrets) {
  set("sp-secret", {{"value", "one"}, {"tags", {{"k", "v"}}}, {"attributes", {{"exp", kStart + 9}}}});
  set("gone", {{"value", "bye"}});
  send(beast_http::verb::delete_, "/secrets/gone?api-version=7.5");
  const json saved = service_.save();

  FakeTokenValidator tokens(now_);
  KeyVaultService restored([this] { return now_; }, tokens, kAuthority);
  restored.load(saved);
  EXPECT_EQ(restored.save(), saved);
  EXPECT_EQ(restored.latest_value("mykeyvault", "sp-secret"), "one");
  EXPECT_EQ(restored.versions("mykeyvault", "sp-secret"), service_.versions("mykeyvault", "sp-secret"));
  EXPECT_FALSE(restored.latest_value("mykeyvault", "gone").has_value());

  const json described = service_.describe();
  EXPECT_EQ(described.dump().find("\"one\""), std::string::npos);
  EXPECT_EQ(described.dump().find("\"bye\""), std::string::npos);
  EXPECT_NE(described.dump().find("sp-secret"), std::string::npos);
}

TEST_F(KeyVaultServiceTest, LoadRejectsMalformedStateAndKeepsTheOldOne) {
  for (const char* bad : {R"([])", R"({"vaults": 1})", R"({"vaults": [{"name": "v", "tenantId": 5}]})",
                          R"({"vaults": [{"name": "v", "secrets": [{"name": "s", "versions": []}]}]})",
                          R"({"vaults": [{"name": "v", "secrets": [{"name": "s", "versions": [{"version": "x",
                              "value": "v", "created": 1, "updated": 1}]}]}]})",
                          R"({"vaults": [{"name": "v", "deletedSecrets": [{"name": "s", "versions": [{"version":
                              "0123456789abcdef0123456789abcdef", "value": "v", "created": 1, "updated": 1}]}]}]})"}) {
    EXPECT_THROW(service_.load(json::parse(bad)), std::invalid_argument) << bad;
  }
  EXPECT_EQ(service_.latest_value("mykeyvault", "myregistry-pull-usr"), "app-id");
  service_.load(json::object());
  EXPECT_FALSE(service_.has_vault("mykeyvault"));
}

TEST_F(KeyVaultServiceTest, ResetForgetsEveryVaultAndSeedingAgainRebuildsThem) {
  set("sp-secret", {{"value", "one"}});
  send(beast_http::verb::delete_, "/secrets/myregistry-pull-usr?api-version=7.5");
  service_.reset();
  EXPECT_FALSE(service_.has_vault("mykeyvault"));
  EXPECT_EQ(get("/secrets?api-version=7.5").status, 404u);
  service_.seed(json::parse(R"([{"name": "mykeyvault", "tenantId": ")" + std::string(kTenant) +
                            R"(", "secrets": [{"name": "myregistry-pull-usr", "value": "app-id",
                                "contentType": "text/plain", "tags": {"owner": "seed"}}]}])"));
  EXPECT_FALSE(service_.latest_value("mykeyvault", "sp-secret").has_value());
  EXPECT_EQ(service_.latest_value("mykeyvault", "myregistry-pull-usr"), "app-id");
  const Reply got = get("/secrets/myregistry-pull-usr?api-version=7.5");
  EXPECT_EQ(got.body["contentType"], "text/plain");
  EXPECT_EQ(got.body["tags"], (json{{"owner", "seed"}}));
  EXPECT_EQ(get("/deletedsecrets?api-version=7.5").body["value"].size(), 0u);
}

TEST_F(KeyVaultServiceTest, SeedRejectsBadEntriesWithoutChangingState) {
  for (const char* bad : {R"({})", R"([{"tenantId": "t"}])", R"([{"name": "bad_vault"}])",
                          R"([{"name": "v", "secrets": [{"name": "s"}]}])",
                          R"([{"name": "v", "secrets": [{"name": "s!", "value": "x"}]}])",
                          R"([{"name": "v", "secrets": [{"name": "s", "value": "x"}, {"name": "S", "value": "y"}]}])"}) {
    EXPECT_THROW(service_.seed(json::parse(bad)), std::invalid_argument) << bad;
  }
  EXPECT_FALSE(service_.has_vault("v"));
  EXPECT_TRUE(service_.has_vault("MyKeyVault"));
}

TEST_F(KeyVaultServiceTest, VaultWithoutTenantChallengesWithTheBareAuthority) {
  service_.seed(json::parse(R"([{"name": "notenant"}])"));
  ServerRequest request{beast_http::verb::get, "/keyvault/notenant/secrets?api-version=7.5", 11};
  const Reply reply = reply_of(request, "notenant");
  EXPECT_EQ(reply.status, 401u);
  EXPECT_EQ(std::string(reply.raw[beast_http::field::www_authenticate]),
            std::string("Bearer authorization=\"") + kAuthority + "\", resource=\"https://vault.azure.net\"");
}

TEST_F(KeyVaultServiceTest, ArbitraryInputNeverCrashesAndGetsAStatus) {
  std::mt19937 random(7);
  const std::string alphabet = "/?&=%$abcSECRTdeletdsrvion-_.0123456789xyz\x01\xff ";
  const std::vector<beast_http::verb> verbs = {beast_http::verb::get, beast_http::verb::put, beast_http::verb::patch,
                                               beast_http::verb::delete_, beast_http::verb::post,
                                               beast_http::verb::head};
  const std::vector<std::string> prefixes = {"/secrets/", "/secrets/a/", "/deletedsecrets/", "/", "", "?"};
  const std::vector<std::string> bodies = {"", "{", R"({"value": "v"})", R"({"value": "v", "tags": {"a": {}}})",
                                           "\xff\xfe", R"({"attributes": {"nbf": 1e400}})",
                                           R"({"value": "x", "attributes": {"exp": 18446744073709551615}})"};
  for (int i = 0; i < 3000; ++i) {
    std::string path = prefixes[random() % prefixes.size()];
    const int length = static_cast<int>(random() % 24);
    for (int c = 0; c < length; ++c) path.push_back(alphabet[random() % alphabet.size()]);
    if (random() % 2) path += "?api-version=7.5";
    const Reply reply = send(verbs[random() % verbs.size()], path, bodies[random() % bodies.size()]);
    EXPECT_GE(reply.status, 200u) << path;
    EXPECT_LT(reply.status, 500u) << path;
  }
}

}  // namespace
