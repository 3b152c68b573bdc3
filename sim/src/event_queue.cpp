#include "pushsim/sim/event_queue.hpp"

#include <algorithm>
#include <cstring>

namespace pushsim::sim {

event_queue::event_queue() { reserve_heap(1024); }

event_queue::~event_queue() {
  clear();
  ::operator delete[](heap_, std::align_val_t{64});
}

void event_queue::reserve_heap(std::size_t n) {
  if (n <= heap_capacity_) return;
  auto* fresh = static_cast<entry*>(::operator new[]((n + 3) * sizeof(entry), std::align_val_t{64}));
  if (heap_ != nullptr) {
    std::memcpy(fresh + 3, heap_ + 3, heap_size_ * sizeof(entry));
    ::operator delete[](heap_, std::align_val_t{64});
  }
  heap_ = fresh;
  heap_capacity_ = n;
}

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

void event_queue::heap_push(entry e) {
  if (heap_size_ == heap_capacity_) reserve_heap(heap_capacity_ * 2);
  std::size_t hole = heap_size_++;
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / 4;
    if (!less(e, node(parent))) break;
    node(hole) = node(parent);
    hole = parent;
  }
  node(hole) = e;
}

void event_queue::heap_pop_top() {
  PUSHSIM_ASSERT(heap_size_ > 0, "event_queue: pop from an empty heap");
  const entry last = node(--heap_size_);
  const std::size_t n = heap_size_;
  if (n == 0) return;
  // Bottom-up: walk the hole down along the smallest children to a leaf, then sift `last` up from there.
  std::size_t hole = 0;
  for (;;) {
    const std::size_t first = 4 * hole + 1;
    if (first >= n) break;
    // The grandchildren groups are one cache line each: fetch them while the children are compared, so the
    // misses of consecutive levels overlap.
    const std::size_t grand = 4 * first + 1;
    if (grand < n) {
      for (std::size_t k = 0; k < 4; ++k) __builtin_prefetch(&node(grand + 4 * k));
    }
    std::size_t best = first;
    const std::size_t end = std::min(first + 4, n);
    for (std::size_t c = first + 1; c < end; ++c) {
      if (less(node(c), node(best))) best = c;
    }
    node(hole) = node(best);
    hole = best;
  }
  while (hole > 0) {
    const std::size_t parent = (hole - 1) / 4;
    if (!less(last, node(parent))) break;
    node(hole) = node(parent);
    hole = parent;
  }
  node(hole) = last;
}

void event_queue::drop_dead_top() {
  while (heap_size_ > 0) {
    const auto index = static_cast<std::uint32_t>(node(0).key & slot_mask);
    if (slot_at(index).state() != state_cancelled) return;
    heap_pop_top();
    release_slot(index);
    --dead_;
  }
}

void event_queue::compact() {
  std::size_t out = 0;
  for (std::size_t i = 0; i < heap_size_; ++i) {
    const auto index = static_cast<std::uint32_t>(node(i).key & slot_mask);
    if (slot_at(index).state() == state_cancelled) {
      release_slot(index);
    } else {
      node(out++) = node(i);
    }
  }
  heap_size_ = out;
  dead_ = 0;
  // Floyd's heap construction for the 4-ary layout.
  if (heap_size_ < 2) return;
  for (std::size_t i = (heap_size_ - 2) / 4 + 1; i-- > 0;) {
    const entry e = node(i);
    std::size_t hole = i;
    for (;;) {
      const std::size_t first = 4 * hole + 1;
      if (first >= heap_size_) break;
      std::size_t best = first;
      const std::size_t end = std::min(first + 4, heap_size_);
      for (std::size_t c = first + 1; c < end; ++c) {
        if (less(node(c), node(best))) best = c;
      }
      if (!less(node(best), e)) break;
      node(hole) = node(best);
      hole = best;
    }
    node(hole) = e;
  }
}

void event_queue::renumber() {
  // Sequence numbers are about to overflow their bits: give the pending entries fresh ones in the same order.
  std::vector<entry> all(heap_ + 3, heap_ + 3 + heap_size_);
  std::sort(all.begin(), all.end(), less);
  for (std::size_t i = 0; i < all.size(); ++i) {
    all[i].key = (std::uint64_t{i} << slot_bits) | (all[i].key & slot_mask);
    node(i) = all[i];  // a sorted array is a valid heap
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
  drop_dead_top();
  return from_us(node(0).time_us);
}

event_queue::popped event_queue::pop() {
  PUSHSIM_ASSERT(live_ > 0, "event_queue: pop() on an empty queue");
  drop_dead_top();
  const entry top = node(0);
  heap_pop_top();
  // The next event's slot is almost always a cache miss: start fetching it now.
  if (heap_size_ > 0) __builtin_prefetch(&slot_at(static_cast<std::uint32_t>(node(0).key & slot_mask)));
  const auto index = static_cast<std::uint32_t>(top.key & slot_mask);
  slot_t& s = slot_at(index);
  s.set_state(state_running);
  --live_;
  return popped{from_us(top.time_us), s.kind, index};
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
  for (std::size_t i = 0; i < heap_size_; ++i) {
    const auto index = static_cast<std::uint32_t>(node(i).key & slot_mask);
    slot_t& s = slot_at(index);
    if (s.state() == state_pending && s.ops->destroy != nullptr) s.ops->destroy(s.storage);
    release_slot(index);
  }
  heap_size_ = 0;
  live_ = 0;
  dead_ = 0;
}

std::size_t event_queue::memory_bytes() const {
  return chunks_.size() * chunk_size * sizeof(slot_t) + (heap_capacity_ + 3) * sizeof(entry) +
         chunks_.capacity() * sizeof(chunks_[0]);
}

}  // namespace pushsim::sim
