// The only translation unit of pushsim::mock_org_api_server that includes Asio and Beast.
// Shape: listener (accept loop, in http_server::impl) + one session per connection (read a request, call the
// pure handler, write the answer, repeat). Requests on a connection are handled strictly in order, one at a
// time: pipelined requests wait in the read buffer, so each connection has at most one request in flight and
// a client that does not read its answers stops being read (back-pressure). Across connections, accepting
// pauses at connections_max.

#include "pushsim/mock_org/api/http_server.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <csignal>
#include <ctime>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include "pushsim/base/assert.hpp"

namespace pushsim::mock_org::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
// A socket bound to the io_context's own executor: no type-erased executor copies per operation.
using socket_type = tcp::socket::rebind_executor<asio::io_context::executor_type>::other;
using steady = std::chrono::steady_clock;

namespace detail {

class session;

void append_number(std::string& out, std::size_t n) {
  std::array<char, 24> digits{};
  auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), n);
  PUSHSIM_ASSERT(ec == std::errc{}, "to_chars failed");
  out.append(digits.data(), end);
}

// A connection's byte stream: the accepted socket, or TLS over it (serve --tls). Beast's and Asio's composed reads
// and writes go through it; closing and draining use the socket itself.
class conn_stream {
 public:
  using executor_type = socket_type::executor_type;
  conn_stream(socket_type socket, asio::ssl::context* tls) : socket_(std::move(socket)) {
    if (tls != nullptr) tls_.emplace(socket_, *tls);
  }
  conn_stream(const conn_stream&) = delete;
  conn_stream& operator=(const conn_stream&) = delete;

  executor_type get_executor() { return socket_.get_executor(); }
  socket_type& socket() { return socket_; }
  bool tls() const { return tls_.has_value(); }

  template <class Buffers, class Handler>
  auto async_read_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Handler>(handler));
    return socket_.async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <class Buffers, class Handler>
  auto async_write_some(const Buffers& buffers, Handler&& handler) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<Handler>(handler));
    return socket_.async_write_some(buffers, std::forward<Handler>(handler));
  }
  // The server side of the TLS handshake (only when tls()).
  template <class Handler>
  void async_handshake(Handler&& handler) {
    tls_->async_handshake(asio::ssl::stream_base::server, std::forward<Handler>(handler));
  }

 private:
  socket_type socket_;
  std::optional<asio::ssl::stream<socket_type&>> tls_;
};

bool has_crlf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// Headers the server writes itself; the handler's values for them are ignored.
bool server_owned_header(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Connection") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Date");
}

}  // namespace detail

struct http_server::impl {
  impl(request_handler h, http_server_options o) : handler(std::move(h)), options(std::move(o)) {}
  ~impl();

  void do_accept();
  void on_accept(beast::error_code ec, socket_type socket);
  void arm_idle_sweep();
  void idle_sweep();
  void do_stop();
  void on_session_closed(detail::session* s);
  void arm_pacer();
  std::string_view date_value();

  // Declared before ioc: sessions destroyed while the io_context shuts down still unregister here.
  request_handler handler;
  http_server_options options;
  std::unordered_set<detail::session*> sessions;  // only iterated to close them: order never reaches results
  http_server_stats counters;
  bool stopping = false;
  bool destroying = false;
  bool accept_paused = false;
  bool listening = false;
  std::function<std::optional<std::chrono::steady_clock::time_point>()> next_wake;
  std::function<void()> on_wake;
  std::optional<std::chrono::steady_clock::time_point> pacer_armed_at;
  std::uint64_t pacer_generation = 0;
  std::time_t date_second = -1;
  std::string date_text;

  asio::io_context ioc{1};
  std::optional<asio::ssl::context> tls_context;  // set by start() when options.tls is
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc};
  asio::steady_timer pacer{ioc};
  asio::steady_timer stop_timer{ioc};
  asio::steady_timer sweep_timer{ioc};
  bool sweeping = false;
};

namespace detail {

// One accepted connection.
class session : public std::enable_shared_from_this<session> {
 public:
  session(http_server::impl& server, socket_type socket)
      : server_(server),
        stream_(std::move(socket), server.tls_context ? &*server.tls_context : nullptr),
        socket_(stream_.socket()) {
    server_.sessions.insert(this);
    ++server_.counters.connections_open;
  }
  ~session() { server_.on_session_closed(this); }
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  // Reads the first request (after the TLS handshake when the server speaks TLS).
  void start() {
    if (!stream_.tls()) {
      do_read();
      return;
    }
    touch(server_.options.idle_timeout);
    stream_.async_handshake([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) {
        self->close();
        return;
      }
      self->do_read();
    });
  }

