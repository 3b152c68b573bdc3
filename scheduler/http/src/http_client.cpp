// The only translation unit of pushsim::scheduler_http that includes Asio, Beast and OpenSSL.
// Each pooled connection is driven by one C++20 coroutine; send_all() spawns one per connection in use, and
// they take requests from a shared index in order, so results come back in request order.

#include "pushsim/scheduler/http/http_client.hpp"

#include <charconv>
#include <optional>
#include <stdexcept>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "pushsim/base/assert.hpp"

namespace pushsim::scheduler::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

std::string_view to_string(transport_error e) {
  switch (e) {
    case transport_error::bad_url: return "bad_url";
    case transport_error::resolve_failed: return "resolve_failed";
    case transport_error::connection_refused: return "connection_refused";
    case transport_error::timeout: return "timeout";
    case transport_error::connection_dropped: return "connection_dropped";
    case transport_error::tls_verify_failed: return "tls_verify_failed";
    case transport_error::tls_error: return "tls_error";
    case transport_error::malformed_response: return "malformed_response";
    case transport_error::unsafe_request: return "unsafe_request";
    case transport_error::other: return "other";
  }
  return "other";
}

void throw_exception_from_error(const send_error& e, const boost::source_location& loc) {
  throw std::runtime_error(std::string("http_client: ") + std::string(to_string(e.code)) + ": " + e.message +
                           " (value() called on an error at " + loc.file_name() + ")");
}

namespace detail {

// instance_url split into its parts.
struct parsed_url {
  bool tls = false;
  std::string host;         // without brackets for IPv6 literals
  std::string port;         // always set ("443", "80" by default)
  std::string host_header;  // what goes into Host:
  std::string prefix;       // path prefix without trailing '/', usually empty
};

// True when text holds a byte that must never reach the wire in a request line or header: CR, LF, NUL, any
// other control character but horizontal tab, or DEL (an LF in a token would inject headers).
bool has_control_character(std::string_view text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

// Why a request cannot be sent safely (a control character in its method, target or a header), or nothing.
std::optional<std::string> unsafe_part(const rest_request& request) {
  if (has_control_character(request.method)) return std::string("the method");
  if (has_control_character(request.target)) return std::string("the target");
  for (const auto& [name, value] : request.headers) {
    const bool bad_name = has_control_character(name) || name.find_first_of(" \t:") != std::string::npos;
    if (bad_name || has_control_character(value)) {
      return "header " + (has_control_character(name) ? std::string("(unprintable name)") : name);
    }
  }
  return std::nullopt;
}

std::optional<parsed_url> parse_url(std::string_view url) {
  parsed_url out;
  if (has_control_character(url)) return std::nullopt;
  if (url.starts_with("https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view prefix = url.substr(slash);
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    out.prefix = prefix;
  }
  if (authority.empty()) return std::nullopt;
  std::string_view host = authority;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
  }
  out.host = host;
  out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
  out.host_header = std::string(authority);
  return out;
}

bool idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

// One pooled connection (plain or TLS).
struct connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  clock_type::time_point last_used{};

  bool open() const { return plain.has_value() || secure.has_value(); }
  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  void close() {
    beast::error_code ec;
    if (open()) lowest().socket().close(ec);
    secure.reset();
    plain.reset();
    buffer.clear();
  }
};

// Requests of one send_all() call and where their results go.
struct batch {
  const std::vector<rest_request>& requests;
  std::vector<std::optional<send_result>> results;
  std::size_t next = 0;
};

send_error make_error(transport_error code, std::string message) { return send_error{code, std::move(message)}; }

bool is_drop(const beast::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message || ec == ssl::error::stream_truncated;
}

}  // namespace detail

struct http_client::impl {
  explicit impl(http_client_options o);

  asio::awaitable<void> worker(detail::connection& c, detail::batch& b);
  asio::awaitable<send_result> exchange(detail::connection& c, const rest_request& request);
  asio::awaitable<std::optional<send_error>> connect(detail::connection& c, clock_type::time_point deadline);

