#pragma once
// FakeTransport: a scripted HttpTransport for unit tests of the Azure pipeline and
// clients. Each send() is recorded and answered by the handler, which sees the
// request and how many came before; responses are built with the helpers below.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/azure/http_transport.hpp"

namespace aci::test {

struct SentRequest {
  http::Request request;
  http::RequestOptions options;

  std::string header(std::string_view name) const {
    const auto found = request.headers.find(name);
    return found == request.headers.end() ? std::string() : std::string(found->value());
  }
};

class FakeTransport final : public azure::HttpTransport {
 public:
  using Handler = std::function<Expected<http::Response, http::Error>(const http::Request&, std::size_t index)>;

  explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}

  // HttpTransport
  boost::asio::awaitable<Expected<http::Response, http::Error>> send(http::Request request,
                                                                     http::RequestOptions options) override {
    const std::size_t index = sent.size();
    sent.push_back(SentRequest{request, options});
    co_return handler_(sent.back().request, index);
  }

  void set_handler(Handler handler) { handler_ = std::move(handler); }

  std::vector<SentRequest> sent;

 private:
  Handler handler_;
};

inline http::Response respond(unsigned status, std::string body = {},
                              const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  for (const auto& [name, value] : headers) response.headers.insert(name, value);
  return response;
}

inline Expected<http::Response, http::Error> answer(
    unsigned status, std::string body = {},
    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return respond(status, std::move(body), headers);
}

inline Expected<http::Response, http::Error> transport_failure(http::ErrorKind kind, std::string message) {
  return unexpected(http::Error{kind, std::move(message)});
}

}  // namespace aci::test
