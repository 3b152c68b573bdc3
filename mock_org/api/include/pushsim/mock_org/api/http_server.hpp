#pragma once
// http_server: the HTTP/1.1 server behind `pushsim serve`. It only moves bytes: every request is parsed, turned
// into a pushsim::rest_request, given to the owner's pure handler, and the returned rest_response is written back.
// Asio and Beast stay inside http_server.cpp (one translation unit).
//
// Threading: one io thread (the one that calls run()). The handler, the pacer callbacks and posted work all run
// on it, one at a time, so the platform behind the handler needs no locks. post(), stop() and rearm_pacer() may
// be called from any thread.
//
// Fault hook: when the handler's answer carries a wire_fault (answer.hpp), the server, instead of a normal answer,
//   drop       closes the connection without sending anything;
//   empty      sends the status line and the handler's headers with an empty body (Content-Length: 0);
//   malformed  sends bytes that are not valid HTTP, then closes the connection;
//   truncate   sends the headers and half of the body (Content-Length announces all of it), then closes.
//
// Limits, answered as Salesforce's front end does, then the connection is closed: a request line longer than
// uri_bytes_max -> 414 URI Too Long; header fields larger than header_bytes_max -> 431 Request Header Fields Too
// Large; a body larger than body_bytes_max -> 413 Request Entity Too Large; anything that is not HTTP/1.x -> 400.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/mock_org/api/answer.hpp"

namespace pushsim::mock_org::api {

// The pure request handler: called on the io thread, once per request, in arrival order per connection. It must
// not throw (expected failures are responses); an exception would end run(). A handler may return a plain
// rest_response (no fault).
using request_handler = std::function<answer(const rest_request&)>;

// The PEM files of a TLS server identity: the certificate chain (leaf first) and its private key.
struct tls_files {
  std::string certificate_chain_file;
  std::string private_key_file;
};

// Server settings. Sizes in bytes, durations as named.
struct http_server_options {
  std::string bind_address = "127.0.0.1";           // IPv4 or IPv6 literal
  std::uint16_t port = 0;                           // 0 = let the kernel pick one; start() reports it
  std::optional<tls_files> tls;                     // set: every connection speaks TLS 1.2+ with this identity
  std::size_t uri_bytes_max = 16 * 1024;            // request-target length -> 414 beyond
  std::size_t header_bytes_max = 32 * 1024;         // all header fields together -> 431 beyond
  std::size_t body_bytes_max = 64 * 1024 * 1024;    // request body -> 413 beyond
  bool keep_alive = true;                           // false: close after every response
  std::size_t connections_max = 10'000;             // back-pressure: accepting pauses at this many open connections
  std::chrono::milliseconds idle_timeout{120'000};  // a connection with no complete request for this long closes
  std::chrono::milliseconds stop_timeout{5'000};    // graceful stop closes whatever is still open after this
};

// Where the server listens (after start()).
struct bound_endpoint {
  std::string address;
  std::uint16_t port = 0;
};

// Counters for tests and the serve status line (read on the io thread or after run() returned).
struct http_server_stats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t requests_handled = 0;  // handler calls
  std::uint64_t errors_answered = 0;   // 400/413/414/431 written by the server itself
  std::size_t connections_open = 0;
};

class http_server {
 public:
  http_server(request_handler handler, http_server_options options = {});
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Loads the TLS identity (when options.tls), binds and listens (does not block). Returns the bound endpoint, or
  // the TLS file, bind or listen error.
  boost::system::result<bound_endpoint> start();

  // Runs the io loop on the calling thread until stop() has finished (all connections closed).
  void run();

  // Graceful stop: stop accepting, close idle connections, let requests already received get their response,
  // then close; after stop_timeout everything still open is closed. Thread-safe; idempotent.
  void stop();

  // Calls stop() on SIGINT or SIGTERM (Asio signal_set). Call before run().
  void stop_on_signals();

  // Runs fn on the io thread (thread-safe).
  void post(std::function<void()> fn);

  // Sim-time pacing: one steady_timer armed at next_wake() (nullopt = nothing scheduled); when it fires the
  // server calls on_wake() and re-arms. The server re-reads next_wake() after every handler call and posted
  // function, so a request that schedules an earlier event moves the timer. Call before run() or from the io
  // thread.
  void set_pacer(std::function<std::optional<std::chrono::steady_clock::time_point>()> next_wake,
                 std::function<void()> on_wake);

  // Re-reads next_wake() (thread-safe), e.g. after the owner changed the speed from another thread.
  void rearm_pacer();

  // Counters (see http_server_stats for when they may be read).
  http_server_stats stats() const;

  struct impl;  // defined in the .cpp only; named here so its private helpers can refer to it

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace pushsim::mock_org::api
