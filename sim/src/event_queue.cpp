#include "pushsim/sim/event_queue.hpp"

#include <algorithm>
#include <cstring>

namespace pushsim::sim {

event_queue::event_queue() = default;

event_queue::~event_queue() { clear(); }

void event_queue::grow_pool() {
  PUSHSIM_ASSERT(slot_count_ + chunk_size - 1 <= slot_mask, "event_queue: more than 2^28 pending events");
  chunks_.push_back(std::make_unique<slot_t[]>(chunk_size));
  const std::uint32_t base = slot_count_;
  slot_t* chunk = chunks_.back().get();
  // Link the new slots so that the lowest index is handed out first.
  for (std::uint32_t k = 0; k < chunk_size; ++k) {
    chunk[k].set_next_free((k + 1 < chunk_size) ? base + k + 1 : free_head_);
  }
  free_head_ = base;
  slot_count_ += chunk_size;
}

std::uint32_t event_queue::slot_t::next_free() const {
  std::uint32_t i = 0;
  std::memcpy(&i, storage, sizeof i);
  return i;
}

void event_queue::slot_t::set_next_free(std::uint32_t i) { std::memcpy(storage, &i, sizeof i); }

std::uint32_t event_queue::acquire_slot() {
  if (free_head_ == no_slot) grow_pool();
  const std::uint32_t i = free_head_;
  free_head_ = slot_at(i).next_free();
  return i;
}

void event_queue::release_slot(std::uint32_t i) {
  slot_t& s = slot_at(i);
  s.ops = nullptr;
  s.gen_state = s.generation() + 4u;  // next generation, state free
  s.set_next_free(free_head_);
  free_head_ = i;
}

void event_queue::insert(entry e) {
  PUSHSIM_ASSERT(e.time_key >= popped_key_, "event_queue: event earlier than the last event popped");
  if (e.time_key < last_key_) [[unlikely]]
    rebase(e.time_key);
  const unsigned b = bucket_for(e.time_key);
  buckets_[b].push_back(e);
  if (b != 0) nonempty_ |= std::uint64_t{1} << (b - 1);
}

void event_queue::rebase(std::uint64_t time_key) {
  // top_time() settled the buckets on a pending event later than time_key (e.g. run_until() peeked past its
  // target and the owner then scheduled before that event). Every pending entry is later than time_key: bucket
  // them again relative to it. O(pending), only after such a peek.
  std::vector<entry> all;
  all.reserve(live_ + dead_);
  for_each_entry([&](const entry& x) { all.push_back(x); });
  for (auto& bucket : buckets_) bucket.clear();
  front_ = 0;
  nonempty_ = 0;
  last_key_ = time_key;
  for (const entry& x : all) {
    const unsigned b = bucket_for(x.time_key);
    buckets_[b].push_back(x);
    if (b != 0) nonempty_ |= std::uint64_t{1} << (b - 1);
  }
}

bool event_queue::settle() {
  for (;;) {
    std::vector<entry>& now_bucket = buckets_[0];
    while (front_ < now_bucket.size()) {
      const auto index = static_cast<std::uint32_t>(now_bucket[front_].key & slot_mask);
      if (slot_at(index).state() != state_cancelled) return true;
      release_slot(index);
      --dead_;
      ++front_;
    }
    now_bucket.clear();
    front_ = 0;
    if (nonempty_ == 0) return false;
    const unsigned b = static_cast<unsigned>(__builtin_ctzll(nonempty_)) + 1;
    std::vector<entry>& source = buckets_[b];
    std::uint64_t earliest = source.front().time_key;
    for (const entry& e : source) earliest = std::min(earliest, e.time_key);
    last_key_ = earliest;
    // Every entry of `source` lands in a lower bucket, relative to the new last_key_.
    for (const entry& e : source) {
      const unsigned nb = bucket_for(e.time_key);
      buckets_[nb].push_back(e);
      if (nb != 0) nonempty_ |= std::uint64_t{1} << (nb - 1);
    }
    source.clear();
    nonempty_ &= ~(std::uint64_t{1} << (b - 1));
    if (now_bucket.size() > 1) {
      std::sort(now_bucket.begin(), now_bucket.end(), [](const entry& x, const entry& y) { return x.key < y.key; });
    }
  }
}

template <class Visit>
void event_queue::for_each_entry(Visit&& visit) {
  for (std::size_t i = front_; i < buckets_[0].size(); ++i) visit(buckets_[0][i]);
  for (unsigned b = 1; b < 65; ++b) {
    for (const entry& e : buckets_[b]) visit(e);
  }
}

void event_queue::compact() {
  buckets_[0].erase(buckets_[0].begin(), buckets_[0].begin() + static_cast<std::ptrdiff_t>(front_));
  front_ = 0;
  nonempty_ = 0;
  for (unsigned b = 0; b < 65; ++b) {
    std::vector<entry>& bucket = buckets_[b];
    std::size_t out = 0;
    for (const entry& e : bucket) {
      const auto index = static_cast<std::uint32_t>(e.key & slot_mask);
      if (slot_at(index).state() == state_cancelled) {
        release_slot(index);
      } else {
        bucket[out++] = e;
      }
    }
    bucket.resize(out);
    if (b != 0 && out != 0) nonempty_ |= std::uint64_t{1} << (b - 1);
  }
  dead_ = 0;
}

void event_queue::renumber() {
  // Sequence numbers are about to overflow their bits: give the pending entries fresh ones in the same order.
  std::vector<entry> all;
  for_each_entry([&](const entry& e) { all.push_back(e); });
  std::sort(all.begin(), all.end(), [](const entry& x, const entry& y) {
    return x.time_key < y.time_key || (x.time_key == y.time_key && x.key < y.key);
  });
  for (auto& bucket : buckets_) bucket.clear();
  front_ = 0;
  nonempty_ = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    insert(entry{all[i].time_key, (std::uint64_t{i} << slot_bits) | (all[i].key & slot_mask)});
  }
  next_seq_ = all.size();
}

