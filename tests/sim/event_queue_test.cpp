#include "pushsim/sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "pushsim/sim/random.hpp"

using namespace pushsim;
using namespace pushsim::sim;

namespace {
time_point at(std::int64_t us) { return from_us(us); }

std::vector<int> drain(event_queue& q) {
  std::vector<int> order;
  while (!q.empty()) {
    const auto p = q.pop();
    order.push_back(static_cast<int>(p.kind));
    q.run_popped(p.slot);
  }
  return order;
}
}  // namespace

TEST(EventQueue, PopsInTimeOrder) {
  event_queue q;
  q.push(at(30), 3, [] {});
  q.push(at(10), 1, [] {});
  q.push(at(20), 2, [] {});
  EXPECT_EQ(drain(q), (std::vector<int>{1, 2, 3}));
}

// `pushsim serve` peeks at the next event (to pace its timer), then a request schedules an event before it but
// not before the last one popped: the queue must accept it and pop everything in time order.
TEST(EventQueue, AcceptsAnEventBeforeAPeekedOneButAfterTheLastPopped) {
  event_queue q;
  q.push(at(10), 1, [] {});
  q.push(at(1000), 5, [] {});
  q.push(at(1000), 6, [] {});
  q.push(at(5000), 7, [] {});
  auto p = q.pop();
  q.run_popped(p.slot);
  EXPECT_EQ(q.top_time(), at(1000));
  q.push(at(20), 2, [] {});
  q.push(at(20), 3, [] {});
  q.push(at(999), 4, [] {});
  EXPECT_EQ(drain(q), (std::vector<int>{2, 3, 4, 5, 6, 7}));
}

TEST(EventQueue, PopsEqualTimesInFifoOrder) {
  event_queue q;
  for (int i = 0; i < 1000; ++i) q.push(at(i % 3 == 0 ? 5 : 7), static_cast<event_kind>(i), [] {});
  std::vector<int> order = drain(q);
  std::vector<int> expect;
  for (int i = 0; i < 1000; i += 3) expect.push_back(i);
  for (int i = 0; i < 1000; ++i)
    if (i % 3 != 0) expect.push_back(i);
  EXPECT_EQ(order, expect);
}

TEST(EventQueue, MatchesAReferenceOrderUnderRandomLoad) {
  // Random times with many ties, interleaved pops and cancels, against a sorted reference.
  event_queue q;
  rng r(42);
  struct ref_event {
    std::int64_t t;
    std::uint64_t seq;
    event_handle h;
    bool cancelled;
  };
  std::vector<ref_event> ref;
  std::vector<std::uint64_t> fired;
  std::vector<std::int64_t> fired_time;
  std::uint64_t seq = 0;
  std::int64_t now = 0;
  for (int round = 0; round < 20000; ++round) {
    const auto action = uniform_int(r, 0, 9);
    if (action < 6) {
      const std::int64_t t = now + uniform_int(r, 0, 50);
      const std::uint64_t s = seq++;
      const auto h = q.push(at(t), 0, [&fired, &fired_time, s, t] {
        fired.push_back(s);
        fired_time.push_back(t);
      });
      ref.push_back({t, s, h, false});
    } else if (action < 8 && !q.empty()) {
      const auto p = q.pop();
      now = to_us(p.time);
      q.run_popped(p.slot);
    } else if (!ref.empty()) {
      auto& victim = ref[static_cast<std::size_t>(uniform_int(r, 0, static_cast<std::int64_t>(ref.size()) - 1))];
      const bool was_pending = q.pending(victim.h);
      EXPECT_EQ(q.cancel(victim.h), was_pending);
      if (was_pending) victim.cancelled = true;
    }
  }
  while (!q.empty()) {
    const auto p = q.pop();
    q.run_popped(p.slot);
  }
  std::vector<ref_event> live;
  for (const auto& e : ref)
    if (!e.cancelled) live.push_back(e);
  ASSERT_EQ(fired.size(), live.size());
  // Firing order is (time, insertion sequence): every later push is at or after the current time and has a larger
  // sequence number, so the whole firing order must be sorted by (time, sequence).
  for (std::size_t i = 1; i < fired.size(); ++i) {
    ASSERT_TRUE(fired_time[i - 1] < fired_time[i] || (fired_time[i - 1] == fired_time[i] && fired[i - 1] < fired[i]))
        << "at " << i;
  }
  // Every live event fired exactly once.
  std::vector<bool> seen(seq, false);
  for (auto s : fired) {
    EXPECT_FALSE(seen[s]);
    seen[s] = true;
  }
  for (const auto& e : live) EXPECT_TRUE(seen[e.seq]);
}

