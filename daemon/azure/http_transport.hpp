#pragma once
// HttpTransport: the one call the Azure pipeline needs from an HTTP client, as an
// interface, so unit tests drive retries, throttling and token handling with a
// scripted fake instead of sockets. HttpClientTransport forwards to the real
// http::HttpClient, which must outlive it. Same threading rules as HttpClient.

#include <boost/asio/awaitable.hpp>

#include "daemon/core/expected.hpp"
#include "daemon/http/client.hpp"

namespace aci::azure {

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual boost::asio::awaitable<Expected<http::Response, http::Error>> send(http::Request request,
                                                                             http::RequestOptions options) = 0;
};

class HttpClientTransport final : public HttpTransport {
 public:
  explicit HttpClientTransport(http::HttpClient& client) : client_(client) {}

  // HttpTransport
  boost::asio::awaitable<Expected<http::Response, http::Error>> send(http::Request request,
                                                                     http::RequestOptions options) override {
    return client_.send(std::move(request), options);
  }

 private:
  http::HttpClient& client_;
};

}  // namespace aci::azure
