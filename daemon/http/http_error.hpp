#pragma once
// The failure of an HTTP client call: a category callers branch on and a message for
// people. Messages name the origin and the phase that failed; they never contain
// request bodies, header values such as Authorization, or query strings.

#include <string>
#include <string_view>

namespace aci::http {

enum class ErrorKind {
  resolve,    // the host name did not resolve
  connect,    // no TCP connection could be made
  tls,        // handshake or certificate verification failed, or TLS broke later
  timeout,    // the request's deadline passed
  protocol,   // not valid HTTP, a bad URL, or a body over the limit
  closed,     // the peer closed or reset the connection before the response was complete
  cancelled,  // the caller or a shutdown cancelled the call; not a failure of the peer
};

std::string_view to_string(ErrorKind kind);

struct Error {
  ErrorKind kind;
  std::string message;
};

// "<origin>: <phase>: <reason>", the one shape of every client error message.
Error make_error(ErrorKind kind, std::string_view origin, std::string_view phase, std::string_view reason);

// The error of a call its watchdog stopped (`why` is timeout or cancelled) during `phase`.
Error aborted_error(ErrorKind why, std::string_view origin, std::string_view phase);

}  // namespace aci::http
