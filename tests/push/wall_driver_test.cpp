#include "pushsim/push/wall_driver.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pushsim/scheduler/plan.hpp"

namespace pushsim::push {
namespace {

namespace sch = pushsim::scheduler;
using namespace std::chrono_literals;

// Wall time that moves only when the driver sleeps (or a sender takes time).
class fake_clock final : public wall_clock {
 public:
  time_point now() override { return t; }
  void sleep_for(duration d) override { t += d; }
  time_point t = from_us(1'800'000'000'000'000);  // 2027-01-15T08:00:00Z
};

sch::plan make_plan() {
  auto r = sch::parse_plan(R"({"name": "t", "target": {"package_version_id": "04t000000000001AAA"},
                               "start": "2027-01-15T08:00:00Z", "retry": {"initial_backoff": "1s"},
                               "waves": [{"name": "all"}]})");
  EXPECT_TRUE(r) << r.error_text();
  return *r.value;
}

std::vector<sch::subscriber> some_subscribers() {
  std::vector<sch::subscriber> out;
  for (int i = 0; i < 5; ++i) {
    sch::subscriber_row row{"00D00000000000" + std::to_string(i), "org", "Production", "Active", "NA45", "i",
                            "04t000000000000AAA"};
    std::string why;
    out.push_back(*sch::to_subscriber(row, why));
  }
  return out;
}

// A sender whose every request times out; counts the requests.
batch_sender always_failing(int& sent) {
  return [&sent](const std::vector<rest_request>& requests) {
    sent += static_cast<int>(requests.size());
    return std::vector<rest_response>(requests.size(), rest_response{0, {}, "transport error: timeout"});
  };
}

drive_settings settings(std::optional<duration> give_up) { return drive_settings{"Bearer t", give_up, 1min}; }

TEST(WallDriver, GivesUpOnTheFetchAfterGiveUpAfterOfFailures) {
  fake_clock clock;
  sch::rest::codec codec;
  int sent = 0;
  wall_driver driver(always_failing(sent), codec, clock, settings(15min));
  sch::rollout ro(make_plan(), "033000000000001AAA");
  ro.set_plan_only(true);
  int progress_lines = 0;
  const auto start = clock.t;
  const auto outcome = driver.drive(ro, [&] { ++progress_lines; });
  EXPECT_TRUE(outcome.gave_up);
  EXPECT_FALSE(ro.done());
  EXPECT_GE(outcome.failing_for, 15min);
  EXPECT_LE(outcome.failing_for, 15min + 1s);
  EXPECT_LE(clock.t - start, 15min + 1s);
  EXPECT_EQ(outcome.last_error, "transport error: timeout");
  EXPECT_GE(sent, 3);
  EXPECT_LE(sent, 12) << "the fetch retried without backing off";
  EXPECT_EQ(driver.counts().transport_errors, sent);
  EXPECT_GE(progress_lines, 14);  // one a minute
  EXPECT_LE(progress_lines, 15);
}

TEST(WallDriver, GivesUpWhileExecutingAlthoughTheExecutorRetriesForever) {
  fake_clock clock;
  sch::rest::codec codec;
  int sent = 0;
  wall_driver driver(always_failing(sent), codec, clock, settings(90s));
  sch::rollout ro(make_plan(), "033000000000001AAA");
  ro.use_subscribers(some_subscribers());
  const auto outcome = driver.drive(ro, nullptr);
  if (ro.planned()) {
    for (const auto& e : ro.planned()->excluded) ADD_FAILURE() << e.subscriber_index << " " << to_string(e.reason);
    for (const auto& e : ro.planned()->infeasible) ADD_FAILURE() << "infeasible " << e.subscriber_index;
  }
  EXPECT_TRUE(outcome.gave_up) << ro.error();
  EXPECT_GE(outcome.failing_for, 90s);
  EXPECT_LE(outcome.failing_for, 91s);
  EXPECT_GE(sent, 1);
}

TEST(WallDriver, ASuccessfulExchangeRestartsTheGiveUpClock) {
  fake_clock clock;
  sch::rest::codec codec;
  const auto recover_at = clock.t + 10min;
  int sent = 0;
  batch_sender flaky = [&](const std::vector<rest_request>& requests) {
    sent += static_cast<int>(requests.size());
    if (clock.t < recover_at) return std::vector<rest_response>(requests.size(), rest_response{0, {}, "timeout"});
    return std::vector<rest_response>(requests.size(),
                                      rest_response{200, {}, R"({"totalSize":0,"done":true,"records":[]})"});
  };
  // The fetch backs off 2 s, 4 s, ... 300 s: its attempt after 10 minutes comes at 13.5 minutes.
  wall_driver driver(flaky, codec, clock, settings(15min));
  sch::rollout ro(make_plan(), "033000000000001AAA");
  ro.set_plan_only(true);
  const auto outcome = driver.drive(ro, nullptr);
  EXPECT_FALSE(outcome.gave_up);
  EXPECT_TRUE(ro.done());
  EXPECT_GE(clock.t, recover_at);
}

}  // namespace
}  // namespace pushsim::push
