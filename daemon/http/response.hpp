#pragma once
// Response: a whole HTTP response as HttpClient returns it and the Azure clients parse
// it. Apart from client.hpp so that pure parsers (and the fuzz targets over them)
// compile without Asio's I/O machinery: Beast's fields container needs only headers.

#include <boost/beast/http/fields.hpp>
#include <string>
#include <string_view>

namespace aci::http {

struct Response {
  unsigned status = 0;
  boost::beast::http::fields headers{};
  std::string body{};

  // The first value of `name`, or "" when absent.
  std::string header(std::string_view name) const;
};

}  // namespace aci::http
