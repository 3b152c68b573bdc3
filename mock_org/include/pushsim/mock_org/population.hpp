#pragma once
// population: every subscriber org of one world, stored column-wise (one vector per attribute, customizations in
// one pooled vector, names computed for generated orgs) so a million orgs fit in well under 100 MB.
// Orgs are numbered 0..size()-1 in creation order; lookups by org key go through an open-addressing index.
//
// The installed version is mutable: the platform moves an org to the new version when its job succeeds.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/base/position_index.hpp"
#include "pushsim/mock_org/instance_table.hpp"
#include "pushsim/mock_org/org.hpp"
#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/zone_table.hpp"

namespace pushsim::mock_org {

using org_index = std::uint32_t;
inline constexpr org_index no_org = 0xFFFF'FFFFu;

class population {
 public:
  // An empty population for a package with `object_count` managed objects.
  explicit population(std::size_t object_count);

  // Adds a hand-built org; an error message if its key is a duplicate, its zone or instance unknown, its parent
  // absent or not a production org, its records list longer than the object count, or a customization targets an
  // out-of-range field/object.
  std::string add(const org& o, const package& pkg);

  std::size_t size() const { return keys_.size(); }
  std::size_t object_count() const { return object_count_; }

  std::optional<org_index> find(const org_key& key) const;
  // Brings what find(k) reads for each of these keys into cache (index slots, then the keys they point at), so
  // the finds that follow overlap their memory misses: call it on a batch (tens to hundreds) of keys about to be
  // looked up. A hint: no result changes.
  void prefetch(std::span<const org_key> keys) const;
  const org_key& key(org_index i) const { return keys_[i]; }
  // The org's name: given for pinned/hand-built orgs, made up deterministically from its key otherwise.
  std::string name(org_index i) const;
  org_type type(org_index i) const { return static_cast<org_type>(flags_[i] & 1u); }
  org_status status(org_index i) const { return static_cast<org_status>((flags_[i] >> 1) & 7u); }
  bool push_blocked(org_index i) const { return (flags_[i] & 16u) != 0; }
  bool always_fails(org_index i) const { return (flags_[i] & 32u) != 0; }
  bool heavy_customizer(org_index i) const { return (flags_[i] & 64u) != 0; }
  org_index parent(org_index i) const { return parent_[i]; }
  instance_index instance(org_index i) const { return instance_[i]; }
  zone_index zone(org_index i) const { return zone_[i]; }
  std::uint8_t fiscal_year_start_month(org_index i) const { return fiscal_[i]; }
  mock_org::edition edition(org_index i) const { return static_cast<mock_org::edition>(edition_[i]); }
  version_index installed_version(org_index i) const { return installed_[i]; }
  void set_installed_version(org_index i, version_index v) { installed_[i] = v; }
  std::uint32_t users(org_index i) const { return users_[i]; }
  feature_set features(org_index i) const { return features_[i]; }
  bool has_feature(org_index i, platform_feature f) const { return (features_[i] & feature_bit(f)) != 0; }
  std::uint32_t records(org_index i, object_index o) const { return records_[std::size_t{i} * object_count_ + o]; }
  std::uint64_t total_records(org_index i) const;
  std::span<const customization> customizations(org_index i) const {
    return {custom_pool_.data() + custom_offset_[i], custom_offset_[i + 1] - custom_offset_[i]};
  }
  // The whole org written out (slow path: tests, reports, the REST layer's single-row reads).
  org get(org_index i) const;

  // Users active at t: licensed users x the activity curve (business hours 8-18 local on weekdays, a small
  // evening and weekend base, x1.6 on the last three days of a fiscal quarter, capped at the licensed users).
  std::uint32_t active_users(org_index i, time_point t) const;
  // The activity share in [0, 1] for a local time (what active_users multiplies users by, before the cap).
  static double activity_share(const civil_time& local, std::uint8_t fiscal_year_start_month);

  zone_table& zones() { return zones_; }
  const zone_table& zones() const { return zones_; }
  instance_table& instances() { return instances_; }
  const instance_table& instances() const { return instances_; }

  // Heap bytes actually held by every column, the pool, the names, the index and the tables.
  std::size_t memory_bytes() const;
  // Reserves room for n orgs and about `customizations` pooled items.
  void reserve(std::size_t n, std::size_t customizations);

  // ---- fast path for the generator (no validation; the generator has checked everything) ----
  struct raw_org {
    org_key key;
    org_type type;
    org_status status;
    bool push_blocked;
    bool always_fails;
    bool heavy_customizer;
    org_index parent;
    instance_index instance;
    zone_index zone;
    std::uint8_t fiscal_year_start_month;
    mock_org::edition edition;
    version_index installed;
    std::uint32_t users;
    feature_set features;
  };
  // Appends an org; the caller then appends its records (object_count values) and customizations.
  void append_raw(const raw_org& o, const std::uint32_t* records, std::span<const customization> custom);
  // Builds the key index (call once after the last append_raw; add() keeps it up to date itself).
  void rebuild_index();
  // True if the key is already taken (works during generation, before rebuild_index, for pinned orgs).
  bool key_taken(const org_key& k) const { return find(k).has_value(); }

 private:
  void index_insert(org_index i);
  static std::uint64_t hash_key(const org_key& k);

  std::size_t object_count_;
  std::vector<org_key> keys_;
  std::vector<std::uint8_t> flags_;  // bit 0 type, bits 1-3 status, 4 blocked, 5 always fails, 6 heavy
  std::vector<std::uint8_t> fiscal_;
  std::vector<std::uint8_t> edition_;
  std::vector<version_index> installed_;
  std::vector<instance_index> instance_;
  std::vector<zone_index> zone_;
  std::vector<feature_set> features_;
  std::vector<org_index> parent_;
  std::vector<std::uint32_t> users_;
  std::vector<std::uint32_t> records_;        // size() x object_count_
  std::vector<std::uint32_t> custom_offset_;  // size() + 1
  std::vector<customization> custom_pool_;
  std::vector<std::pair<org_index, std::string>> given_names_;  // sorted by index
  position_index index_;                                        // key -> org, over keys_
  zone_table zones_;
  instance_table instances_;
};

}  // namespace pushsim::mock_org