  // Graceful stop: an idle connection closes now; one with a request under way finishes it first.
  void on_server_stop() {
    if (!reading_) return;  // writing: on_write sees `stopping` and closes
    beast::error_code ec;
    const bool pending_bytes = buffer_.size() > 0 || (parser_ && parser_->got_some()) || socket_.available(ec) > 0;
    if (!pending_bytes || ec) close();
  }

  // Idle timeouts without a timer per operation: every read or write start marks the session as touched; the
  // server's sweep (idle_sweep) turns a touch into a deadline and closes sessions whose deadline passed.
  void touch(std::chrono::milliseconds limit) {
    touched_ = true;
    idle_limit_ = limit;
  }
  void sweep(steady::time_point now) {
    if (touched_) {
      touched_ = false;
      idle_deadline_ = now + idle_limit_;
    } else if (now >= idle_deadline_) {
      close();
    }
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

 private:
  void do_read() {
    reading_ = true;
    // A large upload grew the buffer: give the memory back once it has been consumed.
    if (buffer_.size() == 0 && buffer_.capacity() > 1024 * 1024) buffer_.shrink_to_fit();
    parser_.emplace();
    const auto& o = server_.options;
    // Generous total so that the request line and the fields can be judged apart (414 vs 431).
    parser_->header_limit(static_cast<std::uint32_t>(o.uri_bytes_max + o.header_bytes_max + 1024));
    parser_->body_limit(o.body_bytes_max);
    touch(o.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    reading_ = false;
    if (closed_) return;
    if (ec) {
      if (ec == http::error::header_limit) {
        // Judge by the request line still in the buffer: a long line is a long URI.
        const auto data = buffer_.cdata();
        const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
        const auto eol = bytes.find("\r\n");
        const std::size_t line_bytes = eol == std::string_view::npos ? bytes.size() : eol;
        if (line_bytes > server_.options.uri_bytes_max) {
          write_error(414, "URI_TOO_LONG", "The request URI is too long.");
        } else {
          write_error(431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "The request header fields are too large.");
        }
        return;
      }
      if (ec == http::error::body_limit) {
        write_error(413, "REQUEST_ENTITY_TOO_LARGE", "The request body is too large.");
        return;
      }
      if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
          ec != http::error::end_of_stream && ec != http::error::partial_message) {
        write_error(400, "BAD_REQUEST", "The request is not valid HTTP/1.1.");
        return;
      }
      close();  // end of stream, idle timeout, reset, stop
      return;
    }
    handle();
  }

  void handle() {
    auto& msg = parser_->get();
    const auto& o = server_.options;
    if (msg.target().size() > o.uri_bytes_max) {
      write_error(414, "URI_TOO_LONG", "The request URI is too long.");
      return;
    }
    std::size_t field_bytes = 0;
    std::size_t field_count = 0;
    for (const auto& f : msg) {
      field_bytes += f.name_string().size() + f.value().size() + 4;
      ++field_count;
    }
    if (field_bytes > o.header_bytes_max) {
      write_error(431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "The request header fields are too large.");
      return;
    }

    request_.method.assign(msg.method_string());
    request_.target.assign(msg.target());
    request_.headers.resize(field_count);
    std::size_t i = 0;
    for (const auto& f : msg) {
      request_.headers[i].first.assign(f.name_string());
      request_.headers[i].second.assign(f.value());
      ++i;
    }
    request_.body = std::move(msg.body());
    const bool head = msg.method() == http::verb::head;
    const bool http10 = msg.version() == 10;
    bool keep_alive = msg.keep_alive() && o.keep_alive && !server_.stopping;

    answer ans = server_.handler(request_);
    rest_response& res = ans.response;
    ++server_.counters.requests_handled;
    server_.arm_pacer();

    const wire_fault fault = ans.fault;
    switch (fault) {
      case wire_fault::drop: close(); return;
      case wire_fault::malformed:
        head_.assign("HTTP/1.1 2x0 Garbled\r\nthis line is not a header\r\n\r\n{\"");
        body_.clear();
        write(/*close_after=*/true, /*linger=*/false);
        return;
      case wire_fault::empty: res.body.clear(); break;
      case wire_fault::truncate: keep_alive = false; break;
      case wire_fault::none: break;
    }

    serialize_head(res, res.body.size() + (fault == wire_fault::truncate && res.body.empty() ? 1 : 0), keep_alive,
                   http10);
    body_ = std::move(res.body);
    if (head) body_.clear();
    if (fault == wire_fault::truncate) body_.resize(body_.size() / 2);
    write(!keep_alive, /*linger=*/false);
  }

  void serialize_head(const rest_response& res, std::size_t content_length, bool keep_alive, bool http10) {
    PUSHSIM_ASSERT(res.status >= 100 && res.status <= 999, "handler returned an invalid HTTP status");
    head_.clear();
    head_.append("HTTP/1.1 ");
    append_number(head_, static_cast<std::size_t>(res.status));
    head_.push_back(' ');
    const auto reason = http::obsolete_reason(http::int_to_status(static_cast<unsigned>(res.status)));
    head_.append(reason.data(), reason.size());
    head_.append("\r\n");
    for (const auto& [name, value] : res.headers) {
      if (server_owned_header(name)) continue;
      PUSHSIM_ASSERT(!has_crlf(name) && !has_crlf(value) && !name.empty(), "handler returned a bad header");
      head_.append(name);
      head_.append(": ");
      head_.append(value);
      head_.append("\r\n");
    }
    head_.append("Date: ");
    head_.append(server_.date_value());
    head_.append("\r\nContent-Length: ");
    append_number(head_, content_length);
    if (!keep_alive) {
      head_.append("\r\nConnection: close");
    } else if (http10) {
      head_.append("\r\nConnection: keep-alive");
    }
    head_.append("\r\n\r\n");
  }

  void write_error(int status, std::string_view code, std::string_view message) {
    ++server_.counters.errors_answered;
    rest_response res;
    res.status = status;
    res.headers.emplace_back("Content-Type", "application/json;charset=UTF-8");
    res.body.append("[{\"message\":\"").append(message).append("\",\"errorCode\":\"").append(code).append("\"}]");
    serialize_head(res, res.body.size(), /*keep_alive=*/false, /*http10=*/false);
    body_ = std::move(res.body);
    write(/*close_after=*/true, /*linger=*/true);
  }

  void write(bool close_after, bool linger) {
    close_after_ = close_after;
    linger_ = linger;
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    touch(server_.options.idle_timeout);
    asio::async_write(stream_, buffers,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }

  void on_write(beast::error_code ec) {
    if (closed_) return;
    if (ec) {
      close();
      return;
    }
    if (linger_) {
      // The client may still be sending what we refused: stop reading it politely so that it sees our
      // answer instead of a reset.
      beast::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
      buffer_.clear();
      drained_bytes_ = 0;
      touch(std::chrono::seconds(1));
      drain();
      return;
    }
    if (close_after_) {
      close();
      return;
    }
    if (server_.stopping) {
      beast::error_code avail_ec;
      if (buffer_.size() == 0 && socket_.available(avail_ec) == 0) {
        close();
        return;
      }
    }
    do_read();
  }

  void drain() {
    socket_.async_read_some(buffer_.prepare(64 * 1024),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_bytes_ += n;
                              if (ec || self->closed_ || self->drained_bytes_ > 4 * 1024 * 1024) {
                                self->close();
                                return;
                              }
                              self->drain();
                            });
  }

  http_server::impl& server_;
  conn_stream stream_;
  socket_type& socket_;  // stream_'s socket
  std::chrono::milliseconds idle_limit_{0};
  steady::time_point idle_deadline_{};
  bool touched_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  rest_request request_;
  std::string head_;
  std::string body_;
  std::size_t drained_bytes_ = 0;
  bool reading_ = false;
  bool close_after_ = false;
  bool linger_ = false;
  bool closed_ = false;
};

}  // namespace detail