  http_client_options options;
  std::optional<detail::parsed_url> url;
  http_client_stats counters;
  asio::io_context ioc{1};
  ssl::context tls{ssl::context::tls_client};
  std::vector<detail::connection> pool;
};

http_client::impl::impl(http_client_options o) : options(std::move(o)), url(detail::parse_url(options.instance_url)) {
  PUSHSIM_ASSERT(options.connections_max >= 1, "http_client needs at least one connection");
  pool.resize(options.connections_max);
  if (options.insecure_skip_verify) {
    tls.set_verify_mode(ssl::verify_none);
  } else {
    tls.set_verify_mode(ssl::verify_peer);
    beast::error_code ec;
    if (options.ca_file.empty()) {
      tls.set_default_verify_paths(ec);
    } else {
      tls.load_verify_file(options.ca_file, ec);
    }
    // A missing store only means nothing verifies: every handshake then fails with tls_verify_failed.
  }
}

asio::awaitable<std::optional<send_error>> http_client::impl::connect(detail::connection& c,
                                                                      clock_type::time_point deadline) {
  using detail::make_error;
  beast::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  tcp::resolver resolver(ioc);
  // Resolution has no deadline of its own in Asio; loopback and literals resolve without I/O.
  const auto endpoints = co_await resolver.async_resolve(url->host, url->port, token);
  if (ec) co_return make_error(transport_error::resolve_failed, url->host + ": " + ec.message());

  c.close();
  if (url->tls) {
    c.secure.emplace(ioc, tls);
  } else {
    c.plain.emplace(ioc);
  }
  auto& stream = c.lowest();
  stream.expires_at(deadline);
  co_await stream.async_connect(endpoints, token);
  if (ec) {
    c.close();
    if (ec == beast::error::timeout) co_return make_error(transport_error::timeout, "connect timed out");
    if (ec == asio::error::connection_refused) {
      co_return make_error(transport_error::connection_refused, url->host + ":" + url->port + " refused");
    }
    co_return make_error(transport_error::other, "connect: " + ec.message());
  }
  stream.socket().set_option(tcp::no_delay(true), ec);
  ec = {};
  if (url->tls) {
    SSL* handle = c.secure->native_handle();
    // SNI (names only; an IP literal is not sent), then the name the certificate must carry.
    beast::error_code addr_ec;
    asio::ip::make_address(url->host, addr_ec);
    if (addr_ec) {
      SSL_ctrl(handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               static_cast<void*>(const_cast<char*>(url->host.c_str())));
    }
    if (!options.insecure_skip_verify) c.secure->set_verify_callback(ssl::host_name_verification(url->host));
    co_await c.secure->async_handshake(ssl::stream_base::client, token);
    if (ec) {
      const long verify = SSL_get_verify_result(handle);
      c.close();
      if (ec == beast::error::timeout) co_return make_error(transport_error::timeout, "TLS handshake timed out");
      if (verify != X509_V_OK) {
        co_return make_error(transport_error::tls_verify_failed,
                             std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify));
      }
      co_return make_error(transport_error::tls_error, "TLS handshake: " + ec.message());
    }
  }
  ++counters.connections_opened;
  co_return std::nullopt;
}

