#pragma once
// Salesforce org ids (00D...) as subscribers report them: 15 characters (case-sensitive) or 18 (the 15 plus a
// 3-character case checksum). pushsim identifies an org by its 15-character form; the original spelling is kept
// for the API.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pushsim::scheduler {

// The 15-character form of a 15- or 18-character id, or empty when the text is not a well-formed id
// (wrong length, characters outside [0-9A-Za-z], or an 18-character checksum that does not match).
std::optional<std::string> normalize_org_key(std::string_view key);

// The 15-character form of any 15- or 18-character Salesforce record id (04t..., 0DV...), by the same rules.
inline std::optional<std::string> normalize_record_id(std::string_view id) { return normalize_org_key(id); }

// The 18-character form of a 15-character id (appends the case checksum). key must be 15 alphanumerics.
std::string org_key18(std::string_view key15);

// A map from 15-character keys to dense indices (open addressing, no per-entry allocation): fast enough to
// look up a million orgs. Insertion order is the index order.
class org_key_index {
 public:
  org_key_index() = default;
  // Reserves room for n keys.
  void reserve(std::size_t n);
  // Adds key (15 chars) with this value; returns the value already stored when the key was present.
  std::optional<std::uint32_t> insert(std::string_view key15, std::uint32_t value);
  // The value stored for key, if any.
  std::optional<std::uint32_t> find(std::string_view key15) const;
  std::size_t size() const { return size_; }

 private:
  void grow();
  static std::uint64_t hash(std::string_view key);
  struct entry {
    std::uint64_t hash = 0;
    std::uint32_t value = 0;
    std::uint32_t used = 0;
    char key[16] = {};
  };
  std::vector<entry> table_;
  std::size_t size_ = 0;
};

}  // namespace pushsim::scheduler
