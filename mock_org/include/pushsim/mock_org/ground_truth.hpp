#pragma once
// ground_truth: what really happened to each org (the harness's answer key; the scheduler never sees it).
// One compact record per org, updated by the platform when a job of the org ends.

#include <array>
#include <cstdint>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/outcome_rules.hpp"
#include "pushsim/mock_org/population.hpp"

namespace pushsim::mock_org {

struct org_truth {
  enum class state : std::uint8_t { untouched, upgraded, failed, broken };
  state st = state::untouched;                        // of the last job that ended (broken = upgraded and broken)
  error_type error = error_type::unclassified_error;  // when failed
  break_cause cause = break_cause::none;              // when broken
  mock_org::severity sev = severity::none;
  rule decided_by = rule::none;
  version_index version_before = not_installed;  // before the first job that ended
  version_index version_after = not_installed;   // after the last job that ended
  std::uint16_t attempts = 0;                    // jobs of this org that ran (not canceled)
  std::uint32_t active_users = 0;                // active when the last job started
  std::uint32_t last_job = 0;                    // job id of the last job that ended (0: none)
  std::int64_t time_us = 0;                      // end of the last job (UTC microseconds)
  std::int64_t signal_us = -1;                   // when the breakage showed in telemetry (-1: not (yet))
  // When a retired API stopped the package integration of this org, still on an old version (-1: never). The
  // org's state stays what its jobs made it (untouched or failed): this harm comes from not being upgraded.
  std::int64_t integration_stopped_us = -1;
};
std::string_view to_string(org_truth::state s);  // "untouched", "upgraded", "failed", "broken"

class ground_truth {
 public:
  explicit ground_truth(std::size_t org_count) : rows_(org_count) {}
  const org_truth& at(org_index i) const { return rows_[i]; }
  org_truth& at(org_index i) { return rows_[i]; }
  std::size_t size() const { return rows_.size(); }

  struct summary {
    std::uint64_t upgraded = 0;  // includes broken
    std::uint64_t failed = 0;
    std::uint64_t broken = 0;
    std::uint64_t untouched = 0;
    std::array<std::uint64_t, error_type_count> failed_by_type{};
    std::array<std::uint64_t, break_cause_count> broken_by_cause{};
    std::uint64_t users_disrupted = 0;  // active users of broken orgs at upgrade time
  };
  summary summarize() const;
  // Fingerprint of every org's record (state, error, cause, versions, time): equal worlds, equal digests.
  std::uint64_t digest() const;

 private:
  std::vector<org_truth> rows_;
};

}  // namespace pushsim::mock_org