TEST(EventQueue, CancelBeforeFiringPreventsItAndDestroysTheCallable) {
  event_queue q;
  auto token = std::make_shared<int>(7);
  std::weak_ptr<int> watch = token;
  bool ran = false;
  const auto h = q.push(at(10), 0, [token = std::move(token), &ran] { ran = true; });
  EXPECT_TRUE(q.pending(h));
  EXPECT_TRUE(q.cancel(h));
  EXPECT_TRUE(watch.expired()) << "cancel must release what the callable holds";
  EXPECT_FALSE(q.cancel(h)) << "second cancel is a no-op";
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  EXPECT_FALSE(ran);
}

TEST(EventQueue, CancelDuringFiringReturnsFalse) {
  event_queue q;
  event_handle self;
  bool cancel_result = true;
  self = q.push(at(1), 0, [&] { cancel_result = q.cancel(self); });
  const auto p = q.pop();
  q.run_popped(p.slot);
  EXPECT_FALSE(cancel_result);
}

TEST(EventQueue, CancelAfterFiringIsStaleEvenWhenTheSlotIsReused) {
  event_queue q;
  const auto first = q.push(at(1), 0, [] {});
  auto p = q.pop();
  q.run_popped(p.slot);
  bool second_ran = false;
  const auto second = q.push(at(2), 0, [&] { second_ran = true; });
  EXPECT_EQ(first.slot, second.slot) << "the pool reuses the slot";
  EXPECT_FALSE(q.cancel(first)) << "a stale handle must not cancel the slot's new event";
  p = q.pop();
  q.run_popped(p.slot);
  EXPECT_TRUE(second_ran);
  EXPECT_FALSE(q.cancel(second));
  EXPECT_FALSE(q.cancel(event_handle{}));
}

TEST(EventQueue, ManyCancellationsKeepMemoryBounded) {
  event_queue q;
  // A timeout pattern: schedule far-future timeouts and cancel them; the heap must not grow without bound.
  q.push(at(1'000'000'000), 0, [] {});
  for (int i = 0; i < 200; ++i) q.cancel(q.push(at(500'000'000 + i), 0, [] {}));
  const std::size_t settled = q.memory_bytes();
  for (int i = 0; i < 1'000'000; ++i) q.cancel(q.push(at(500'000'000 + i), 0, [] {}));
  EXPECT_EQ(q.memory_bytes(), settled);
  EXPECT_EQ(q.size(), 1u);
}

TEST(EventQueue, LargeCallablesWork) {
  event_queue q;
  std::array<std::uint64_t, 32> big{};
  big[31] = 99;
  std::uint64_t got = 0;
  q.push(at(1), 0, [big, &got] { got = big[31]; });
  const auto p = q.pop();
  q.run_popped(p.slot);
  EXPECT_EQ(got, 99u);
}

TEST(EventQueue, ClearDestroysPendingCallables) {
  auto token = std::make_shared<int>(1);
  std::weak_ptr<int> watch = token;
  {
    event_queue q;
    q.push(at(1), 0, [token] {});
    q.push(at(2), 0, [token = std::move(token)] {});
  }
  EXPECT_TRUE(watch.expired());
}

TEST(EventQueueDeathTest, PushBeforeTheLastPoppedTimeAsserts) {
  event_queue q;
  q.push(at(100), 0, [] {});
  const auto p = q.pop();
  q.run_popped(p.slot);
  EXPECT_DEATH(q.push(at(99), 0, [] {}), "earlier than the last event popped");
}

TEST(EventQueue, NegativeAndFarTimesOrderCorrectly) {
  event_queue q;
  q.push(at(-5'000'000), 1, [] {});
  q.push(at(std::int64_t{1} << 60), 3, [] {});
  q.push(at(0), 2, [] {});
  q.push(at(-(std::int64_t{1} << 60)), 0, [] {});
  EXPECT_EQ(drain(q), (std::vector<int>{0, 1, 2, 3}));
}
