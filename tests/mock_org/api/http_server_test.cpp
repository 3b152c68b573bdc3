// http_server over real loopback sockets, driven by a synchronous Beast client.

#include "pushsim/mock_org/api/http_server.hpp"

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

namespace {

namespace api = pushsim::mock_org::api;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

api::wire_fault fault_named(std::string_view name) {
  for (const auto f :
       {api::wire_fault::drop, api::wire_fault::empty, api::wire_fault::malformed, api::wire_fault::truncate}) {
    if (api::to_string(f) == name) return f;
  }
  return api::wire_fault::none;
}

// Echoes method, target and body; /fault/<kind> asks for a transport fault; /slow waits before answering.
api::answer echo(const pushsim::rest_request& req, std::atomic<bool>* slow_entered) {
  pushsim::rest_response res;
  res.status = 200;
  res.headers.emplace_back("Content-Type", "text/plain");
  res.headers.emplace_back("X-Echo-Method", req.method);
  res.body = req.method + " " + req.target + " " + req.body;
  if (req.target == "/status/503") res.status = 503;
  if (req.target == "/slow") {
    if (slow_entered) *slow_entered = true;
    std::this_thread::sleep_for(300ms);
  }
  if (req.target.starts_with("/fault/")) return api::answer(std::move(res), fault_named(req.target.substr(7)));
  return res;
}

// A server running on its own io thread for the duration of one test.
class running_server {
 public:
  explicit running_server(api::http_server_options options = {}, api::request_handler handler = {})
      : server_(handler ? std::move(handler) : api::request_handler([this](const pushsim::rest_request& r) {
                  return echo(r, &slow_entered);
                }),
                std::move(options)) {
    auto bound = server_.start();
    EXPECT_TRUE(bound.has_value());
    port = bound->port;
    thread_ = std::thread([this] { server_.run(); });
  }
  ~running_server() { stop_and_join(); }
  void stop_and_join() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  api::http_server& server() { return server_; }

  std::uint16_t port = 0;
  std::atomic<bool> slow_entered{false};

