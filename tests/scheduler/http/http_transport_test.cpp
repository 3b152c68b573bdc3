#include "pushsim/scheduler/http/http_transport.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using namespace pushsim;
using namespace pushsim::scheduler::http;

namespace {

const time_point t0 = from_us(1'800'000'000'000'000);

// Answers each flushed request with 200 and its target as the body.
class echo_batch final : public batching_transport {
 public:
  void send(rest_request request, exchange_callback on_answer) override {
    queue_.emplace_back(std::move(request), std::move(on_answer));
  }
  bool flush() override {
    if (queue_.empty()) return false;
    ++flushes;
    auto batch = std::move(queue_);
    queue_.clear();
    for (auto& [req, cb] : batch) cb(rest_response{200, {}, req.target});
    return true;
  }
  int flushes = 0;

 private:
  std::vector<std::pair<rest_request, exchange_callback>> queue_;
};

}  // namespace

TEST(WallLoop, FiresTheWakeUpWhenDueAndSleepsInBetween) {
  echo_batch tr;
  time_point now = t0;
  std::vector<duration> sleeps;
  wall_loop loop(
      tr, [&] { return now; },
      [&](duration d) {
        sleeps.push_back(d);
        now += d;
      });
  bool fired = false;
  loop.wake_at(t0 + std::chrono::milliseconds{2500}, [&] { fired = true; });
  int ticks = 0;
  loop.run_until([&] { return fired; }, [&] { ++ticks; });
  EXPECT_TRUE(fired);
  EXPECT_EQ(now, t0 + std::chrono::milliseconds{2500});
  // Never sleeps longer than a tick, so progress and give-up checks keep running.
  ASSERT_EQ(sleeps.size(), 3u);
  EXPECT_EQ(sleeps[0], std::chrono::seconds{1});
  EXPECT_EQ(sleeps[2], std::chrono::milliseconds{500});
  EXPECT_EQ(ticks, 2);
}

TEST(WallLoop, FlushesQueuedRequestsBeforeWaking) {
  echo_batch tr;
  time_point now = t0;
  wall_loop loop(
      tr, [&] { return now; }, [&](duration d) { now += d; });
  std::vector<std::string> answers;
  tr.send(rest_request{"GET", "/a", {}, {}},
          [&](exchange_result r) { answers.push_back(std::get<rest_response>(r).body); });
  tr.send(rest_request{"GET", "/b", {}, {}},
          [&](exchange_result r) { answers.push_back(std::get<rest_response>(r).body); });
  bool woke = false;
  loop.wake_at(t0, [&] { woke = true; });
  loop.run_until([&] { return woke; }, {});
  EXPECT_EQ(answers, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(tr.flushes, 1);
  EXPECT_EQ(now, t0);  // nothing slept: both were due
}

TEST(WallLoop, CancelledWakeUpNeverFires) {
  echo_batch tr;
  time_point now = t0;
  wall_loop loop(
      tr, [&] { return now; }, [&](duration d) { now += d; });
  bool fired = false;
  loop.wake_at(t0 + std::chrono::seconds{1}, [&] { fired = true; });
  loop.cancel_wake();
  loop.run_until([&] { return now >= t0 + std::chrono::seconds{5}; }, {});
  EXPECT_FALSE(fired);
}

TEST(HttpTransport, MapsClientErrorsToTransportFailureKinds) {
  EXPECT_EQ(failure_kind(transport_error::connection_refused), transport_failure_kind::unreachable);
  EXPECT_EQ(failure_kind(transport_error::timeout), transport_failure_kind::timeout);
  EXPECT_EQ(failure_kind(transport_error::connection_dropped), transport_failure_kind::dropped);
  EXPECT_EQ(failure_kind(transport_error::tls_verify_failed), transport_failure_kind::tls);
  EXPECT_EQ(failure_kind(transport_error::malformed_response), transport_failure_kind::malformed);
}

TEST(HttpTransport, AnUnreachableInstanceIsATypedFailureNotAnException) {
  http_client_options o;
  o.instance_url = "http://127.0.0.1:1";  // nothing listens on port 1
  o.request_timeout = std::chrono::milliseconds{2000};
  http_client client(o);
  http_transport tr(client);
  std::optional<exchange_result> got;
  tr.send(rest_request{"GET", "/services/data", {}, {}}, [&](exchange_result r) { got = std::move(r); });
  EXPECT_FALSE(got.has_value());  // nothing goes out before flush
  EXPECT_TRUE(tr.flush());
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(std::holds_alternative<transport_failure>(*got));
  EXPECT_EQ(std::get<transport_failure>(*got).kind, transport_failure_kind::unreachable);
  EXPECT_NE(std::get<transport_failure>(*got).message.find("connection_refused"), std::string::npos);
  EXPECT_FALSE(tr.flush());
}