bool event_queue::cancel(event_handle h) {
  if (!h.valid() || h.slot >= slot_count_) return false;
  slot_t& s = slot_at(h.slot);
  if (s.generation() != h.generation || s.state() != state_pending) return false;
  if (s.ops->destroy != nullptr) s.ops->destroy(s.storage);
  s.ops = nullptr;
  s.set_state(state_cancelled);
  --live_;
  ++dead_;
  if (dead_ > 64 && dead_ > live_) compact();
  return true;
}

bool event_queue::pending(event_handle h) const {
  if (!h.valid() || h.slot >= slot_count_) return false;
  const slot_t& s = slot_at(h.slot);
  return s.generation() == h.generation && s.state() == state_pending;
}

time_point event_queue::top_time() {
  PUSHSIM_ASSERT(live_ > 0, "event_queue: top_time() on an empty queue");
  settle();
  return from_us(time_us_of(buckets_[0][front_].time_key));
}

event_queue::popped event_queue::pop() {
  PUSHSIM_ASSERT(live_ > 0, "event_queue: pop() on an empty queue");
  settle();
  const entry top = buckets_[0][front_++];
  popped_key_ = top.time_key;
  // The next event's slot is usually a cache miss: start fetching it now.
  if (front_ < buckets_[0].size()) {
    __builtin_prefetch(&slot_at(static_cast<std::uint32_t>(buckets_[0][front_].key & slot_mask)));
  }
  const auto index = static_cast<std::uint32_t>(top.key & slot_mask);
  slot_t& s = slot_at(index);
  s.set_state(state_running);
  --live_;
  return popped{from_us(time_us_of(top.time_key)), s.kind, index};
}

void event_queue::run_popped(std::uint32_t index) {
  slot_t& s = slot_at(index);
  PUSHSIM_ASSERT(s.state() == state_running, "event_queue: run_popped() of an event that was not popped");
  // Release the slot even if the callable throws.
  struct releaser {
    event_queue* q;
    std::uint32_t i;
    ~releaser() {
      slot_t& r = q->slot_at(i);
      if (r.ops->destroy != nullptr) r.ops->destroy(r.storage);
      q->release_slot(i);
    }
  } guard{this, index};
  s.ops->invoke(s.storage);
}

void event_queue::clear() {
  for_each_entry([&](const entry& e) {
    const auto index = static_cast<std::uint32_t>(e.key & slot_mask);
    slot_t& s = slot_at(index);
    if (s.state() == state_pending && s.ops->destroy != nullptr) s.ops->destroy(s.storage);
    release_slot(index);
  });
  for (auto& bucket : buckets_) bucket.clear();
  front_ = 0;
  nonempty_ = 0;
  live_ = 0;
  dead_ = 0;
}

std::size_t event_queue::memory_bytes() const {
  std::size_t bytes = chunks_.size() * chunk_size * sizeof(slot_t) + chunks_.capacity() * sizeof(chunks_[0]);
  for (const auto& bucket : buckets_) bytes += bucket.capacity() * sizeof(entry);
  return bytes;
}

}  // namespace pushsim::sim