 private:
  api::http_server server_;
  std::thread thread_;
};

// A blocking client connection with a 5 s bound on every operation.
class client {
 public:
  explicit client(std::uint16_t port) : stream_(ioc_) {
    stream_.expires_after(5s);
    stream_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void send(http::verb verb, const std::string& target, std::string body = {}) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.body() = std::move(body);
    req.prepare_payload();
    send(req);
  }
  void send(http::request<http::string_body>& req) {
    stream_.expires_after(5s);
    http::write(stream_, req);
  }
  void send_raw(std::string_view bytes) {
    stream_.expires_after(5s);
    asio::write(stream_, asio::buffer(bytes.data(), bytes.size()));
  }
  // Reads one response; ec holds the failure if there was none.
  http::response<http::string_body> read(beast::error_code& ec) {
    http::response<http::string_body> res;
    stream_.expires_after(5s);
    http::read(stream_, buffer_, res, ec);
    return res;
  }
  http::response<http::string_body> read() {
    beast::error_code ec;
    auto res = read(ec);
    EXPECT_FALSE(ec) << ec.message();
    return res;
  }
  http::response<http::string_body> round_trip(http::verb verb, const std::string& target, std::string body = {}) {
    send(verb, target, std::move(body));
    return read();
  }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

TEST(HttpServer, AnswersGetPostAndPatch) {
  running_server s;
  client c(s.port);
  auto get = c.round_trip(http::verb::get, "/services/data/v60.0/query?q=SELECT+Id+FROM+X");
  EXPECT_EQ(get.result_int(), 200u);
  EXPECT_EQ(get.body(), "GET /services/data/v60.0/query?q=SELECT+Id+FROM+X ");
  EXPECT_EQ(get[http::field::content_type], "text/plain");
  EXPECT_FALSE(get[http::field::date].empty());
  auto post = c.round_trip(http::verb::post, "/sobjects/PackagePushRequest", R"({"a":1})");
  EXPECT_EQ(post.body(), R"(POST /sobjects/PackagePushRequest {"a":1})");
  auto patch = c.round_trip(http::verb::patch, "/sobjects/PackagePushRequest/0DV", R"({"Status":"Pending"})");
  EXPECT_EQ(patch["X-Echo-Method"], "PATCH");
  EXPECT_EQ(c.round_trip(http::verb::get, "/status/503").result_int(), 503u);
}

TEST(HttpServer, ReportsTheKernelChosenPort) {
  running_server s;
  EXPECT_NE(s.port, 0);
}

TEST(HttpServer, KeepAliveReusesOneConnection) {
  running_server s;
  {
    client c(s.port);
    for (int i = 0; i < 10; ++i) {
      auto res = c.round_trip(http::verb::get, "/r" + std::to_string(i));
      EXPECT_TRUE(res.keep_alive());
      EXPECT_EQ(res.body(), "GET /r" + std::to_string(i) + " ");
    }
  }
  s.stop_and_join();
  EXPECT_EQ(s.server().stats().connections_accepted, 1u);
  EXPECT_EQ(s.server().stats().requests_handled, 10u);
}

TEST(HttpServer, AnswersPipelinedRequestsInOrder) {
  running_server s;
  client c(s.port);
  c.send_raw(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
      "GET /three HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(c.read().body(), "GET /one ");
  EXPECT_EQ(c.read().body(), "POST /two abc");
  EXPECT_EQ(c.read().body(), "GET /three ");
}

TEST(HttpServer, ServesFiftyConcurrentConnections) {
  running_server s;
  std::vector<std::unique_ptr<client>> clients;
  clients.reserve(50);
  for (int i = 0; i < 50; ++i) clients.push_back(std::make_unique<client>(s.port));
  for (int i = 0; i < 50; ++i) clients[static_cast<std::size_t>(i)]->send(http::verb::get, "/c" + std::to_string(i));
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(clients[static_cast<std::size_t>(i)]->read().body(), "GET /c" + std::to_string(i) + " ");
  }
  clients.clear();
  s.stop_and_join();
  EXPECT_EQ(s.server().stats().connections_accepted, 50u);
}

TEST(HttpServer, PausesAcceptingAtConnectionsMax) {
  api::http_server_options o;
  o.connections_max = 2;
  running_server s(o);
  auto a = std::make_unique<client>(s.port);
  client b(s.port);
  EXPECT_EQ(a->round_trip(http::verb::get, "/a").result_int(), 200u);
  EXPECT_EQ(b.round_trip(http::verb::get, "/b").result_int(), 200u);
  client third(s.port);  // queued in the kernel's backlog, not accepted yet
  third.send(http::verb::get, "/third");
  a.reset();  // frees a slot: the third connection is accepted and answered
  EXPECT_EQ(third.read().body(), "GET /third ");
}

TEST(HttpServer, ClosesIdleAndStalledConnections) {
  api::http_server_options o;
  o.idle_timeout = 50ms;
  running_server s(o);
  client idle(s.port);
  client stalled(s.port);
  stalled.send_raw("GET /half HTTP/1.1\r\nHost: x\r\n");  // never finishes its header
  beast::error_code ec;
  idle.read(ec);
  EXPECT_EQ(ec, http::error::end_of_stream);
  stalled.read(ec);
  EXPECT_EQ(ec, http::error::end_of_stream);
  EXPECT_EQ(client(s.port).round_trip(http::verb::get, "/fresh").result_int(), 200u);
}

TEST(HttpServer, AnswersOversizeUriWith414) {
  api::http_server_options o;
  o.uri_bytes_max = 1024;
  running_server s(o);
  for (std::size_t length : {1100u, 20000u}) {
    client c(s.port);
    std::string target(length + 1, 'q');
    target.front() = '/';
    c.send(http::verb::get, target);
    auto res = c.read();
    EXPECT_EQ(res.result_int(), 414u) << length;
    EXPECT_FALSE(res.keep_alive());
    EXPECT_NE(res.body().find("URI_TOO_LONG"), std::string::npos);
  }
  EXPECT_EQ(client(s.port).round_trip(http::verb::get, "/ok").result_int(), 200u);
}

TEST(HttpServer, AnswersOversizeHeadersWith431) {
  api::http_server_options o;
  o.header_bytes_max = 2048;
  running_server s(o);
  {
    http::request<http::string_body> one_big{http::verb::get, "/", 11};
    one_big.set("X-Big", std::string(10000, 'h'));
    client c(s.port);
    c.send(one_big);
    EXPECT_EQ(c.read().result_int(), 431u);
  }
  {
    http::request<http::string_body> many{http::verb::get, "/", 11};
    for (int i = 0; i < 10; ++i) many.insert("X-H" + std::to_string(i), std::string(300, 'v'));
    client c(s.port);
    c.send(many);
    EXPECT_EQ(c.read().result_int(), 431u);
  }
}

TEST(HttpServer, AnswersOversizeBodyWith413) {
  api::http_server_options o;
  o.body_bytes_max = 1000;
  running_server s(o);
  client c(s.port);
  c.send(http::verb::post, "/big", std::string(5000, 'b'));
  auto res = c.read();
  EXPECT_EQ(res.result_int(), 413u);
  EXPECT_FALSE(res.keep_alive());
  client ok(s.port);
  EXPECT_EQ(ok.round_trip(http::verb::post, "/small", std::string(1000, 'b')).result_int(), 200u);
}

TEST(HttpServer, AnswersMalformedHttpWith400AndStaysUp) {
  running_server s;
  for (std::string_view garbage :
       {"GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n", "POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n"}) {
    client c(s.port);
    c.send_raw(garbage);
    EXPECT_EQ(c.read().result_int(), 400u) << garbage;
  }
  EXPECT_EQ(client(s.port).round_trip(http::verb::get, "/after").body(), "GET /after ");
}

TEST(HttpServer, DropFaultClosesWithoutResponse) {
  running_server s;
  client c(s.port);
  c.send(http::verb::get, "/fault/drop");
  beast::error_code ec;
  c.read(ec);
  EXPECT_EQ(ec, http::error::end_of_stream);
}

TEST(HttpServer, EmptyFaultSendsHeadersWithEmptyBody) {
  running_server s;
  client c(s.port);
  auto res = c.round_trip(http::verb::get, "/fault/empty");
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_TRUE(res.body().empty());
  EXPECT_EQ(c.round_trip(http::verb::get, "/next").body(), "GET /next ");  // connection still usable
}

TEST(HttpServer, MalformedFaultSendsInvalidHttp) {
  running_server s;
  client c(s.port);
  c.send(http::verb::get, "/fault/malformed");
  beast::error_code ec;
  c.read(ec);
  EXPECT_TRUE(ec);
  EXPECT_EQ(ec.category(), http::make_error_code(http::error::bad_status).category()) << ec.message();
}

TEST(HttpServer, TruncateFaultDropsMidBody) {
  running_server s;
  client c(s.port);
  c.send(http::verb::get, "/fault/truncate");
  beast::error_code ec;
  c.read(ec);
  EXPECT_EQ(ec, http::error::partial_message);
}

TEST(HttpServer, GracefulStopFinishesInFlightRequests) {
  running_server s;
  client idle(s.port);
  EXPECT_EQ(idle.round_trip(http::verb::get, "/warm").result_int(), 200u);
  client busy(s.port);
  busy.send(http::verb::get, "/slow");
  while (!s.slow_entered) std::this_thread::sleep_for(1ms);
  s.server().stop();  // while /slow is inside the handler
  auto res = busy.read();
  EXPECT_EQ(res.result_int(), 200u);
  EXPECT_EQ(res.body(), "GET /slow ");
  beast::error_code ec;
  idle.read(ec);  // the idle connection was closed
  EXPECT_EQ(ec, http::error::end_of_stream);
  s.stop_and_join();  // run() returned
  asio::io_context ioc;
  tcp::socket late(ioc);
  late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port), ec);
  EXPECT_EQ(ec, asio::error::connection_refused);
}

