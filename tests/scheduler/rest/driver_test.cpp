#include "pushsim/scheduler/rest/driver.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>

using namespace pushsim;
using namespace pushsim::scheduler;
using namespace pushsim::scheduler::rest;

namespace {

const time_point t0 = from_us(1'800'000'000'000'000);

plan make_plan() {
  auto r = parse_plan(R"({"name": "t", "target": {"package_version_id": "04t000000000001AAA"},
                          "start": "2027-01-15T08:00:00Z", "retry": {"initial_backoff": "1s"},
                          "waves": [{"name": "all"}]})");
  EXPECT_TRUE(r) << r.error_text();
  return *r.value;
}

// A clock a test moves by hand.
class manual_clock final : public clock {
 public:
  time_point now() const override { return now_; }
  void wake_at(time_point t, std::function<void()> fire) override {
    wake_ = t;
    fire_ = std::move(fire);
  }
  void cancel_wake() override {
    wake_.reset();
    fire_ = nullptr;
  }
  // Moves to the pending wake-up and fires it; false when there is none.
  bool fire_next() {
    if (!wake_) return false;
    now_ = std::max(now_, *wake_);
    auto f = std::move(fire_);
    cancel_wake();
    f();
    return true;
  }
  void advance(duration d) { now_ += d; }
  std::optional<time_point> wake_;

 private:
  time_point now_ = t0;
  std::function<void()> fire_;
};

// A transport that answers each request from a script (a function of the request), when the test says so.
class scripted_transport final : public transport {
 public:
  using script = std::function<exchange_result(const rest_request&)>;
  explicit scripted_transport(script s) : script_(std::move(s)) {}
  void send(rest_request request, exchange_callback on_answer) override {
    sent.push_back(request);
    queue_.emplace_back(std::move(request), std::move(on_answer));
  }
  // Answers the oldest unanswered request; false when none is waiting.
  bool answer_one() {
    if (queue_.empty()) return false;
    auto [req, cb] = std::move(queue_.front());
    queue_.pop_front();
    cb(script_(req));
    return true;
  }
  std::vector<rest_request> sent;

 private:
  script script_;
  std::deque<std::pair<rest_request, exchange_callback>> queue_;
};

// Runs the event loop: answers first, then wake-ups, each answer `latency` after its request.
void run(driver& d, scripted_transport& tr, manual_clock& clk, duration latency, int steps_max = 10000) {
  for (int i = 0; i < steps_max && !d.finished(); ++i) {
    clk.advance(latency);
    if (tr.answer_one()) continue;
    if (!clk.fire_next()) break;
  }
}

rest_response ok_json(std::string body) {
  return rest_response{200, {{"Content-Type", "application/json"}}, std::move(body)};
}

const char* empty_page = R"({"totalSize":0,"done":true,"records":[]})";

}  // namespace

TEST(Driver, CarriesCallsAsRestMessagesWithTheToken) {
  plan p = make_plan();
  rollout ro(p, "033000000000001AAA");
  scripted_transport tr([](const rest_request&) -> exchange_result { return ok_json(empty_page); });
  manual_clock clk;
  codec cd;
  driver d(ro, tr, clk, cd, driver_options{"s3cr3t", std::nullopt, std::nullopt});
  d.start();
  ASSERT_EQ(tr.sent.size(), 1u);
  EXPECT_EQ(tr.sent[0].method, "GET");
  EXPECT_NE(tr.sent[0].target.find("/query?q="), std::string::npos);
  EXPECT_EQ(tr.sent[0].header("Authorization"), "Bearer s3cr3t");
  run(d, tr, clk, std::chrono::milliseconds{50});
  EXPECT_TRUE(d.finished());
  EXPECT_FALSE(d.gave_up());
  EXPECT_TRUE(ro.done());
  EXPECT_EQ(d.stats().api_calls, static_cast<std::int64_t>(tr.sent.size()));
  EXPECT_EQ(d.stats().transport_failures, 0);
  EXPECT_EQ(d.in_flight(), 0);
}

std::vector<subscriber> some_subscribers() {
  std::vector<subscriber> out;
  for (int i = 0; i < 5; ++i) {
    subscriber_row row{
        "00D00000000000" + std::to_string(i), "org", "Production", "Active", "NA45", "i", "04t000000000000AAA"};
    std::string why;
    out.push_back(*to_subscriber(row, why));
  }
  return out;
}

exchange_result timed_out(const rest_request&) {
  return transport_failure{transport_failure_kind::timeout, "transport error: timeout: no answer"};
}

