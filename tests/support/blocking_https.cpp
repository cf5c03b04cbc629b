#include "tests/support/blocking_https.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <algorithm>
#include <cctype>

namespace aci::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string HttpsResponse::header(const std::string& name) const {
  auto found = headers.find(lower(name));
  return found == headers.end() ? std::string() : found->second;
}

HttpsResponse https_request(unsigned short port, const std::string& ca_file, const HttpsRequest& request,
                            std::chrono::milliseconds timeout) {
  HttpsResponse out;
  const auto started = std::chrono::steady_clock::now();
  const std::string host = request.host.empty() ? "127.0.0.1" : request.host;
  try {
    asio::io_context io;
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.load_verify_file(ca_file);
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    const std::string name = host.substr(0, host.rfind(':') == std::string::npos || host.front() == '[' ? host.size() : host.rfind(':'));
    boost::system::error_code ec;
    asio::ip::make_address(name, ec);
    if (ec) SSL_set_tlsext_host_name(stream.native_handle(), name.c_str());
    stream.set_verify_callback(asio::ssl::host_name_verification(name));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.handshake(asio::ssl::stream_base::client);
    http::request<http::string_body> message{http::string_to_verb(request.method), request.target, 11};
    message.set(http::field::host, host);
    for (const auto& [key, value] : request.headers) message.set(key, value);
    message.body() = request.body;
    message.prepare_payload();
    http::write(stream, message);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{64} * 1024 * 1024);
    if (request.method == "HEAD") parser.skip(true);
    http::read(stream, buffer, parser);
    auto response = parser.release();
    out.status = response.result_int();
    for (const auto& field : response) out.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    out.body = response.body();
    stream.shutdown(ec);
  } catch (const std::exception& error) {
    out.error = error.what();
  }
  out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return out;
}

std::string https_raw(unsigned short port, const std::string& ca_file, const std::string& bytes,
                      std::chrono::milliseconds timeout) {
  std::string received;
  try {
    asio::io_context io;
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.load_verify_file(ca_file);
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream.handshake(asio::ssl::stream_base::client);
    asio::write(stream, asio::buffer(bytes));
    char chunk[4096];
    boost::system::error_code ec;
    for (;;) {
      const auto n = stream.read_some(asio::buffer(chunk), ec);
      received.append(chunk, n);
      if (ec) break;
    }
  } catch (const std::exception&) {
  }
  return received;
}

}  // namespace aci::testing
