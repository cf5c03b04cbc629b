// Fuzz target over the emulator's request path: raw bytes are parsed as an HTTP/1.1
// request exactly as HttpServer parses them (same parser, same body limit), then
// routed and answered by a seeded Emulator. Any throw other than DropConnection,
// any crash and any 5xx that no fault rule asked for is a finding. The placeholders
// {{ARM}}, {{VAULT}}, {{GRAPH}} in an input become valid bearer tokens, so mutations
// reach the services behind the token checks.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "daemon/crypto/certificate.hpp"
#include "emulator/emulator.hpp"
#include "emulator/iso_time.hpp"
#include "emulator/seed/seed_file.hpp"

namespace {

namespace http = boost::beast::http;
using namespace aci::emulator;

struct World {
  World() {
    auto ca = aci::crypto::make_certificate_authority("fuzz CA", std::chrono::hours(24 * 365 * 30));
    auto signing = aci::crypto::make_leaf_certificate(*ca, "fuzz signing", {}, {}, std::chrono::hours(24 * 365 * 30));
    EmulatorOptions options;
    options.base_url = "https://127.0.0.1:8443";
    options.random_seed = 1;
    options.arm.random_seed = 1;
    options.max_body_bytes = std::size_t{64} * 1024;
    emulator = std::make_unique<Emulator>(io.get_executor(), [this] { return now; }, *signing, options);
    auto seed = read_seed_file(std::string(ACI_SOURCE_DIR) + "/config/emulator-demo.yaml");
    if (!seed || !emulator->seed(*seed)) std::abort();
    arm = token("https://management.azure.com/.default");
    vault = token("https://vault.azure.net/.default");
    graph = token("https://graph.microsoft.com/.default");
  }

  std::string token(const std::string& scope) const {
    http::request<http::string_body> request{http::verb::post, "/00000000-0000-0000-0000-0000000000aa/oauth2/v2.0/token", 11};
    request.set(http::field::content_type, "application/x-www-form-urlencoded");
    request.body() = "grant_type=client_credentials&client_id=22222222-2222-2222-2222-222222222222"
                     "&client_secret=demo-only-secret&scope=" + scope;
    auto body = nlohmann::json::parse(emulator->process(request).response.body(), nullptr, false);
    if (!body.is_object() || !body.contains("access_token")) std::abort();
    return body["access_token"].get<std::string>();
  }

  boost::asio::io_context io;
  TimePoint now = *parse_iso8601("2025-01-01T00:00:00Z");
  std::unique_ptr<Emulator> emulator;
  std::string arm, vault, graph;
};

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  std::string input(reinterpret_cast<const char*>(data), size);
  replace_all(input, "{{ARM}}", world.arm);
  replace_all(input, "{{VAULT}}", world.vault);
  replace_all(input, "{{GRAPH}}", world.graph);

  http::request_parser<http::string_body> parser;
  parser.body_limit(std::uint64_t{1024} * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(input), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (ec || !parser.is_done()) return 0;  // the server closes such connections without answering
  auto request = parser.release();
  Emulator::Outcome outcome = world.emulator->process(request);
  // An input may have set fault rules or drained a throttling bucket; the next starts clean.
  http::request<http::string_body> clear{http::verb::delete_, "/_emulator/faults", 11};
  world.emulator->process(clear);
  if (request.target().starts_with("/_emulator/faults")) return 0;
  if (outcome.response.result_int() >= 500 && !outcome.drop_before) {
    std::fprintf(stderr, "unexpected %u for %.*s: %s\n", outcome.response.result_int(),
                 static_cast<int>(request.target().size()), request.target().data(), outcome.response.body().c_str());
    std::abort();
  }
  return 0;
}
