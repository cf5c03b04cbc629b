#pragma once
// A running azure-emulator for process-level tests: started on port 0 with the
// demo seed (or given flags) in a fresh state directory, its printed port and CA
// path read back, plus helpers to get tokens and call it over verified HTTPS.

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/blocking_https.hpp"
#include "tests/support/child_process.hpp"

namespace aci::testing {

inline const std::string kDemoTenant = "00000000-0000-0000-0000-0000000000aa";
inline const std::string kOperatorAppId = "22222222-2222-2222-2222-222222222222";
inline const std::string kPullAppId = "11111111-1111-1111-1111-111111111111";
inline const std::string kDemoSubscription = "00000000-0000-0000-0000-000000000001";

class EmulatorInstance {
 public:
  explicit EmulatorInstance(std::vector<std::string> extra_args = {}, std::string state_dir = {}) {
    if (state_dir.empty()) state_dir = dir_.path();
    std::vector<std::string> argv{ACI_EMULATOR_BIN, "--seed", std::string(ACI_SOURCE_DIR) + "/config/emulator-demo.yaml",
                                  "--port", "0", "--state-dir", state_dir};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    process_ = std::make_unique<ChildProcess>(argv);
    const std::string prefix = "azure-emulator listening on https://127.0.0.1:";
    auto listening = process_->wait_for_line([&](const std::string& line) { return line.rfind(prefix, 0) == 0; },
                                             std::chrono::seconds(60));
    auto ca = process_->wait_for_line([](const std::string& line) { return line.rfind("ca: ", 0) == 0; },
                                      std::chrono::seconds(10));
    if (!listening || !ca) return;
    port_ = static_cast<unsigned short>(std::stoi(listening->substr(prefix.size())));
    ca_file_ = ca->substr(4);
  }

  bool started() const { return port_ != 0; }
  unsigned short port() const { return port_; }
  const std::string& ca_file() const { return ca_file_; }
  std::string base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  ChildProcess& process() { return *process_; }
  const TempDir& dir() const { return dir_; }

  HttpsResponse call(const std::string& method, const std::string& target, const std::string& body = "",
                     std::map<std::string, std::string> headers = {}, const std::string& host = "") {
    HttpsRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.headers = std::move(headers);
    request.host = host;
    if (!body.empty() && !request.headers.count("Content-Type")) request.headers["Content-Type"] = "application/json";
    return https_request(port_, ca_file_, request);
  }

  HttpsResponse token_response(const std::string& scope, const std::string& client_id = kOperatorAppId,
                               const std::string& secret = "demo-only-secret") {
    return call("POST", "/" + kDemoTenant + "/oauth2/v2.0/token",
                "grant_type=client_credentials&client_id=" + client_id + "&client_secret=" + secret + "&scope=" + scope,
                {{"Content-Type", "application/x-www-form-urlencoded"}});
  }

  std::string token(const std::string& scope) {
    auto response = token_response(scope);
    EXPECT_EQ(response.status, 200u) << response.body << response.error;
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    return body.is_object() ? body.value("access_token", "") : "";
  }

  std::map<std::string, std::string> bearer(const std::string& scope) { return {{"Authorization", "Bearer " + token(scope)}}; }

 private:
  TempDir dir_;
  std::unique_ptr<ChildProcess> process_;
  unsigned short port_ = 0;
  std::string ca_file_;
};

}  // namespace aci::testing
