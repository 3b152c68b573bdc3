#include "pushsim/scheduler/planner.hpp"

#include <date/tz.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <unordered_map>

#include "calendar.hpp"
#include "pushsim/base/assert.hpp"
#include "pushsim/scheduler/canary.hpp"
#include "random.hpp"
#include "start_capacity.hpp"

namespace pushsim::scheduler {

std::string_view to_string(exclusion_reason r) {
  switch (r) {
    case exclusion_reason::bad_key: return "bad_key";
    case exclusion_reason::duplicate: return "duplicate";
    case exclusion_reason::not_installed: return "not_installed";
    case exclusion_reason::inactive: return "inactive";
    case exclusion_reason::blocked: return "blocked";
    case exclusion_reason::already_on_target: return "already_on_target";
    case exclusion_reason::not_selected: return "not_selected";
  }
  return "bad_key";
}

std::string_view to_string(infeasible_reason r) {
  return r == infeasible_reason::no_window ? "no_window" : "no_capacity";
}

std::string_view to_string(sun_region r) {
  switch (r) {
    case sun_region::americas: return "americas";
    case sun_region::emea: return "emea";
    case sun_region::apac: return "apac";
  }
  return "americas";
}

sun_region sun_region_of_offset(int utc_offset_min) {
  if (utc_offset_min < -60) return sun_region::americas;
  if (utc_offset_min < 5 * 60) return sun_region::emea;
  return sun_region::apac;
}

std::array<std::size_t, sun_region_count> sun_region_quotas(std::size_t count,
                                                            const std::array<std::size_t, sun_region_count>& sizes) {
  std::array<std::size_t, sun_region_count> quota{};
  std::size_t total = 0;
  for (const auto n : sizes) total += n;
  count = std::min(count, total);
  if (total == 0 || count == 0) return quota;
  // Largest remainder on exact integer shares count * size / total (ties: the earlier region).
  std::array<std::size_t, sun_region_count> rem{};
  std::size_t given = 0;
  for (std::size_t k = 0; k < sun_region_count; ++k) {
    const auto num = static_cast<detail::u128>(count) * sizes[k];
    quota[k] = static_cast<std::size_t>(num / total);
    rem[k] = static_cast<std::size_t>(num % total);
    given += quota[k];
  }
  while (given < count) {
    std::size_t best = sun_region_count;
    for (std::size_t k = 0; k < sun_region_count; ++k) {
      if (quota[k] < sizes[k] && (best == sun_region_count || rem[k] > rem[best])) best = k;
    }
    PUSHSIM_ASSERT(best < sun_region_count, "quota cannot exceed the orgs available");
    ++quota[best];
    rem[best] = 0;
    ++given;
  }
  // Every region with orgs gets a canary of its own when the count allows: taken from the largest quota.
  for (std::size_t k = 0; k < sun_region_count; ++k) {
    if (sizes[k] == 0 || quota[k] > 0) continue;
    std::size_t donor = sun_region_count;
    for (std::size_t d = 0; d < sun_region_count; ++d) {
      if (quota[d] > 1 && (donor == sun_region_count || quota[d] > quota[donor])) donor = d;
    }
    if (donor == sun_region_count) break;
    --quota[donor];
    ++quota[k];
  }
  return quota;
}

std::size_t plan_result::excluded_count(exclusion_reason r) const {
  return static_cast<std::size_t>(
      std::count_if(excluded.begin(), excluded.end(), [r](const excluded_org& e) { return e.reason == r; }));
}

duration expected_run(const plan& p) {
  if (!p.instance_queue) return p.expected_slot_duration;
  return std::max(p.expected_slot_duration, p.slot_granularity + p.instance_queue->job_duration);
}

std::uint64_t api_calls_for_request(const plan& p, std::size_t n) {
  const std::uint64_t batches = (n + p.job_creation.batch_size - 1) / p.job_creation.batch_size;
  const auto poll_us = std::max<std::int64_t>(p.poll_interval.count(), 1);
  const auto polls =
      static_cast<std::uint64_t>(std::max<std::int64_t>(1, (p.expected_slot_duration.count() + poll_us - 1) / poll_us));
  return 1 + batches + 1 + polls + 1;
}

namespace {

// An eligible org while planning.
struct candidate {
  std::uint32_t sub;
  std::uint32_t instance;
  std::uint32_t group;  // (zone, fiscal month) group
  std::uint16_t zone;
  std::uint64_t features;
  std::uint8_t region;  // sun_region; 0 unless the plan follows the sun
};

// Finds duplicate 15-character keys among up to n keys: open addressing over 8-byte entries
// (32-bit hash tag | 1-based key index), keys kept in a flat array of 15 bytes each.
class key_dedupe {
 public:
  explicit key_dedupe(std::size_t n, const char* keys) : keys_(keys) {
    std::size_t cap = 16;
    while (cap < n * 2) cap *= 2;
    table_.assign(cap, 0);
    mask_ = cap - 1;
  }
  // The hash of the key stored at index.
  std::uint64_t hash(std::uint32_t index) const {
    const char* key = keys_ + static_cast<std::size_t>(index) * 15;
    std::uint64_t a = 0, b = 0;
    std::memcpy(&a, key, 8);
    std::memcpy(&b, key + 8, 7);
    std::uint64_t h = (a * 0x9e3779b97f4a7c15ULL) ^ (b + 0x632be59bd9b4e019ULL);
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 29;
    return h;
  }
  // Asks the CPU to bring the first entry seen_before reads for this hash into cache (a hint only).
  void prefetch(std::uint64_t h) const { __builtin_prefetch(&table_[h & mask_]); }
  // Adds the key stored at index (whose hash is h); returns true when an equal key was added before.
  bool seen_before(std::uint32_t index, std::uint64_t h) {
    const char* key = keys_ + static_cast<std::size_t>(index) * 15;
    const std::uint64_t tag = h >> 32;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t e = table_[i];
      if (e == 0) {
        table_[i] = (tag << 32) | (index + 1ULL);
        return false;
      }
      if ((e >> 32) == tag && std::memcmp(keys_ + ((e & 0xffffffffULL) - 1) * 15, key, 15) == 0) return true;
    }
  }