TEST(Driver, GivesUpOnTheFetchAfterTheStatedTimeOfFailures) {
  plan p = make_plan();
  rollout ro(p, "033000000000001AAA");
  ro.set_plan_only(true);
  scripted_transport tr(timed_out);
  manual_clock clk;
  codec cd;
  driver d(ro, tr, clk, cd, driver_options{"t", std::chrono::minutes{15}, std::chrono::seconds{1}});
  d.start();
  run(d, tr, clk, std::chrono::milliseconds{10});
  ASSERT_TRUE(d.gave_up());
  EXPECT_TRUE(d.finished());
  EXPECT_FALSE(ro.done());
  ASSERT_TRUE(d.failing_since().has_value());
  // Given up at the stated time (the wake-up is pulled forward to it), not at the next retry after it.
  EXPECT_EQ(clk.now() - *d.failing_since(), std::chrono::minutes{15});
  EXPECT_EQ(d.last_error(), "transport error: timeout: no answer");
  EXPECT_GE(tr.sent.size(), 3u);
  EXPECT_LE(tr.sent.size(), 12u) << "the fetch retried without backing off";
  EXPECT_EQ(d.stats().transport_failures, static_cast<std::int64_t>(tr.sent.size()));
  EXPECT_EQ(d.stats().retryable_errors, static_cast<std::int64_t>(tr.sent.size()));
  // After giving up nothing else goes out and nothing wakes it.
  EXPECT_FALSE(clk.wake_.has_value());
  EXPECT_FALSE(tr.answer_one());
}

TEST(Driver, GivesUpWhileExecutingAlthoughTheExecutorRetriesForever) {
  plan p = make_plan();
  rollout ro(p, "033000000000001AAA");
  ro.use_subscribers(some_subscribers());
  scripted_transport tr(timed_out);
  manual_clock clk;
  codec cd;
  driver d(ro, tr, clk, cd, driver_options{"t", std::chrono::seconds{90}, std::chrono::seconds{1}});
  d.start();
  run(d, tr, clk, std::chrono::milliseconds{10});
  ASSERT_TRUE(d.gave_up()) << ro.error();
  EXPECT_GE(clk.now() - *d.failing_since(), std::chrono::seconds{90});
  EXPECT_LE(clk.now() - *d.failing_since(), std::chrono::seconds{91});
}

TEST(Driver, AnAnswerThatIsNotARetriedFailureRestartsTheGiveUpClock) {
  plan p = make_plan();
  rollout ro(p, "033000000000001AAA");
  ro.set_plan_only(true);
  manual_clock clk;
  const time_point recover_at = t0 + std::chrono::minutes{10};
  scripted_transport tr([&](const rest_request&) -> exchange_result {
    if (clk.now() < recover_at) return transport_failure{transport_failure_kind::timeout, "timeout"};
    return ok_json(empty_page);
  });
  codec cd;
  driver d(ro, tr, clk, cd, driver_options{"t", std::chrono::minutes{15}, std::chrono::seconds{1}});
  d.start();
  run(d, tr, clk, std::chrono::milliseconds{10});
  EXPECT_FALSE(d.gave_up());
  EXPECT_TRUE(ro.done());
  EXPECT_FALSE(d.failing_since().has_value());
  EXPECT_GE(clk.now(), recover_at);
}

TEST(Driver, A5xxIsARetriedFailureAndDoesNotRestartTheGiveUpClock) {
  plan p = make_plan();
  rollout ro(p, "033000000000001AAA");
  manual_clock clk;
  bool answered_503 = false;
  scripted_transport tr([&](const rest_request&) -> exchange_result {
    if (!answered_503 && clk.now() - t0 >= std::chrono::minutes{10}) {
      answered_503 = true;
      return rest_response{503, {}, R"([{"message":"busy","errorCode":"SERVER_UNAVAILABLE"}])"};
    }
    return transport_failure{transport_failure_kind::timeout, "transport error: timeout: slow"};
  });
  codec cd;
  driver d(ro, tr, clk, cd, driver_options{"t", std::chrono::minutes{15}, std::chrono::seconds{1}});
  d.start();
  run(d, tr, clk, std::chrono::milliseconds{10});
  ASSERT_TRUE(answered_503);
  ASSERT_TRUE(d.gave_up());
  EXPECT_EQ(clk.now() - *d.failing_since(), std::chrono::minutes{15});
  EXPECT_LT(*d.failing_since() - t0, std::chrono::seconds{1});  // the clock ran from the first failure
}

exchange_result always_dropped(const rest_request&) {
  return transport_failure{transport_failure_kind::dropped, "transport fault: drop"};
}

// A rollout, a transport that always drops, a manual clock and a driver that never gives up, started.
struct dropping_rig {
  plan p = make_plan();
  rollout ro{p, "033000000000001AAA"};
  scripted_transport tr{always_dropped};
  manual_clock clk;
  codec cd;
  driver d{ro, tr, clk, cd, driver_options{"t", std::nullopt, std::nullopt}};
  dropping_rig() { d.start(); }
};

TEST(Driver, WithoutGiveUpItKeepsRetrying) {
  dropping_rig r;
  run(r.d, r.tr, r.clk, std::chrono::milliseconds{10}, 400);
  EXPECT_FALSE(r.d.gave_up());
  EXPECT_GT(r.tr.sent.size(), 100u);
}

TEST(Driver, StopDropsThePendingWakeUp) {
  dropping_rig r;
  ASSERT_TRUE(r.tr.answer_one());
  ASSERT_TRUE(r.clk.wake_.has_value());  // the retry's backoff
  r.d.stop();
  EXPECT_FALSE(r.clk.wake_.has_value());
}
