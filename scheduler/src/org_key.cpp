#include "pushsim/scheduler/org_key.hpp"

#include <cstring>

#include "pushsim/base/assert.hpp"

namespace pushsim::scheduler {

namespace {

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

void checksum(std::string_view key15, char out[3]) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  for (int chunk = 0; chunk < 3; ++chunk) {
    int flags = 0;
    for (int i = 0; i < 5; ++i) {
      const char c = key15[static_cast<std::size_t>(chunk) * 5 + static_cast<std::size_t>(i)];
      if (c >= 'A' && c <= 'Z') flags |= 1 << i;
    }
    out[chunk] = alphabet[flags];
  }
}

}  // namespace

std::optional<std::string> normalize_org_key(std::string_view key) {
  if (key.size() != 15 && key.size() != 18) return std::nullopt;
  for (const char c : key) {
    if (!is_alnum(c)) return std::nullopt;
  }
  if (key.size() == 18) {
    char sum[3];
    checksum(key.substr(0, 15), sum);
    if (std::memcmp(sum, key.data() + 15, 3) != 0) return std::nullopt;
  }
  return std::string(key.substr(0, 15));
}

std::string org_key18(std::string_view key15) {
  PUSHSIM_ASSERT(key15.size() == 15, "org_key18 needs a 15-character key");
  char sum[3];
  checksum(key15, sum);
  std::string out(key15);
  out.append(sum, 3);
  return out;
}

std::uint64_t org_key_index::hash(std::string_view key) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (const char c : key) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 32;
  return h;
}

void org_key_index::reserve(std::size_t n) {
  std::size_t cap = 16;
  while (cap < n * 2) cap *= 2;
  if (cap <= table_.size()) return;
  std::vector<entry> old;
  old.swap(table_);
  table_.assign(cap, entry{});
  const std::size_t mask = cap - 1;
  for (const entry& e : old) {
    if (!e.used) continue;
    std::size_t i = e.hash & mask;
    while (table_[i].used) i = (i + 1) & mask;
    table_[i] = e;
  }
}

void org_key_index::grow() { reserve(table_.empty() ? 8 : table_.size()); }

std::optional<std::uint32_t> org_key_index::insert(std::string_view key15, std::uint32_t value) {
  PUSHSIM_ASSERT(key15.size() <= 15, "org_key_index keys are 15-character org keys");
  if ((size_ + 1) * 2 > table_.size()) grow();
  const std::uint64_t h = hash(key15);
  const std::size_t mask = table_.size() - 1;
  std::size_t i = h & mask;
  while (table_[i].used) {
    if (table_[i].hash == h && std::string_view(table_[i].key) == key15) return table_[i].value;
    i = (i + 1) & mask;
  }
  entry& e = table_[i];
  e.used = 1;
  e.hash = h;
  e.value = value;
  std::memcpy(e.key, key15.data(), key15.size());
  e.key[key15.size()] = '\0';
  ++size_;
  return std::nullopt;
}

std::optional<std::uint32_t> org_key_index::find(std::string_view key15) const {
  if (table_.empty()) return std::nullopt;
  const std::uint64_t h = hash(key15);
  const std::size_t mask = table_.size() - 1;
  std::size_t i = h & mask;
  while (table_[i].used) {
    if (table_[i].hash == h && std::string_view(table_[i].key) == key15) return table_[i].value;
    i = (i + 1) & mask;
  }
  return std::nullopt;
}

}  // namespace pushsim::scheduler
