#pragma once
// event_queue: pending events of the discrete-event simulation, ordered by (time, insertion sequence), so
// events at equal times pop in FIFO order. Events and their callables live in a chunked pool that is reused,
// so scheduling a callable of at most `inline_capacity` bytes allocates nothing once the pool has grown.
// Cancellation through an event_handle destroys the callable at once; the queue entry is dropped lazily and the
// queue is compacted when dead entries outnumber live ones, so memory stays bounded.
//
// Order is kept by a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan): simulated time never goes backwards, so an
// entry only needs the bucket of the highest bit in which its time differs from the last time popped. Pushes
// are O(1) appends; a pop redistributes one bucket sequentially. This avoids the cache misses of a binary heap
// with a million pending events. Entries at the current time are kept in insertion order (FIFO ties).
// Precondition of push(): t is not earlier than the last popped time (the simulation asserts this first).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "pushsim/base/assert.hpp"
#include "pushsim/sim/time.hpp"

namespace pushsim::sim {

// What an event is, for the run digest and for tracing; meaning is up to the caller (an enum cast).
using event_kind = std::uint32_t;

// Names one scheduled event so it can be cancelled. A default-constructed handle names nothing.
struct event_handle {
  std::uint32_t slot = 0xFFFF'FFFFu;
  std::uint32_t generation = 0;  // the slot's generation when scheduled
  bool valid() const { return slot != 0xFFFF'FFFFu; }
  friend bool operator==(const event_handle&, const event_handle&) = default;
};

class event_queue {
 public:
  // Callables up to this size (and alignment 16) are stored inline in the pool; bigger ones cost an allocation.
  static constexpr std::size_t inline_capacity = 48;

  event_queue();
  ~event_queue();
  event_queue(const event_queue&) = delete;
  event_queue& operator=(const event_queue&) = delete;

  // Schedules fn() at t. Returns a handle for cancel().
  template <class F>
  event_handle push(time_point t, event_kind kind, F&& fn);

  // Cancels a pending event: true if it was pending and now will not run; false if it already ran, is running,
  // was cancelled, or the handle names nothing.
  bool cancel(event_handle h);

  // True if the handle names an event that is still pending.
  bool pending(event_handle h) const;

  // Number of live (not cancelled, not yet popped) events.
  std::size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // Time of the earliest live event. Precondition: !empty().
  time_point top_time();

  // Removes the earliest live event from the order, returning its slot; the callable stays in the pool until
  // run_popped(). Precondition: !empty().
  struct popped {
    time_point time;
    event_kind kind;
    std::uint32_t slot;
  };
  popped pop();

  // Runs and then releases the callable of a popped event. While it runs, cancel() of its handle returns false.
  void run_popped(std::uint32_t index);

  // Destroys every pending callable and empties the queue (handles become stale).
  void clear();

  // Bytes held by the pool and the buckets (for memory accounting).
  std::size_t memory_bytes() const;

 private:
  struct entry {
    std::uint64_t time_key;  // time in microseconds with the sign bit flipped (orders like the signed value)
    std::uint64_t key;       // (sequence << slot_bits) | slot: orders equal times FIFO
  };
  static constexpr unsigned slot_bits = 28;
  static constexpr std::uint64_t slot_mask = (std::uint64_t{1} << slot_bits) - 1;
  static constexpr std::uint64_t seq_limit = std::uint64_t{1} << (64 - slot_bits);

