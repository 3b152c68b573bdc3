#pragma once
// position_index: finds positions 0..n-1 of a caller's table by key without storing the keys: open addressing
// with linear probing over 4-byte positions, at most half full. The caller keeps the keys (and their hashes) and
// answers two questions through callables: is the key at position p the one sought, and what is the hash of the
// key at position p (when the table grows). Used for org keys (mock_org's population: 8 bytes an org) and for
// the executor's org records (where a node-based map took ~70 bytes an org).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace pushsim {

class position_index {
 public:
  static constexpr std::uint32_t empty = 0xFFFF'FFFFu;

  // Room for n positions without growing. hash_at(p): the hash of the key at position p.
  template <typename HashAt>
  void reserve(std::size_t n, HashAt hash_at) {
    std::size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap > slots_.size()) rehash(cap, hash_at);
  }

  // The position whose key is_key(p) accepts, probing from the sought key's hash.
  template <typename IsKey>
  std::optional<std::uint32_t> find(std::uint64_t hash, IsKey is_key) const {
    if (slots_.empty()) return std::nullopt;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots_[i] == empty) return std::nullopt;
      if (is_key(slots_[i])) return slots_[i];
    }
  }

  // Adds position pos (whose key hashes to hash) unless is_key accepts a position already there: then that
  // position and false.
  template <typename IsKey, typename HashAt>
  std::pair<std::uint32_t, bool> insert(std::uint32_t pos, std::uint64_t hash, IsKey is_key, HashAt hash_at) {
    if (2 * (size_ + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size(), hash_at);
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    for (; slots_[i] != empty; i = (i + 1) & mask) {
      if (is_key(slots_[i])) return {slots_[i], false};
    }
    slots_[i] = pos;
    ++size_;
    return {pos, true};
  }

  // Asks the CPU to bring the first slot find(hash) reads into cache: a hint, the results do not change.
  void prefetch(std::uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  // The position in the first slot find(hash) reads (empty if none): the key find compares first.
  std::uint32_t first_probe(std::uint64_t hash) const {
    return slots_.empty() ? empty : slots_[hash & (slots_.size() - 1)];
  }

  void clear() {
    slots_ = {};
    size_ = 0;
  }
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint32_t); }

 private:
  template <typename HashAt>
  void rehash(std::size_t cap, HashAt hash_at) {
    std::vector<std::uint32_t> old(cap, empty);
    old.swap(slots_);
    const std::size_t mask = cap - 1;
    for (const std::uint32_t pos : old) {
      if (pos == empty) continue;
      std::size_t i = hash_at(pos) & mask;
      while (slots_[i] != empty) i = (i + 1) & mask;
      slots_[i] = pos;
    }
  }

  std::vector<std::uint32_t> slots_;
  std::size_t size_ = 0;
};

}  // namespace pushsim
