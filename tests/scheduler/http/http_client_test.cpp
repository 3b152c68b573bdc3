// http_client against real peers on loopback: the mock_org/api server (plain HTTP, with its fault hook, and TLS
// with a generated identity as `serve --tls` uses), a socket that never answers, a closed port, and a test-only
// TLS server with a certificate made at test time.

#include "pushsim/scheduler/http/http_client.hpp"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "pushsim/mock_org/api/http_server.hpp"
#include "pushsim/mock_org/api/tls_identity.hpp"

namespace {

namespace client_ns = pushsim::scheduler::http;
namespace api = pushsim::mock_org::api;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using client_ns::transport_error;
using namespace std::chrono_literals;

pushsim::rest_request make_request(std::string method, std::string target, std::string body = {}) {
  pushsim::rest_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

// The mock_org/api server on its own thread, echoing requests; /fault/<kind> triggers its fault hook.
class echo_server {
 public:
  explicit echo_server(api::http_server_options options = {})
      : server_(
            [](const pushsim::rest_request& req) -> api::answer {
              pushsim::rest_response res;
              res.body = req.method + " " + req.target + " " + req.body;
              res.headers.emplace_back("X-Seen-Host", std::string(req.header("Host")));
              res.headers.emplace_back("X-Seen-Authorization", std::string(req.header("Authorization")));
              if (req.target == "/fault/drop") return api::answer(std::move(res), api::wire_fault::drop);
              if (req.target == "/fault/malformed") return api::answer(std::move(res), api::wire_fault::malformed);
              if (req.target == "/fault/truncate") return api::answer(std::move(res), api::wire_fault::truncate);
              if (req.target == "/fault/empty") return api::answer(std::move(res), api::wire_fault::empty);
              if (req.target == "/created") res.status = 201;
              return res;
            },
            std::move(options)) {
    auto bound = server_.start();
    EXPECT_TRUE(bound.has_value());
    port = bound->port;
    thread_ = std::thread([this] { server_.run(); });
  }
  ~echo_server() { stop_and_join(); }
  void stop_and_join() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
  api::http_server& server() { return server_; }
  std::uint16_t port = 0;

 private:
  api::http_server server_;
  std::thread thread_;
};

client_ns::http_client_options options_for(std::string url) {
  client_ns::http_client_options o;
  o.instance_url = std::move(url);
  o.request_timeout = 5s;
  return o;
}

TEST(HttpClient, RoundTripsRequestsAndHeaders) {
  echo_server s;
  client_ns::http_client c(options_for(s.url()));
  auto get = make_request("GET", "/services/data/v60.0/query?q=SELECT+Id+FROM+PackageSubscriber");
  get.headers.emplace_back("Authorization", "Bearer tok");
  auto r = c.send(get);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /services/data/v60.0/query?q=SELECT+Id+FROM+PackageSubscriber ");
  EXPECT_EQ(r->header("X-Seen-Authorization"), "Bearer tok");
  EXPECT_EQ(r->header("X-Seen-Host"), "127.0.0.1:" + std::to_string(s.port));
  auto post = c.send(make_request("POST", "/created", R"({"Status":"Created"})"));
  ASSERT_TRUE(post.has_value());
  EXPECT_EQ(post->status, 201);
  EXPECT_EQ(post->body, R"(POST /created {"Status":"Created"})");
  auto patch = c.send(make_request("PATCH", "/sobjects/PackagePushRequest/0DV", R"({"Status":"Pending"})"));
  ASSERT_TRUE(patch.has_value());
  EXPECT_EQ(patch->body, R"(PATCH /sobjects/PackagePushRequest/0DV {"Status":"Pending"})");
}

TEST(HttpClient, ReusesKeepAliveConnection) {
  echo_server s;
  client_ns::http_client c(options_for(s.url()));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.send(make_request("GET", "/k")).has_value());
  EXPECT_EQ(c.stats().connections_opened, 1u);
  s.stop_and_join();
  EXPECT_EQ(s.server().stats().connections_accepted, 1u);
}

TEST(HttpClient, SendAllSpreadsOverThePoolAndKeepsOrder) {
  echo_server s;
  auto o = options_for(s.url());
  o.connections_max = 4;
  client_ns::http_client c(o);
  std::vector<pushsim::rest_request> batch;
  batch.reserve(40);
  for (int i = 0; i < 40; ++i) batch.push_back(make_request("GET", "/b" + std::to_string(i)));
  const auto results = c.send_all(batch);
  ASSERT_EQ(results.size(), 40u);
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(results[static_cast<std::size_t>(i)].has_value());
    EXPECT_EQ(results[static_cast<std::size_t>(i)]->body, "GET /b" + std::to_string(i) + " ");
  }
  EXPECT_EQ(c.stats().connections_opened, 4u);
  ASSERT_TRUE(c.send_all(batch).front().has_value());
  EXPECT_EQ(c.stats().connections_opened, 4u);  // the second batch reuses all four
}