 private:
  const char* keys_;
  std::vector<std::uint64_t> table_;
  std::size_t mask_ = 0;
};

bool version_id_equal(std::string_view a, std::string_view b) {
  if (a.size() < 15 || b.size() < 15) return a == b;
  return a.substr(0, 15) == b.substr(0, 15);
}

const date::time_zone* find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

// Uncapped: every org of a (group, instance) takes the first cell at or after the group's first allowed
// position `first` that its instance's maintenance leaves clear; `cursor` keeps it (`fresh`: not yet found).
detail::placement first_clear(std::span<const std::uint32_t> cal, std::uint32_t first, std::uint32_t& cursor,
                              bool fresh, std::uint32_t instance, const detail::maintenance_cells& maint) {
  if (fresh) {
    while (cursor < cal.size() && maint.blocked(instance, cal[cursor])) ++cursor;
  }
  return {cursor, cursor != first};
}

}  // namespace

plan_result plan_rollout(std::span<const subscriber> subs, const profile_set* profiles, const plan& p) {
  PUSHSIM_ASSERT(subs.size() < std::numeric_limits<std::uint32_t>::max(), "too many subscribers");
  PUSHSIM_ASSERT(p.slot_granularity.count() > 0, "plan not validated: slot_granularity must be positive");
  PUSHSIM_ASSERT(p.job_creation.batch_size > 0 && p.concurrency.orgs_per_request > 0, "plan not validated");
  plan_result r;
  r.subscriber_count = subs.size();

  // ---- zones: interned; an org's zone is its profile's, else its instance's region default, else the plan's.
  std::vector<const date::time_zone*> zone_ptrs;
  std::unordered_map<std::string, std::uint16_t> zone_ids;
  auto intern_zone = [&](const std::string& name) -> std::uint16_t {
    if (const auto it = zone_ids.find(name); it != zone_ids.end()) return it->second;
    const date::time_zone* z = find_zone(name);
    PUSHSIM_ASSERT(z != nullptr, "zone names are validated before planning");
    PUSHSIM_ASSERT(r.zones.size() < 65535, "too many time zones");
    const auto id = static_cast<std::uint16_t>(r.zones.size());
    r.zones.push_back(name);
    zone_ptrs.push_back(z);
    zone_ids.emplace(name, id);
    return id;
  };
  std::map<std::string, std::string, std::less<>> instance_overrides(p.windows.instance_time_zones.begin(),
                                                                     p.windows.instance_time_zones.end());
  std::vector<std::string> instance_names;
  std::vector<std::uint16_t> instance_zone;
  std::unordered_map<std::string, std::uint32_t> instance_ids;
  auto intern_instance = [&](const std::string& name) -> std::uint32_t {
    if (const auto it = instance_ids.find(name); it != instance_ids.end()) return it->second;
    const auto id = static_cast<std::uint32_t>(instance_names.size());
    std::string zone;
    if (const auto o = instance_overrides.find(name); o != instance_overrides.end()) zone = o->second;
    else zone = std::string(default_time_zone_for_instance(name));
    if (zone.empty() || !is_known_time_zone(zone)) zone = p.windows.default_time_zone;
    instance_names.push_back(name);
    instance_zone.push_back(intern_zone(zone));
    instance_ids.emplace(name, id);
    return id;
  };
  // (zone, fiscal month) groups.
  std::vector<std::uint32_t> group_of_zone_month;  // zone * 12 + month-1 -> group + 1 (0 = none yet)
  std::vector<std::pair<std::uint16_t, int>> groups;
  auto group_for = [&](std::uint16_t zone, int fiscal_month) -> std::uint32_t {
    const std::size_t k = static_cast<std::size_t>(zone) * 12 + static_cast<std::size_t>(fiscal_month - 1);
    if (group_of_zone_month.size() <= k) group_of_zone_month.resize((static_cast<std::size_t>(zone) + 1) * 12, 0);
    if (group_of_zone_month[k] == 0) {
      groups.emplace_back(zone, fiscal_month);
      group_of_zone_month[k] = static_cast<std::uint32_t>(groups.size());
    }
    return group_of_zone_month[k] - 1;
  };

  // Follow-the-sun regions, by each zone's UTC offset at the plan start (only when some wave follows the sun).
  r.follow_the_sun = std::any_of(p.waves.begin(), p.waves.end(), [](const wave_spec& w) { return w.follow_the_sun; });
  std::vector<std::uint8_t> zone_region;  // by zone id; 0xff: not computed yet
  auto region_of_zone = [&](std::uint16_t zone) -> std::uint8_t {
    if (!r.follow_the_sun) return 0;
    if (zone_region.size() <= zone) zone_region.resize(static_cast<std::size_t>(zone) + 1, 0xff);
    if (zone_region[zone] != 0xff) return zone_region[zone];
    const auto info = zone_ptrs[zone]->get_info(std::chrono::floor<std::chrono::seconds>(p.start));
    const auto offset_min = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(info.offset).count());
    zone_region[zone] = static_cast<std::uint8_t>(sun_region_of_offset(offset_min));
    return zone_region[zone];
  };

  // ---- eligibility
  constexpr std::uint16_t no_zone = 0xffff;
  std::vector<std::uint16_t> profile_zone(profiles != nullptr ? profiles->zone_names().size() : 0, no_zone);
  std::vector<candidate> cands;
  cands.reserve(subs.size());
  std::vector<char> keys(subs.size() * 15);  // the 15-character key of subscriber i at i * 15
  key_dedupe seen(subs.size(), keys.data());
  auto key_of = [&](std::uint32_t sub) {
    return std::string_view(keys.data() + static_cast<std::size_t>(sub) * 15, 15);
  };
  // Keys first, so that the dedupe table's entry for the key a few subscribers ahead can be fetched into cache
  // while this one is checked (one cache miss a subscriber otherwise); hashes in a ring of the next few.
  std::vector<bool> key_ok(subs.size(), false);
  for (std::size_t i = 0; i < subs.size(); ++i) {
    const auto key = normalize_org_key(subs[i].org_key);
    if (!key) continue;
    std::memcpy(keys.data() + i * 15, key->data(), 15);
    key_ok[i] = true;
  }
  constexpr std::size_t prefetch_ahead = 16;  // a power of two: the ring's size
  std::array<std::uint64_t, prefetch_ahead> hash_ring{};
  auto ring_in = [&](std::size_t i) {
    if (i >= subs.size() || !key_ok[i]) return;
    hash_ring[i % prefetch_ahead] = seen.hash(static_cast<std::uint32_t>(i));
    seen.prefetch(hash_ring[i % prefetch_ahead]);
  };
  for (std::size_t i = 0; i < prefetch_ahead; ++i) ring_in(i);
  for (std::size_t i = 0; i < subs.size(); ++i) {
    const subscriber& s = subs[i];
    const auto index = static_cast<std::uint32_t>(i);
    const std::uint64_t key_hash = hash_ring[i % prefetch_ahead];
    ring_in(i + prefetch_ahead);
    if (!key_ok[i]) {
      r.excluded.push_back({index, exclusion_reason::bad_key});
      continue;
    }
    const auto key = key_of(index);
    if (seen.seen_before(index, key_hash)) {
      r.excluded.push_back({index, exclusion_reason::duplicate});
      continue;
    }
    exclusion_reason why{};
    bool excluded = true;
    if (s.installed != installed_status::installed) why = exclusion_reason::not_installed;
    else if (s.status == org_status::inactive) why = exclusion_reason::inactive;
    else if (s.push_blocked.value_or(false)) why = exclusion_reason::blocked;
    else if ((p.target.version && s.installed_version && *s.installed_version >= *p.target.version) ||
             (!p.target.package_version_id.empty() && !s.installed_version_id.empty() &&
              version_id_equal(s.installed_version_id, p.target.package_version_id)))
      why = exclusion_reason::already_on_target;
    else excluded = false;
    if (excluded) {
      r.excluded.push_back({index, why});
      continue;
    }
    const org_profile* prof = profiles != nullptr ? profiles->find(key) : nullptr;
    const std::uint32_t inst = intern_instance(s.instance_name);
    std::uint16_t zone = instance_zone[inst];
    if (prof != nullptr && prof->zone_id != 0) {
      std::uint16_t& z = profile_zone[prof->zone_id];
      if (z == no_zone) z = intern_zone(profiles->zone_names()[prof->zone_id]);
      zone = z;
    }
    const int fiscal = prof != nullptr && prof->fiscal_year_start_month >= 1 ? prof->fiscal_year_start_month : 1;
    cands.push_back(
        {index, inst, group_for(zone, fiscal), zone, prof != nullptr ? prof->features : 0, region_of_zone(zone)});
  }

  // ---- waves: each takes from the orgs not yet assigned.
  constexpr std::uint16_t unassigned = 0xffff;
  std::vector<std::uint16_t> wave_of(cands.size(), unassigned);
  std::vector<std::vector<std::uint32_t>> wave_members(p.waves.size());  // candidate indices, input order
  for (std::size_t w = 0; w < p.waves.size(); ++w) {
    const wave_spec& ws = p.waves[w];
    const wave_selector& sel = ws.select;
    std::vector<std::uint32_t> matching;
    matching.reserve(cands.size());
    for (std::size_t c = 0; c < cands.size(); ++c) {
      if (wave_of[c] != unassigned) continue;
      const subscriber& s = subs[cands[c].sub];
      if (!sel.org_types.empty() &&
          std::find(sel.org_types.begin(), sel.org_types.end(), s.type) == sel.org_types.end())
        continue;
      if (!sel.org_statuses.empty() &&
          std::find(sel.org_statuses.begin(), sel.org_statuses.end(), s.status) == sel.org_statuses.end())
        continue;
      if (!sel.instances.empty() &&
          std::find(sel.instances.begin(), sel.instances.end(), s.instance_name) == sel.instances.end())
        continue;
      if (sel.has_org_list && !std::binary_search(sel.org_keys.begin(), sel.org_keys.end(), key_of(cands[c].sub)))
        continue;
      matching.push_back(static_cast<std::uint32_t>(c));
    }
    std::size_t want = matching.size();
    if (sel.share_percent) {
      want =
          static_cast<std::size_t>(std::ceil(*sel.share_percent * static_cast<double>(matching.size()) / 100.0 - 1e-9));
      want = std::min(want, matching.size());
    }
    if (sel.max_orgs) want = std::min(want, *sel.max_orgs);
    const std::uint64_t wave_seed = detail::derive_seed(p.seed, "wave/" + std::to_string(w));
    // Picks `count` of the candidates `pool` (candidate indices) with the wave's strategy: positions in pool.
    auto select_from = [&](const std::vector<std::uint32_t>& pool, std::size_t count, std::uint64_t seed) {
      std::vector<std::uint32_t> picked;  // positions in pool
      if (count >= pool.size()) {
        picked.resize(pool.size());
        for (std::size_t k = 0; k < picked.size(); ++k) picked[k] = static_cast<std::uint32_t>(k);
      } else if (ws.strategy == selection_strategy::random) {
        picked = select_random(pool.size(), count, seed);
      } else if (ws.strategy == selection_strategy::representative) {
        std::vector<std::uint64_t> feats(pool.size());
        for (std::size_t k = 0; k < pool.size(); ++k) feats[k] = cands[pool[k]].features;
        picked = select_representative(feats, count, seed);
      } else {
        // by_instance: whole instances in a seeded order until the wave is full.
        std::vector<std::vector<std::uint32_t>> by_inst(instance_names.size());
        for (std::size_t k = 0; k < pool.size(); ++k) {
          by_inst[cands[pool[k]].instance].push_back(static_cast<std::uint32_t>(k));
        }
        std::vector<std::uint32_t> inst_order;  // instances with orgs, by name
        for (std::uint32_t k = 0; k < by_inst.size(); ++k) {
          if (!by_inst[k].empty()) inst_order.push_back(k);
        }
        std::sort(inst_order.begin(), inst_order.end(),
                  [&](std::uint32_t a, std::uint32_t b) { return instance_names[a] < instance_names[b]; });
        std::vector<const std::vector<std::uint32_t>*> lists;
        lists.reserve(inst_order.size());
        for (const auto k : inst_order) lists.push_back(&by_inst[k]);
        const auto order = select_random(lists.size(), lists.size(), seed);
        for (const auto li : order) {
          for (const auto k : *lists[li]) {
            if (picked.size() == count) break;
            picked.push_back(k);
          }
          if (picked.size() == count) break;
        }
      }
      return picked;
    };
    std::vector<std::uint32_t> picked;  // positions in matching
    if (ws.follow_the_sun && want < matching.size()) {
      // Per region: a region's next-wave orgs are gated by its own canary, so each region's canary must cover
      // that region's feature space itself (a rare customization only present in APAC must be in APAC's canary,
      // which runs before APAC's next wave; a global pick could place it in a later region's canary).
      std::array<std::vector<std::uint32_t>, sun_region_count> pos_by_region;  // positions in matching
      for (std::size_t k = 0; k < matching.size(); ++k) {
        pos_by_region[cands[matching[k]].region].push_back(static_cast<std::uint32_t>(k));
      }
      const auto quota =
          sun_region_quotas(want, {pos_by_region[0].size(), pos_by_region[1].size(), pos_by_region[2].size()});
      for (std::size_t reg = 0; reg < sun_region_count; ++reg) {
        std::vector<std::uint32_t> pool;
        pool.reserve(pos_by_region[reg].size());
        for (const auto k : pos_by_region[reg]) pool.push_back(matching[k]);
        const auto sub = select_from(pool, quota[reg], detail::derive_seed(wave_seed, "region/" + std::to_string(reg)));
        for (const auto q : sub) picked.push_back(pos_by_region[reg][q]);
      }
    } else {
      picked = select_from(matching, want, wave_seed);
    }
    std::sort(picked.begin(), picked.end());
    auto& members = wave_members[w];
    members.reserve(picked.size());
    for (const auto k : picked) {
      members.push_back(matching[k]);
      wave_of[matching[k]] = static_cast<std::uint16_t>(w);
    }
  }
  for (std::size_t c = 0; c < cands.size(); ++c) {
    if (wave_of[c] == unassigned) r.excluded.push_back({cands[c].sub, exclusion_reason::not_selected});
  }
  std::sort(r.excluded.begin(), r.excluded.end(),
            [](const excluded_org& a, const excluded_org& b) { return a.subscriber_index < b.subscriber_index; });

  // ---- slots
  const time_point horizon_end = p.deadline.value_or(p.start + default_horizon);
  detail::slot_grid grid;
  grid.origin = p.start;
  grid.step = p.slot_granularity;
  if (horizon_end > p.start) {
    const auto span_us = (horizon_end - p.start).count();
    grid.cells = static_cast<std::uint32_t>((span_us + grid.step.count() - 1) / grid.step.count());
  }
  std::vector<std::vector<std::uint32_t>> calendars(groups.size());
  std::vector<bool> calendar_done(groups.size(), false);
  auto calendar = [&](std::uint32_t g) -> const std::vector<std::uint32_t>& {
    if (!calendar_done[g]) {
      calendars[g] = detail::allowed_cells(grid, *zone_ptrs[groups[g].first], groups[g].second, p.windows);
      calendar_done[g] = true;
    }
    return calendars[g];
  };
  detail::start_capacity capacity(p, grid, instance_names.size());
  const detail::maintenance_cells maint(p, grid, instance_names);
  const duration run = expected_run(p);

  constexpr std::uint32_t no_cell = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> cell_of(cands.size(), no_cell);
  std::vector<std::uint32_t> bucket_start;
  std::vector<std::uint32_t> bucket_items;
  time_point earliest = p.start;
  // After a follow_the_sun wave: the next wave's earliest start per region (that region's last start in the
  // follow_the_sun wave + expected duration + bake; a region without orgs there waits for the whole wave).
  std::optional<std::array<time_point, sun_region_count>> region_earliest;
  const std::size_t region_count = r.follow_the_sun ? sun_region_count : 1;
  std::vector<std::uint32_t> region_items;
  r.waves.resize(p.waves.size());
  r.orgs.reserve(cands.size());
  for (std::size_t w = 0; w < p.waves.size(); ++w) {
    wave_plan& wp = r.waves[w];
    wp.name = p.waves[w].name;
    wp.earliest_start =
        region_earliest ? *std::min_element(region_earliest->begin(), region_earliest->end()) : earliest;
    auto cell_at_or_after = [&](time_point t) {
      return static_cast<std::uint32_t>(std::min<std::int64_t>(
          grid.cells, std::max<std::int64_t>(0, ((t - p.start).count() + grid.step.count() - 1) / grid.step.count())));
    };
    std::array<std::uint32_t, sun_region_count> first_cell_of_region{};
    for (std::size_t reg = 0; reg < sun_region_count; ++reg) {
      first_cell_of_region[reg] = cell_at_or_after(region_earliest ? (*region_earliest)[reg] : earliest);
    }
    // Forward-only cursors into each group's calendar (per instance when capped).
    std::vector<std::uint32_t> group_first(groups.size(), no_cell);
    std::unordered_map<std::uint64_t, std::uint32_t> cursors;  // (group, instance) -> position in the calendar
    for (const auto c : wave_members[w]) {
      const candidate& cd = cands[c];
      const auto& cal = calendar(cd.group);
      std::uint32_t& gf = group_first[cd.group];
      if (gf == no_cell) {
        gf = static_cast<std::uint32_t>(std::lower_bound(cal.begin(), cal.end(), first_cell_of_region[cd.region]) -
                                        cal.begin());
      }
      if (gf == cal.size()) {
        r.infeasible.push_back({cd.sub, static_cast<std::uint16_t>(w), infeasible_reason::no_window});
        continue;
      }
      if (!capacity.capped() && maint.empty()) {
        cell_of[c] = cal[gf];
        continue;
      }
      auto [it, fresh] = cursors.try_emplace((static_cast<std::uint64_t>(cd.group) << 32) | cd.instance, gf);
      const detail::placement at = capacity.capped() ? capacity.place(cd.instance, cal, it->second, maint)
                                                     : first_clear(cal, gf, it->second, fresh, cd.instance, maint);
      if (at.pos == cal.size()) {
        r.infeasible.push_back({cd.sub, static_cast<std::uint16_t>(w),
                                capacity.capped() ? infeasible_reason::no_capacity : infeasible_reason::no_window});
      } else {
        cell_of[c] = cal[at.pos];
        r.moved_out_of_maintenance += at.moved ? 1 : 0;
      }
    }
    // Bucket the wave's orgs by cell (counting sort keeps input order inside a cell), then cut slots.
    bucket_start.assign(grid.cells + 1, 0);
    for (const auto c : wave_members[w]) {
      if (cell_of[c] != no_cell) ++bucket_start[cell_of[c] + 1];
    }
    for (std::size_t k = 1; k < bucket_start.size(); ++k) bucket_start[k] += bucket_start[k - 1];
    bucket_items.assign(bucket_start.back(), 0);
    {
      std::vector<std::uint32_t> fill(bucket_start.begin(), bucket_start.end() - 1);
      for (const auto c : wave_members[w]) {
        if (cell_of[c] != no_cell) bucket_items[fill[cell_of[c]]++] = c;
      }
    }
    for (std::uint32_t cell = 0; cell < grid.cells; ++cell) {
      const std::uint32_t b = bucket_start[cell], e = bucket_start[cell + 1];
      if (b == e) continue;
      const time_point t = grid.at(cell);
      // Following the sun, a slot (request) holds one region's orgs: each region is gated on its own.
      for (std::size_t reg = 0; reg < region_count; ++reg) {
        const std::uint32_t* items = bucket_items.data() + b;  // this region's orgs at this start
        std::uint32_t n = e - b;
        if (region_count > 1) {
          region_items.clear();
          for (std::uint32_t q = b; q < e; ++q) {
            if (cands[bucket_items[q]].region == reg) region_items.push_back(bucket_items[q]);
          }
          items = region_items.data();
          n = static_cast<std::uint32_t>(region_items.size());
        }
        for (std::uint32_t k = 0; k < n; k += static_cast<std::uint32_t>(p.concurrency.orgs_per_request)) {
          const std::uint32_t stop =
              std::min<std::uint32_t>(n, k + static_cast<std::uint32_t>(p.concurrency.orgs_per_request));
          slot sl;
          sl.start = t;
          sl.region = static_cast<sun_region>(reg);
          sl.orgs.reserve(stop - k);
          const auto slot_index = static_cast<std::uint32_t>(wp.slots.size());
          for (std::uint32_t q = k; q < stop; ++q) {
            // A cell's orgs lie far apart in cands: fetch the one a few ahead into cache (a hint only).
            if (q + 16 < n) __builtin_prefetch(&cands[items[q + 16]]);
            const candidate& cd = cands[items[q]];
            sl.orgs.push_back(static_cast<std::uint32_t>(r.orgs.size()));
            r.orgs.push_back({cd.sub, static_cast<std::uint16_t>(w), cd.zone, slot_index, t});
          }
          wp.api_calls_estimate += api_calls_for_request(p, sl.orgs.size());
          wp.org_count += sl.orgs.size();
          wp.slots.push_back(std::move(sl));
        }
      }
    }
    wp.infeasible_count = static_cast<std::size_t>(
        std::count_if(r.infeasible.begin(), r.infeasible.end(), [w](const infeasible_org& x) { return x.wave == w; }));
    if (!wp.slots.empty()) {
      wp.first_start = wp.slots.front().start;
      wp.last_start = wp.slots.back().start;
    }
    // The next wave may start once this one's last slot is expected to be done and has baked (following the
    // sun: per region, once this wave's last slot in that region is).
    const time_point prior =
        region_earliest ? *std::max_element(region_earliest->begin(), region_earliest->end()) : earliest;
    earliest = (wp.last_start ? *wp.last_start + run : prior) + p.waves[w].bake;
    region_earliest.reset();
    if (p.waves[w].follow_the_sun) {
      std::array<std::optional<time_point>, sun_region_count> last{};
      for (const auto& sl : wp.slots) {
        auto& l = last[static_cast<std::size_t>(sl.region)];
        if (!l || sl.start > *l) l = sl.start;
      }
      region_earliest.emplace();
      for (std::size_t reg = 0; reg < sun_region_count; ++reg) {
        (*region_earliest)[reg] = last[reg] ? *last[reg] + run + p.waves[w].bake : earliest;
      }
    }
    r.api_calls_estimate += wp.api_calls_estimate;
  }
  // Subscriber query pages (2000 rows each) before anything else.
  r.api_calls_estimate += std::max<std::uint64_t>(1, (subs.size() + 1999) / 2000);

  // API budget: the busiest 24 h (by slot start) must fit calls_per_24h - reserve.
  if (p.api_budget.calls_per_24h) {
    const std::uint64_t usable =
        *p.api_budget.calls_per_24h - std::min(*p.api_budget.calls_per_24h, p.api_budget.reserve_calls);
    std::vector<std::pair<time_point, std::uint64_t>> starts;
    for (const auto& wp : r.waves) {
      for (const auto& sl : wp.slots) starts.emplace_back(sl.start, api_calls_for_request(p, sl.orgs.size()));
    }
    std::uint64_t window = 0, worst = 0;
    std::size_t tail = 0;
    for (std::size_t k = 0; k < starts.size(); ++k) {
      window += starts[k].second;
      while (starts[k].first - starts[tail].first >= std::chrono::hours{24}) window -= starts[tail++].second;
      worst = std::max(worst, window);
    }
    if (worst > usable) {
      r.warnings.push_back("the busiest 24 h needs about " + std::to_string(worst) + " API calls, more than the " +
                           std::to_string(usable) +
                           " available (calls_per_24h - reserve_calls); the executor will defer calls");
    }
  }
  if (!r.infeasible.empty()) {
    r.warnings.push_back(std::to_string(r.infeasible.size()) +
                         " selected orgs have no feasible start before the deadline");
  }
  return r;
}

}  // namespace pushsim::scheduler
