#include "daemon/kube/kube_client.hpp"

#include <boost/beast/http/field.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "daemon/core/utf8.hpp"
#include "daemon/http/retry_after.hpp"
#include "daemon/http/url.hpp"

namespace aci::kube {

namespace beast = boost::beast;
using nlohmann::json;

namespace {

// The token file is re-read at least this often: the kubelet rewrites it long before it expires.
constexpr auto kTokenFileMaxAge = std::chrono::minutes(1);
// A message from the server is quoted in status and logs: bounded, and valid UTF-8.
constexpr std::size_t kMessageLimit = 1024;
// Retry-After beyond this is not waited out inside one request; the caller retries later.
constexpr auto kLongestRetryAfter = std::chrono::seconds(30);

bool retriable(unsigned status) { return status == 429 || status == 500 || status == 502 || status == 503 || status == 504; }

std::string method_label(beast::http::verb method) { return std::string(beast::http::to_string(method)); }

std::string read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto token = text.str();
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

}  // namespace

std::string KubeError::to_string() const {
  std::string text = status == 0 ? std::string("no response") : std::to_string(status);
  if (!reason.empty()) text += " " + reason;
  return text + ": " + message;
}

KubeError error_from_status(unsigned http_status, const json& status) {
  KubeError error;
  error.status = http_status;
  if (status.is_object()) {
    if (const auto code = status.find("code"); http_status == 0 && code != status.end() && code->is_number_integer() &&
                                               code->get<std::int64_t>() > 0 && code->get<std::int64_t>() < 1000)
      error.status = static_cast<unsigned>(code->get<std::int64_t>());
    if (const auto reason = status.find("reason"); reason != status.end() && reason->is_string())
      error.reason = core::to_valid_utf8(reason->get<std::string>());
    if (const auto message = status.find("message"); message != status.end() && message->is_string())
      error.message = core::utf8_prefix(core::to_valid_utf8(message->get<std::string>()), kMessageLimit);
  }
  if (error.message.empty()) error.message = "the API server answered " + std::to_string(error.status);
  return error;
}

Expected<std::unique_ptr<KubeClient>, std::string> KubeClient::create(boost::asio::any_io_executor executor,
                                                                      KubeConfig config, KubeClientOptions options,
                                                                      const core::Clock& clock, log::Logger logger,
                                                                      metrics::KubeMetrics* metrics) {
  auto url = http::Url::parse(config.server);
  if (!url || url->scheme != "https") return unexpected("Kubernetes API server '" + config.server + "' is not an https URL");
  http::ClientOptions client_options;
  client_options.tls.extra_ca_pem = config.ca_pem;
  client_options.tls.client_certificate_pem = config.client_certificate_pem;
  client_options.tls.client_key_pem = config.client_key_pem;
  client_options.user_agent = options.user_agent;
  // A watch holds its connection for minutes; requests must not queue behind them.
  client_options.max_connections_per_host = options.watches + 8;
  if (!config.tls_server_name.empty()) {
    // Verify the certificate for tls-server-name while connecting to the server's address.
    const auto named = http::HostPort{config.tls_server_name, url->port}.to_string();
    client_options.connect_to[named] = url->authority();
    config.server = "https://" + named + url->target.substr(0, url->target == "/" ? 0 : url->target.size());
  }
  auto http = http::HttpClient::create(executor, std::move(client_options));
  if (!http) return unexpected("Kubernetes API client (" + config.origin + "): " + http.error());
  if (!config.token.empty()) logger.sink().redactor().add(config.token);
  auto host = url->authority();
  return std::unique_ptr<KubeClient>(new KubeClient(std::move(executor), std::move(config), std::move(options), clock,
                                                    std::move(logger), metrics, std::move(*http), std::move(host)));
}

KubeClient::KubeClient(boost::asio::any_io_executor executor, KubeConfig config, KubeClientOptions options,
                       const core::Clock& clock, log::Logger logger, metrics::KubeMetrics* metrics,
                       std::unique_ptr<http::HttpClient> http, std::string host)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      options_(std::move(options)),
      clock_(clock),
      logger_(std::move(logger)),
      metrics_(metrics),
      http_(std::move(http)),
      host_(std::move(host)),
      limiter_(clock, options_.qps, options_.burst),
      random_(core::make_uniform_random(std::random_device{}())) {}

KubeClient::~KubeClient() { shutdown(); }

void KubeClient::shutdown() { http_->shutdown(); }

std::string KubeClient::authorization(bool force) {
  if (!config_.token.empty()) return "Bearer " + config_.token;
  if (config_.token_file.empty()) return {};
  const auto now = clock_.steady_now();
  if (force || !file_token_read_ || now - *file_token_read_ >= kTokenFileMaxAge) {
    auto token = read_token_file(config_.token_file);
    if (token.empty()) {
      logger_.warn("cannot read the Kubernetes token file; keeping the last token", {{"file", config_.token_file}});
    } else if (token != file_token_) {
      logger_.sink().redactor().remove(file_token_);
      logger_.sink().redactor().add(token);
      file_token_ = std::move(token);
    }
    file_token_read_ = now;
  }
  return file_token_.empty() ? std::string() : "Bearer " + file_token_;
}

boost::asio::awaitable<void> KubeClient::pace() {
  const auto delay = limiter_.when("");
  if (delay > core::Duration::zero()) co_await clock_.sleep_for(executor_, delay);
}

http::Request KubeClient::make_request(beast::http::verb method, const std::string& target, const std::string& body,
                                       const std::string& content_type, bool fresh_token) {
  http::Request request;
  request.method = method;
  request.url = config_.server + target;
  request.headers.set(beast::http::field::accept, "application/json");
  if (const auto auth = authorization(fresh_token); !auth.empty())
    request.headers.set(beast::http::field::authorization, auth);
  if (!body.empty()) request.headers.set(beast::http::field::content_type, content_type);
  request.body = body;
  return request;
}

void KubeClient::count(beast::http::verb method, const std::string& code, core::SteadyTime started) {
  if (metrics_ != nullptr) metrics_->request(method_label(method), host_, code, clock_.steady_now() - started);
}

boost::asio::awaitable<Expected<json, KubeError>> KubeClient::request(KubeRequest call) {
  const auto method = call.method;
  const auto& target = call.target;
  const auto text = call.body ? core::dump_json(*call.body) : std::string();
  const auto& content_type = call.content_type;
  core::Backoff backoff(core::BackoffOptions{.base = std::chrono::milliseconds(200), .cap = std::chrono::seconds(10)},
                        random_);
  bool fresh_token = false;
  KubeError last;
  for (std::uint32_t attempt = 1; attempt <= options_.attempts; ++attempt) {
    co_await pace();
    auto request = make_request(method, target, text, content_type, fresh_token);
    http::RequestOptions request_options;
    request_options.timeout = options_.timeout;
    const auto started = clock_.steady_now();
    auto response = co_await http_->send(std::move(request), request_options);
    std::optional<std::chrono::milliseconds> wait;
    if (!response) {
      count(method, "<error>", started);
      if (response.error().kind == http::ErrorKind::cancelled) {
        KubeError cancelled{0, "", "cancelled"};
        co_return unexpected(std::move(cancelled));
      }
      last = KubeError{0, "", core::to_valid_utf8(response.error().message)};
    } else {
      count(method, std::to_string(response->status), started);
      auto parsed = json::parse(response->body, nullptr, false);
      if (response->status >= 200 && response->status < 300) {
        if (response->body.empty()) co_return json::object();
        if (parsed.is_discarded())
          co_return unexpected(KubeError{response->status, "", "the API server's answer is not JSON"});
        co_return parsed;
      }
      last = error_from_status(response->status, parsed);
      if (response->status == 401 && !fresh_token && !config_.token_file.empty()) {
        fresh_token = true;  // the kubelet may have rotated the token: read it again, once
        continue;
      }
      if (!retriable(response->status)) co_return unexpected(std::move(last));
      wait = http::retry_after_from_headers(*response, clock_.now());
    }
    if (attempt == options_.attempts) break;
    auto delay = backoff.next();
    if (wait && *wait > delay) delay = std::min<std::chrono::milliseconds>(*wait, kLongestRetryAfter);
    logger_.debug("retrying a Kubernetes request",
                  {{"method", method_label(method)}, {"error", last.to_string()}, {"delay_ms", delay.count()}});
    co_await clock_.sleep_for(executor_, delay);
  }
  co_return unexpected(std::move(last));
}

boost::asio::awaitable<Expected<std::unique_ptr<http::ResponseStream>, KubeError>> KubeClient::watch(
    KubeRequest call) {
  co_await pace();
  auto request = make_request(beast::http::verb::get, call.target, "", "", false);
  http::RequestOptions request_options;
  request_options.timeout = options_.timeout;  // until the headers; lines have their own deadline
  const auto started = clock_.steady_now();
  auto stream = co_await http_->open_stream(std::move(request), request_options);
  if (!stream) {
    count(beast::http::verb::get, "<error>", started);
    co_return unexpected(KubeError{0, "", core::to_valid_utf8(stream.error().message)});
  }
  const auto status = (*stream)->status();
  count(beast::http::verb::get, std::to_string(status), started);
  if (status == 200) co_return std::move(*stream);
  if (status == 401 && !config_.token_file.empty()) authorization(true);  // the next watch uses a fresh token
  // An error's body is one Status object.
  std::string body;
  auto line = co_await (*stream)->next_line(std::chrono::seconds(10));
  if (line && *line) body = **line;
  co_return unexpected(error_from_status(status, json::parse(body, nullptr, false)));
}

}  // namespace aci::kube