TEST(HttpClient, RetriesAKeepAliveConnectionTheServerClosed) {
  api::http_server_options so;
  so.idle_timeout = 100ms;
  echo_server s(so);
  client_ns::http_client c(options_for(s.url()));
  ASSERT_TRUE(c.send(make_request("GET", "/first")).has_value());
  std::this_thread::sleep_for(300ms);  // the server closes the idle connection
  auto r = c.send(make_request("GET", "/second"));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->body, "GET /second ");
  EXPECT_EQ(c.stats().connections_opened, 2u);
}

TEST(HttpClient, TimesOutWhenTheServerNeverAnswers) {
  asio::io_context ioc;
  tcp::acceptor silent(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));  // listens, never accepts
  auto o = options_for("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()));
  o.request_timeout = 200ms;
  client_ns::http_client c(o);
  auto r = c.send(make_request("GET", "/"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, transport_error::timeout) << r.error().message;
}

TEST(HttpClient, ReportsConnectionDroppedMidResponse) {
  echo_server s;
  client_ns::http_client c(options_for(s.url()));
  auto truncated = c.send(make_request("GET", "/fault/truncate"));
  ASSERT_FALSE(truncated.has_value());
  EXPECT_EQ(truncated.error().code, transport_error::connection_dropped) << truncated.error().message;
  auto dropped = c.send(make_request("POST", "/fault/drop", "x"));
  ASSERT_FALSE(dropped.has_value());
  EXPECT_EQ(dropped.error().code, transport_error::connection_dropped) << dropped.error().message;
  EXPECT_TRUE(c.send(make_request("GET", "/after")).has_value());  // the client recovers
}

TEST(HttpClient, ReportsMalformedResponse) {
  echo_server s;
  client_ns::http_client c(options_for(s.url()));
  auto r = c.send(make_request("GET", "/fault/malformed"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, transport_error::malformed_response) << r.error().message;
}

TEST(HttpClient, ReportsConnectionRefused) {
  std::uint16_t port = 0;
  {
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed again: nobody listens there now
  client_ns::http_client c(options_for("http://127.0.0.1:" + std::to_string(port)));
  auto r = c.send(make_request("GET", "/"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, transport_error::connection_refused) << r.error().message;
  EXPECT_EQ(client_ns::to_string(r.error().code), "connection_refused");
}

TEST(HttpClient, RejectsBadUrls) {
  for (const char* url : {"ftp://x", "http://", "https://host:99999", "127.0.0.1:80"}) {
    client_ns::http_client c(options_for(url));
    auto r = c.send(make_request("GET", "/"));
    ASSERT_FALSE(r.has_value()) << url;
    EXPECT_EQ(r.error().code, transport_error::bad_url) << url;
  }
}

TEST(HttpClient, RefusesToSendControlCharactersInHeadersOrTarget) {
  echo_server s;
  client_ns::http_client c(options_for(s.url()));
  auto injected = make_request("GET", "/k");
  injected.headers.emplace_back("Authorization", "Bearer tok\r\nX-Injected: 1");
  auto r = c.send(injected);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, transport_error::unsafe_request) << r.error().message;
  EXPECT_EQ(r.error().message.find("tok"), std::string::npos) << "the secret is echoed: " << r.error().message;
  auto bad_target = c.send(make_request("GET", std::string("/k\nX-Injected: 1")));
  ASSERT_FALSE(bad_target.has_value());
  EXPECT_EQ(bad_target.error().code, transport_error::unsafe_request);
  auto nul = make_request("GET", "/k");
  nul.headers.emplace_back("Authorization", std::string("Bearer a\0b", 10));
  EXPECT_FALSE(c.send(nul).has_value());
  s.stop_and_join();
  EXPECT_EQ(s.server().stats().requests_handled, 0u) << "a refused request reached the server";
  client_ns::http_client bad_url(options_for("http://127.0.0.1:1/\r\nX: y"));
  auto u = bad_url.send(make_request("GET", "/"));
  ASSERT_FALSE(u.has_value());
  EXPECT_EQ(u.error().code, transport_error::bad_url);
}

// A self-signed certificate for DNS name "localhost" only (no IP address), written by the openssl CLI.
class self_signed_cert {
 public:
  self_signed_cert() {
    dir_ = std::filesystem::temp_directory_path() /
           ("pushsim_tls_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost "
        "-addext subjectAltName=DNS:localhost -keyout " +
        key().string() + " -out " + cert().string() + " >/dev/null 2>&1";
    ok = std::system(cmd.c_str()) == 0;
  }
  ~self_signed_cert() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path key() const { return dir_ / "key.pem"; }
  std::filesystem::path cert() const { return dir_ / "cert.pem"; }
  bool ok = false;

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
};

// Test-only HTTPS server: answers every request with 200 "tls ok" until destroyed.
class tls_server {
 public:
  explicit tls_server(const self_signed_cert& cert)
      : tls_(asio::ssl::context::tls_server), acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    tls_.use_certificate_chain_file(cert.cert().string());
    tls_.use_private_key_file(cert.key().string(), asio::ssl::context::pem);
    port = acceptor_.local_endpoint().port();
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~tls_server() {
    ioc_.stop();
    thread_.join();
  }
  std::uint16_t port = 0;
  std::atomic<int> handshakes_ok{0};

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(ioc_, serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(tcp::socket socket) {
    beast::error_code ec;
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    asio::ssl::stream<tcp::socket> stream(std::move(socket), tls_);
    co_await stream.async_handshake(asio::ssl::stream_base::server, token);
    if (ec) co_return;
    ++handshakes_ok;
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      co_await bhttp::async_read(stream, buffer, req, token);
      if (ec) co_return;
      bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
      res.body() = "tls ok";
      res.prepare_payload();
      co_await bhttp::async_write(stream, res, token);
      if (ec) co_return;
    }
  }

  asio::io_context ioc_;
  asio::ssl::context tls_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

TEST(HttpClient, VerifiesCertificatesByDefault) {
  self_signed_cert cert;
  if (!cert.ok) GTEST_SKIP() << "the openssl command line tool is not installed";
  tls_server server(cert);
  const std::string port = std::to_string(server.port);

  client_ns::http_client strict(options_for("https://localhost:" + port));
  auto refused = strict.send(make_request("GET", "/"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, transport_error::tls_verify_failed) << refused.error().message;

  auto insecure_options = options_for("https://localhost:" + port);
  insecure_options.insecure_skip_verify = true;
  client_ns::http_client insecure(insecure_options);
  auto accepted = insecure.send(make_request("GET", "/"));
  ASSERT_TRUE(accepted.has_value()) << accepted.error().message;
  EXPECT_EQ(accepted->body, "tls ok");
  ASSERT_TRUE(insecure.send(make_request("GET", "/again")).has_value());
  EXPECT_EQ(insecure.stats().connections_opened, 1u);  // keep-alive over TLS

  // Trusting the certificate makes it verify for the name it carries, and only for that name.
  auto trusted_options = options_for("https://localhost:" + port);
  trusted_options.ca_file = cert.cert().string();
  client_ns::http_client trusted(trusted_options);
  auto trusted_result = trusted.send(make_request("GET", "/"));
  ASSERT_TRUE(trusted_result.has_value()) << trusted_result.error().message;
  EXPECT_EQ(trusted_result->body, "tls ok");

  auto wrong_name_options = options_for("https://127.0.0.1:" + port);
  wrong_name_options.ca_file = cert.cert().string();
  client_ns::http_client wrong_name(wrong_name_options);
  auto wrong_name_result = wrong_name.send(make_request("GET", "/"));
  ASSERT_FALSE(wrong_name_result.has_value());
  EXPECT_EQ(wrong_name_result.error().code, transport_error::tls_verify_failed) << wrong_name_result.error().message;
}

TEST(HttpClient, VerifiesTheMockServerOverTlsAgainstItsGeneratedCa) {
  const api::tls_identity_result made = api::make_tls_identity("127.0.0.1");
  ASSERT_TRUE(made.value) << made.error;
  const api::tls_identity& id = *made.value;
  {
    api::http_server_options server_options;
    server_options.tls = api::tls_files{id.certificate_chain_file, id.private_key_file};
    echo_server server(std::move(server_options));
    const std::string url = "https://127.0.0.1:" + std::to_string(server.port);

    client_ns::http_client strict(options_for(url));  // the system store does not know the generated CA
    auto refused = strict.send(make_request("GET", "/"));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, transport_error::tls_verify_failed) << refused.error().message;

    auto trusted_options = options_for(url);
    trusted_options.ca_file = id.ca_file;
    client_ns::http_client trusted(trusted_options);
    auto first = trusted.send(make_request("POST", "/services/data", "body"));
    ASSERT_TRUE(first.has_value()) << first.error().message;
    EXPECT_EQ(first->body, "POST /services/data body");
    ASSERT_TRUE(trusted.send(make_request("GET", "/again")).has_value());
    EXPECT_EQ(trusted.stats().connections_opened, 1u);  // keep-alive over TLS
  }
  std::error_code ec;
  std::filesystem::remove_all(id.directory, ec);
}

}  // namespace
