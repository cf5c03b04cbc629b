#include "tests/support/plain_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace aci::testing {

namespace beast = boost::beast;

PlainResponse plain_http(const std::string& method, const std::string& host, unsigned short port,
                         const std::string& target, const std::string& body, std::chrono::milliseconds timeout) {
  PlainResponse result;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address(host), port));
    beast::http::request<beast::http::string_body> request{beast::http::string_to_verb(method), target, 11};
    request.set(beast::http::field::host, host);
    request.body() = body;
    request.prepare_payload();
    beast::http::write(stream, request);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> response;
    beast::http::read(stream, buffer, response);
    result.status = response.result_int();
    result.body = response.body();
  } catch (const std::exception& error) {
    result.error = error.what();
  }
  return result;
}

}  // namespace aci::testing