http_server::impl::~impl() {
  destroying = true;
  beast::error_code ec;
  acceptor.close(ec);
  ioc.stop();
}

void http_server::impl::do_accept() {
  acceptor.async_accept(ioc, [this](beast::error_code ec, socket_type socket) { on_accept(ec, std::move(socket)); });
}

void http_server::impl::on_accept(beast::error_code ec, socket_type socket) {
  if (ec == asio::error::operation_aborted || stopping) return;
  if (!ec) {
    beast::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    ++counters.connections_accepted;
    std::make_shared<detail::session>(*this, std::move(socket))->start();
    arm_idle_sweep();
  }
  if (sessions.size() >= options.connections_max) {
    accept_paused = true;
    return;
  }
  do_accept();
}

void http_server::impl::on_session_closed(detail::session* s) {
  sessions.erase(s);
  --counters.connections_open;
  if (destroying) return;
  if (stopping) {
    if (sessions.empty()) stop_timer.cancel();
    return;
  }
  if (accept_paused && sessions.size() < options.connections_max) {
    accept_paused = false;
    do_accept();
  }
}

void http_server::impl::do_stop() {
  if (stopping) return;
  stopping = true;
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  ++pacer_generation;
  pacer.cancel();
  sweep_timer.cancel();
  std::vector<std::shared_ptr<detail::session>> open;
  open.reserve(sessions.size());
  for (auto* s : sessions) open.push_back(s->shared_from_this());
  for (const auto& s : open) s->on_server_stop();
  if (!sessions.empty()) {
    stop_timer.expires_after(options.stop_timeout);
    stop_timer.async_wait([this](beast::error_code wait_ec) {
      if (wait_ec) return;
      std::vector<std::shared_ptr<detail::session>> left;
      for (auto* s : sessions) left.push_back(s->shared_from_this());
      for (const auto& s : left) s->close();
    });
  }
}

