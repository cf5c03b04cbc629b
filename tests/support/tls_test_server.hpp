#pragma once
// TlsTestServer: a raw HTTP/1.1 server on 127.0.0.1 (TLS, or plain when given no context)
// that misbehaves on purpose, chosen by the request path (the query is ignored):
//   /stall             reads the request and never answers
//   /reset             announces Content-Length 1000, sends 10 bytes, then resets the connection
//   /drop              reads the request and closes without answering
//   /close-after       answers, then closes without having said "Connection: close"
//   /delay/<ms>        answers after <ms> milliseconds
//   /bytes/<n>         answers with a body of n bytes
//   /lines             a chunked body made of the configured chunks, one every chunk delay
//   /lines-then-stall  the configured chunks, then never the end of the body
//   anything else      200 echoing the request: X-Seen-Method, X-Seen-Target, X-Seen-Host,
//                      X-Seen-User-Agent, X-Seen-Content-Length headers; body = request body
// It counts TCP accepts and the most connections open at once, and records the last SNI.
// Use on the executor's thread; destroying it closes the listener and every connection.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aci::testing {

class TlsTestServer {
 public:
  // Listens on an ephemeral port at once; throws std::runtime_error if it cannot.
  TlsTestServer(boost::asio::any_io_executor executor, std::shared_ptr<boost::asio::ssl::context> tls);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  std::uint16_t port() const;
  std::size_t accepted() const;
  std::size_t max_concurrent() const;
  std::string last_sni() const;  // empty when the client sent none

  // What /lines and /lines-then-stall send, each chunk a separate chunked-encoding chunk.
  void set_chunks(std::vector<std::string> chunks, std::chrono::milliseconds delay);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace aci::testing
