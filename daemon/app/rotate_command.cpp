#include "daemon/app/rotate_command.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <nlohmann/json.hpp>

#include "daemon/app/rotation_endpoint.hpp"

namespace aci::app {

namespace beast = boost::beast;
using boost::asio::ip::tcp;

int run_rotate(const config::Config& config, const std::string& name, std::ostream& out, std::ostream& err) {
  const auto where = config.server.address + ":" + std::to_string(config.server.port);
  try {
    // A one-shot command: blocking I/O is fine here, unlike in the daemon.
    boost::asio::io_context io;
    tcp::resolver resolver(io);
    tcp::socket socket(io);
    boost::asio::connect(socket, resolver.resolve(config.server.address, std::to_string(config.server.port)));
    beast::http::request<beast::http::string_body> request(beast::http::verb::post,
                                                           std::string(kRotationsPath) + name, 11);
    request.set(beast::http::field::host, where);
    request.prepare_payload();
    beast::http::write(socket, request);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> response;
    beast::http::read(socket, buffer, response);
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (response.result_int() == 202) {
      out << "rotation " << name << " queued\n";
      return 0;
    }
    const auto reason = body.is_object() ? body.value("error", response.body()) : response.body();
    err << "aci-operator: rotate " << name << ": " << reason << "\n";
  } catch (const boost::system::system_error& error) {
    err << "aci-operator: cannot reach the daemon at " << where << ": " << error.code().message() << "\n";
  }
  return 1;
}

}  // namespace aci::app