void http_server::impl::arm_pacer() {
  if (!next_wake || stopping) return;
  const auto at = next_wake();
  if (at == pacer_armed_at) return;
  pacer_armed_at = at;
  const std::uint64_t generation = ++pacer_generation;
  if (!at) {
    pacer.cancel();
    return;
  }
  pacer.expires_at(*at);
  pacer.async_wait([this, generation](beast::error_code ec) {
    // A stale generation is a wait whose completion was already queued when the timer was moved.
    if (ec || generation != pacer_generation || stopping) return;
    pacer_armed_at.reset();
    on_wake();
    arm_pacer();
  });
}

void http_server::impl::arm_idle_sweep() {
  if (sweeping || stopping || destroying) return;
  sweeping = true;
  // A session is closed between idle_timeout and idle_timeout + period after its last activity.
  const auto period =
      std::clamp(options.idle_timeout / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
  sweep_timer.expires_after(period);
  sweep_timer.async_wait([this](beast::error_code ec) {
    sweeping = false;
    if (ec || destroying) return;
    idle_sweep();
  });
}

void http_server::impl::idle_sweep() {
  const auto now = steady::now();
  std::vector<std::shared_ptr<detail::session>> open;
  open.reserve(sessions.size());
  for (auto* s : sessions) open.push_back(s->shared_from_this());
  for (const auto& s : open) s->sweep(now);
  if (!sessions.empty()) arm_idle_sweep();
}

std::string_view http_server::impl::date_value() {
  const std::time_t now = std::time(nullptr);
  if (now != date_second) {
    date_second = now;
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::array<char, 64> text{};
    const std::size_t n = std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    date_text.assign(text.data(), n);
  }
  return date_text;
}

http_server::http_server(request_handler handler, http_server_options options)
    : impl_(std::make_unique<impl>(std::move(handler), std::move(options))) {
  PUSHSIM_ASSERT(impl_->handler != nullptr, "http_server needs a handler");
}

http_server::~http_server() = default;

boost::system::result<bound_endpoint> http_server::start() {
  auto& i = *impl_;
  PUSHSIM_ASSERT(!i.listening, "http_server::start called twice");
  beast::error_code ec;
  const auto address = asio::ip::make_address(i.options.bind_address, ec);
  if (ec) return ec;
  if (i.options.tls) {
    i.tls_context.emplace(asio::ssl::context::tls_server);
    i.tls_context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                                   asio::ssl::context::no_tlsv1_1,
                               ec);
    if (!ec) i.tls_context->use_certificate_chain_file(i.options.tls->certificate_chain_file, ec);
    if (!ec) i.tls_context->use_private_key_file(i.options.tls->private_key_file, asio::ssl::context::pem, ec);
    if (ec) {
      i.tls_context.reset();
      return ec;
    }
  }
  const tcp::endpoint endpoint(address, i.options.port);
  i.acceptor.open(endpoint.protocol(), ec);
  if (ec) return ec;
  i.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  i.acceptor.bind(endpoint, ec);
  if (ec) return ec;
  i.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ec;
  const auto local = i.acceptor.local_endpoint(ec);
  if (ec) return ec;
  i.listening = true;
  i.do_accept();
  return bound_endpoint{local.address().to_string(), local.port()};
}

void http_server::run() {
  impl_->arm_pacer();
  impl_->ioc.run();
}

void http_server::stop() {
  asio::post(impl_->ioc, [i = impl_.get()] { i->do_stop(); });
}

void http_server::stop_on_signals() {
  auto& i = *impl_;
  i.signals.add(SIGINT);
  i.signals.add(SIGTERM);
  i.signals.async_wait([p = impl_.get()](beast::error_code ec, int) {
    if (!ec) p->do_stop();
  });
}

void http_server::post(std::function<void()> fn) {
  asio::post(impl_->ioc, [i = impl_.get(), fn = std::move(fn)] {
    fn();
    i->arm_pacer();
  });
}

void http_server::set_pacer(std::function<std::optional<std::chrono::steady_clock::time_point>()> next_wake,
                            std::function<void()> on_wake) {
  PUSHSIM_ASSERT(next_wake && on_wake, "set_pacer needs both callbacks");
  impl_->next_wake = std::move(next_wake);
  impl_->on_wake = std::move(on_wake);
  impl_->pacer_armed_at.reset();
  ++impl_->pacer_generation;
  impl_->pacer.cancel();
  impl_->arm_pacer();
}

void http_server::rearm_pacer() {
  asio::post(impl_->ioc, [i = impl_.get()] { i->arm_pacer(); });
}

http_server_stats http_server::stats() const { return impl_->counters; }

}  // namespace pushsim::mock_org::api
