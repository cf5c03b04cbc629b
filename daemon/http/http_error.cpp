#include "daemon/http/http_error.hpp"

namespace aci::http {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::resolve:
      return "resolve";
    case ErrorKind::connect:
      return "connect";
    case ErrorKind::tls:
      return "tls";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::protocol:
      return "protocol";
    case ErrorKind::closed:
      return "closed";
    case ErrorKind::cancelled:
      return "cancelled";
  }
  return "unknown";
}

Error make_error(ErrorKind kind, std::string_view origin, std::string_view phase, std::string_view reason) {
  std::string message(origin);
  message.append(": ").append(phase).append(": ").append(reason);
  return Error{kind, std::move(message)};
}

Error aborted_error(ErrorKind why, std::string_view origin, std::string_view phase) {
  return make_error(why, origin, phase, why == ErrorKind::timeout ? "deadline exceeded" : "cancelled");
}

}  // namespace aci::http