asio::awaitable<send_result> http_client::impl::exchange(detail::connection& c, const rest_request& request) {
  using detail::make_error;
  if (!url) {
    co_return make_error(transport_error::bad_url, "not an http:// or https:// URL (or one with control characters)");
  }
  if (auto part = detail::unsafe_part(request)) {
    co_return make_error(transport_error::unsafe_request, "not sent: " + *part + " contains a control character");
  }
  const auto start = clock_type::now();
  const auto deadline = start + options.request_timeout;

  bhttp::request<bhttp::string_body> msg;
  const bhttp::verb verb = bhttp::string_to_verb(request.method);
  if (verb == bhttp::verb::unknown) {
    msg.method_string(request.method);
  } else {
    msg.method(verb);
  }
  msg.target(url->prefix.empty() ? request.target : url->prefix + request.target);
  msg.version(11);
  msg.set(bhttp::field::host, url->host_header);
  bool has_agent = false;
  for (const auto& [name, value] : request.headers) {
    if (iequals(name, "Host") || iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding")) continue;
    if (iequals(name, "User-Agent")) has_agent = true;
    msg.insert(name, value);
  }
  if (!has_agent) msg.set(bhttp::field::user_agent, options.user_agent);
  msg.body() = request.body;
  msg.prepare_payload();

  beast::error_code ec;
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  for (int attempt = 0;; ++attempt) {
    if (c.open() && start - c.last_used > options.idle_reconnect) c.close();
    const bool reused = c.open();
    if (!reused) {
      if (auto err = co_await connect(c, deadline)) co_return *err;
    }
    ++counters.requests_sent;
    c.lowest().expires_at(deadline);
    if (c.secure) {
      co_await bhttp::async_write(*c.secure, msg, token);
    } else {
      co_await bhttp::async_write(*c.plain, msg, token);
    }
    const bool wrote = !ec;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.response_body_bytes_max);
    parser.header_limit(1024 * 1024);
    if (verb == bhttp::verb::head) parser.skip(true);
    if (wrote) {
      if (c.secure) {
        co_await bhttp::async_read(*c.secure, c.buffer, parser, token);
      } else {
        co_await bhttp::async_read(*c.plain, c.buffer, parser, token);
      }
    }
    if (ec) {
      const bool nothing_back = !parser.got_some() && c.buffer.size() == 0;
      c.close();
      if (ec == beast::error::timeout) co_return make_error(transport_error::timeout, "no response in time");
      // A keep-alive connection the server had already closed: nothing was processed, try a fresh one.
      if (reused && attempt == 0 && nothing_back && detail::is_drop(ec) &&
          (!wrote || detail::idempotent(request.method))) {
        continue;
      }
      if (detail::is_drop(ec)) co_return make_error(transport_error::connection_dropped, ec.message());
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_status).category()) {
        co_return make_error(transport_error::malformed_response, ec.message());
      }
      if (ec.category() == asio::error::get_ssl_category() || ec.category() == ssl::error::get_stream_category()) {
        co_return make_error(transport_error::tls_error, ec.message());
      }
      co_return make_error(transport_error::other, ec.message());
    }
    auto& res = parser.get();
    rest_response out;
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    if (!res.keep_alive()) {
      c.close();
    } else {
      c.last_used = clock_type::now();
    }
    co_return out;
  }
}

asio::awaitable<void> http_client::impl::worker(detail::connection& c, detail::batch& b) {
  while (b.next < b.requests.size()) {
    const std::size_t index = b.next++;
    b.results[index] = co_await exchange(c, b.requests[index]);
  }
}

http_client::http_client(http_client_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

http_client::~http_client() = default;

send_result http_client::send(const rest_request& request) {
  auto results = send_all(std::vector<rest_request>{request});
  return std::move(results.front());
}

std::vector<send_result> http_client::send_all(const std::vector<rest_request>& requests) {
  auto& i = *impl_;
  detail::batch b{requests, std::vector<std::optional<send_result>>(requests.size()), 0};
  // Prefer connections already open, so a lone send() reuses a keep-alive connection.
  std::vector<detail::connection*> order;
  for (auto& c : i.pool) {
    if (c.open()) order.push_back(&c);
  }
  for (auto& c : i.pool) {
    if (!c.open()) order.push_back(&c);
  }
  const std::size_t workers = std::min(order.size(), requests.size());
  for (std::size_t k = 0; k < workers; ++k) {
    asio::co_spawn(i.ioc, i.worker(*order[k], b), [](const std::exception_ptr& e) {
      if (e) std::rethrow_exception(e);
    });
  }
  i.ioc.restart();
  i.ioc.run();
  std::vector<send_result> out;
  out.reserve(requests.size());
  for (auto& r : b.results) {
    PUSHSIM_ASSERT(r.has_value(), "http_client: a request got no result");
    out.push_back(std::move(*r));
  }
  return out;
}

void http_client::close_all() {
  for (auto& c : impl_->pool) c.close();
}

http_client_stats http_client::stats() const { return impl_->counters; }

}  // namespace pushsim::scheduler::http