TEST(HttpServer, StopsOnSigterm) {
  api::http_server server([](const pushsim::rest_request&) { return pushsim::rest_response{}; });
  ASSERT_TRUE(server.start().has_value());
  server.stop_on_signals();
  std::thread raiser([] {
    std::this_thread::sleep_for(50ms);
    std::raise(SIGTERM);
  });
  server.run();  // returns only because the signal stopped the server
  raiser.join();
}

TEST(HttpServer, PacerFiresEventsInTimeOrder) {
  using steady = std::chrono::steady_clock;
  std::mutex mu;  // the test thread reads `fired` after run() returned; mutex keeps tools quiet
  std::set<std::pair<steady::time_point, int>> pending;
  std::vector<std::pair<int, steady::time_point>> fired;  // id, wall time of firing
  std::map<int, steady::time_point> due;
  api::http_server server([](const pushsim::rest_request&) { return pushsim::rest_response{}; });
  ASSERT_TRUE(server.start().has_value());
  const auto t0 = steady::now() + 20ms;
  for (int id : {3, 1, 2}) {
    pending.emplace(t0 + id * 15ms, id);
    due[id] = t0 + id * 15ms;
  }
  server.set_pacer(
      [&]() -> std::optional<steady::time_point> {
        if (pending.empty()) return std::nullopt;
        return pending.begin()->first;
      },
      [&] {
        std::lock_guard lock(mu);
        const auto now = steady::now();
        while (!pending.empty() && pending.begin()->first <= now) {
          fired.emplace_back(pending.begin()->second, now);
          pending.erase(pending.begin());
        }
        if (pending.empty() && fired.size() == 4) server.stop();
      });
  // Work posted from another thread adds an event earlier than all others: the timer must move.
  server.post([&] {
    pending.emplace(t0, 0);
    due[0] = t0;
  });
  std::thread runner([&] { server.run(); });
  runner.join();
  std::lock_guard lock(mu);
  ASSERT_EQ(fired.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(fired[static_cast<std::size_t>(i)].first, i);
    EXPECT_GE(fired[static_cast<std::size_t>(i)].second, due[i]);
  }
}

}  // namespace