  enum slot_state : std::uint32_t { state_free = 0, state_pending = 1, state_cancelled = 2, state_running = 3 };
  struct slot_ops {
    void (*invoke)(void*);
    void (*destroy)(void*);  // nullptr when trivially destructible
  };
  // One cache line per event: the callable, its operations, generation (high 30 bits) + state (low 2 bits), kind.
  // A free slot keeps the index of the next free slot in the first bytes of `storage`.
  struct alignas(64) slot_t {
    unsigned char storage[inline_capacity];
    const slot_ops* ops = nullptr;
    std::uint32_t gen_state = 0;
    event_kind kind = 0;
    std::uint32_t state() const { return gen_state & 3u; }
    std::uint32_t generation() const { return gen_state & ~3u; }
    void set_state(std::uint32_t st) { gen_state = (gen_state & ~3u) | st; }
    std::uint32_t next_free() const;
    void set_next_free(std::uint32_t i);
  };
  static_assert(sizeof(slot_t) == 64);
  template <class Fn>
  static constexpr slot_ops inline_ops{
      [](void* p) { (*std::launder(static_cast<Fn*>(p)))(); },
      std::is_trivially_destructible_v<Fn> ? nullptr : +[](void* p) { std::launder(static_cast<Fn*>(p))->~Fn(); }};
  template <class Fn>
  static constexpr slot_ops boxed_ops{[](void* p) { (**std::launder(static_cast<Fn**>(p)))(); },
                                      [](void* p) { delete *std::launder(static_cast<Fn**>(p)); }};
  static constexpr unsigned chunk_bits = 12;
  static constexpr std::uint32_t chunk_size = 1u << chunk_bits;
  static constexpr std::uint32_t no_slot = 0xFFFF'FFFFu;

  slot_t& slot_at(std::uint32_t i) { return chunks_[i >> chunk_bits][i & (chunk_size - 1)]; }
  const slot_t& slot_at(std::uint32_t i) const { return chunks_[i >> chunk_bits][i & (chunk_size - 1)]; }

  std::uint32_t acquire_slot();
  void release_slot(std::uint32_t i);
  void grow_pool();

  static std::uint64_t time_key_of(time_point t) {
    return static_cast<std::uint64_t>(to_us(t)) ^ (std::uint64_t{1} << 63);
  }
  static std::int64_t time_us_of(std::uint64_t time_key) {
    return static_cast<std::int64_t>(time_key ^ (std::uint64_t{1} << 63));
  }
  unsigned bucket_for(std::uint64_t time_key) const {
    return time_key == last_key_ ? 0u : 64u - static_cast<unsigned>(__builtin_clzll(time_key ^ last_key_));
  }
  void insert(entry e);
  bool settle();
  void rebase(std::uint64_t time_key);
  void compact();
  void renumber();
  template <class Visit>
  void for_each_entry(Visit&& visit);

  std::vector<std::unique_ptr<slot_t[]>> chunks_;
  std::uint32_t free_head_ = no_slot;
  std::uint32_t slot_count_ = 0;

  // buckets_[0]: entries at exactly last_key_, in FIFO order, read from front_. buckets_[b], b >= 1: entries
  // whose time differs from last_key_ first in bit b-1. Bit b-1 of nonempty_ is set when buckets_[b] has entries.
  std::vector<entry> buckets_[65];
  std::size_t front_ = 0;
  std::uint64_t nonempty_ = 0;
  std::uint64_t last_key_ = 0;
  // Time of the last event popped. top_time() may move last_key_ ahead of it (to the earliest pending event);
  // a push between the two (legal: the simulation's clock is still at popped_key_ or run_until's target) rebases.
  std::uint64_t popped_key_ = 0;

  std::size_t live_ = 0;
  std::size_t dead_ = 0;  // cancelled entries still in the buckets
  std::uint64_t next_seq_ = 0;
};

template <class F>
event_handle event_queue::push(time_point t, event_kind kind, F&& fn) {
  using fn_t = std::decay_t<F>;
  static_assert(std::is_invocable_v<fn_t&>, "an event callable takes no arguments");
  const std::uint32_t index = acquire_slot();
  slot_t& s = slot_at(index);
  if constexpr (sizeof(fn_t) <= inline_capacity && alignof(fn_t) <= 16) {
    ::new (static_cast<void*>(s.storage)) fn_t(std::forward<F>(fn));
    s.ops = &inline_ops<fn_t>;
  } else {
    auto* boxed = new fn_t(std::forward<F>(fn));
    ::new (static_cast<void*>(s.storage)) fn_t*(boxed);
    s.ops = &boxed_ops<fn_t>;
  }
  s.kind = kind;
  s.set_state(state_pending);
  if (next_seq_ >= seq_limit) renumber();
  insert(entry{time_key_of(t), (next_seq_++ << slot_bits) | index});
  ++live_;
  return event_handle{index, s.generation()};
}

}  // namespace pushsim::sim
