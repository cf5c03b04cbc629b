#include "daemon/http/response.hpp"

namespace aci::http {

std::string Response::header(std::string_view name) const {
  const auto found = headers.find(name);
  return found == headers.end() ? std::string() : std::string(found->value());
}

}  // namespace aci::http
