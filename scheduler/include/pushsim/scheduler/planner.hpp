#pragma once
// The planner: subscribers (+ partner profiles) + plan -> eligibility (a reason per excluded org) -> waves ->
// slots. Every planned org gets a UTC start inside its allowed local window (DST-correct, via date/tz) on an
// allowed day before the deadline; orgs sharing a start share a slot (one PackagePushRequest), slots are split
// at orgs_per_request and per-slot counts respect the concurrency limits. Orgs with no feasible start are
// reported, so nothing is pushed before the whole plan is known. Pure and deterministic: same inputs, same plan.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/scheduler/plan.hpp"
#include "pushsim/scheduler/profiles.hpp"
#include "pushsim/scheduler/subscriber.hpp"

namespace pushsim::scheduler {

// Why an org is not in the rollout (checked in this order).
enum class exclusion_reason : std::uint8_t {
  bad_key,            // OrgKey is not a valid 15/18-character id
  duplicate,          // same org (15-character key) listed earlier
  not_installed,      // InstalledStatus uninstalled
  inactive,           // OrgStatus Inactive
  blocked,            // the subscriber blocks push upgrades
  already_on_target,  // installed version is the target or newer
  not_selected,       // eligible but no wave selected it
};
std::string_view to_string(exclusion_reason r);

// Why an eligible, selected org got no start time.
enum class infeasible_reason : std::uint8_t {
  no_window,    // its local windows leave no allowed instant between the wave's start and the deadline
  no_capacity,  // allowed instants exist but the concurrency limits fill them all before the deadline
};
std::string_view to_string(infeasible_reason r);

struct excluded_org {
  std::uint32_t subscriber_index;  // into the subscribers given to plan_rollout
  exclusion_reason reason;
};

struct infeasible_org {
  std::uint32_t subscriber_index;
  std::uint16_t wave;
  infeasible_reason reason;
};

// Follow-the-sun regions (plan waves with "follow_the_sun"): an org's region comes from its time zone's UTC
// offset at the plan start, so the orgs of one region share (most of) their night: Americas below UTC-1,
// EMEA from UTC-1 up to (not including) UTC+5, APAC from UTC+5.
enum class sun_region : std::uint8_t { americas, emea, apac };
inline constexpr std::size_t sun_region_count = 3;
std::string_view to_string(sun_region r);
// The region of a UTC offset (local time minus UTC), in minutes.
sun_region sun_region_of_offset(int utc_offset_min);
// How a follow_the_sun wave of `count` orgs is split across the regions having `sizes` matching orgs (indexed
// by sun_region): in proportion to the sizes (largest remainder), then every region with orgs gets at least
// one while another region has more than one. Never more than a region has; the sum is min(count, total).
std::array<std::size_t, sun_region_count> sun_region_quotas(std::size_t count,
                                                            const std::array<std::size_t, sun_region_count>& sizes);

// An org with a start time. Its identity is normalize_org_key(subscribers[subscriber_index].org_key).
struct planned_org {
  std::uint32_t subscriber_index;  // subscribers[i].org_key is the key to send to the API
  std::uint16_t wave;
  std::uint16_t zone;  // into plan_result::zones
  std::uint32_t slot;  // into waves[wave].slots
  time_point start;
};

// One PackagePushRequest to be: a start time and its orgs (indices into plan_result::orgs).
struct slot {
  time_point start;
  std::vector<std::uint32_t> orgs;
  // Follow-the-sun region of every org in the slot (slots are split by region when the plan has a
  // follow_the_sun wave); americas (0) otherwise.
  sun_region region = sun_region::americas;
};

struct wave_plan {
  std::string name;
  time_point earliest_start;  // nothing in this wave starts before (plan start, or previous wave + bake)
  std::vector<slot> slots;    // ordered by start; several slots may share a start (orgs_per_request split)
  std::size_t org_count = 0;  // planned orgs
  std::size_t infeasible_count = 0;
  std::optional<time_point> first_start;
  std::optional<time_point> last_start;
  std::uint64_t api_calls_estimate = 0;
};

// What plan_rollout produces; render with render_plan_json / render_plan_summary.
struct plan_result {
  std::size_t subscriber_count = 0;
  std::vector<std::string> zones;  // IANA names used by planned orgs
  std::vector<planned_org> orgs;   // in wave order, then slot order
  std::vector<wave_plan> waves;
  std::vector<excluded_org> excluded;      // in subscriber order
  std::vector<infeasible_org> infeasible;  // in wave order
  std::uint64_t api_calls_estimate = 0;    // whole rollout, see PLAN_FORMAT.md
  std::vector<std::string> warnings;       // e.g. the estimate exceeds the daily API budget
  bool follow_the_sun = false;             // some wave has follow_the_sun: slots carry their region
  // Orgs whose first start with room was ruled out by their instance's maintenance (plan "maintenance") and
  // that the planner moved to a later start; per maintenance cell at most what it would have held.
  std::size_t moved_out_of_maintenance = 0;
  // True when every selected org got a start time.
  bool feasible() const { return infeasible.empty(); }
  std::size_t excluded_count(exclusion_reason r) const;
};

// Plans the rollout. profiles may be null. The plan must be a validated one (from parse_plan).
plan_result plan_rollout(std::span<const subscriber> subscribers, const profile_set* profiles, const plan& p);

// The expected run of one planned job from its start: expected_slot_duration, or with an instance_queue at least
// one slot cell (a cell's starts are spread over it) plus the job duration. Maintenance is planned around it.
duration expected_run(const plan& p);

// The estimate of API calls for one request of n orgs (create, job batches, PATCH Pending, status polls over
// expected_slot_duration, one failed-jobs query).
std::uint64_t api_calls_for_request(const plan& p, std::size_t n);

// JSON rendering for `pushsim push --dry-run`; with include_orgs the slots list their org keys (as the API
// returned them). Same result => byte-identical text.
std::string render_plan_json(const plan_result& r, std::span<const subscriber> subscribers, bool include_orgs = true);
// A short human-readable table: per wave orgs, slots, first and last start, API calls; exclusions by reason;
// orgs moved out of maintenance.
std::string render_plan_summary(const plan_result& r);

}  // namespace pushsim::scheduler
