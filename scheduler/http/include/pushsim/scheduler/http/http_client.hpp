#pragma once
// http_client: the real transport of the scheduler — sends pushsim::rest_request messages to a Salesforce
// instance (or `pushsim serve`) over HTTP/1.1 or HTTPS and returns the rest_response, or a transport error as a
// value. Keep-alive connections in a small pool, one deadline per request, TLS through OpenSSL with certificate
// and host name verification on by default. Asio, Beast and OpenSSL stay inside http_client.cpp.
//
// Not thread-safe: one thread uses one client. send() and send_all() block until every answer or error is in.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "pushsim/base/rest_message.hpp"

namespace pushsim::scheduler::http {

// Why an exchange produced no HTTP response. HTTP statuses (4xx, 5xx) are responses, not transport errors.
enum class transport_error {
  bad_url,             // instance_url is not http[s]://host[:port][/prefix]
  resolve_failed,      // the host name did not resolve
  connection_refused,  // nobody listens on the port
  timeout,             // no complete response within request_timeout (connect and TLS included)
  connection_dropped,  // the peer closed or reset the connection before the response was complete
  tls_verify_failed,   // the server's certificate chain or host name did not verify
  tls_error,           // any other TLS handshake or record failure
  malformed_response,  // bytes that are not an HTTP/1.x response (or a response over the size limit)
  unsafe_request,      // not sent: CR, LF, NUL or another control character in the method, target or a header
  other,               // anything else the socket layer reported
};

// Stable lower_snake name of an error ("connection_refused").
std::string_view to_string(transport_error e);

// A transport error with the underlying message (for logs; callers branch on `code`).
struct send_error {
  transport_error code = transport_error::other;
  std::string message;
};

// The response, or why there is none.
using send_result = boost::system::result<rest_response, send_error>;

// Called by send_result::value() on an error (a caller bug: check has_value() first). Throws std::runtime_error.
[[noreturn]] void throw_exception_from_error(const send_error& e, const boost::source_location& loc);

// Client settings.
struct http_client_options {
  std::string instance_url;                           // e.g. "https://na1.my.salesforce.com", "http://127.0.0.1:8080"
  std::size_t connections_max = 4;                    // pool size = concurrency of send_all()
  std::chrono::milliseconds request_timeout{60'000};  // per request, from first byte sent or connect to last read
  std::chrono::milliseconds idle_reconnect{30'000};   // a pooled connection idle this long is reopened, not reused
  bool insecure_skip_verify = false;                  // TLS without certificate or host checks: tests only
  std::string ca_file;                                // PEM trust anchors instead of the system store (empty = system)
  std::size_t response_body_bytes_max = 512 * 1024 * 1024;
  std::string user_agent = "pushsim/0.1";  // sent unless the request has its own User-Agent
};

// Counters (for tests and the run summary).
struct http_client_stats {
  std::uint64_t connections_opened = 0;  // TCP (+TLS) connections established
  std::uint64_t requests_sent = 0;       // exchanges attempted, retries of stale keep-alive connections included
};

class http_client {
 public:
  explicit http_client(http_client_options options);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // Sends one request (target = path and query, e.g. "/services/data/v60.0/query?q=..."). Host, Content-Length
  // and User-Agent are added. A keep-alive connection closed by the server before answering is retried once on
  // a new connection for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS).
  send_result send(const rest_request& request);

  // Sends several requests concurrently over up to connections_max connections; results in request order.
  std::vector<send_result> send_all(const std::vector<rest_request>& requests);

  // Closes every pooled connection.
  void close_all();

  http_client_stats stats() const;

  struct impl;  // defined in the .cpp only; named here so its private helpers can refer to it

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace pushsim::scheduler::http
