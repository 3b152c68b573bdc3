#include "pushsim/mock_org/ground_truth.hpp"

#include <array>

#include "pushsim/sim/run_digest.hpp"

namespace pushsim::mock_org {

std::string_view to_string(org_truth::state s) {
  static constexpr std::array<std::string_view, 4> names{"untouched", "upgraded", "failed", "broken"};
  return names[static_cast<std::size_t>(s)];
}

ground_truth::summary ground_truth::summarize() const {
  summary s;
  for (const auto& r : rows_) {
    switch (r.st) {
      case org_truth::state::untouched: ++s.untouched; break;
      case org_truth::state::upgraded: ++s.upgraded; break;
      case org_truth::state::failed:
        ++s.failed;
        ++s.failed_by_type[static_cast<std::size_t>(r.error)];
        break;
      case org_truth::state::broken:
        ++s.upgraded;
        ++s.broken;
        ++s.broken_by_cause[static_cast<std::size_t>(r.cause)];
        s.users_disrupted += r.active_users;
        break;
    }
  }
  return s;
}

std::uint64_t ground_truth::digest() const {
  sim::run_digest d;
  for (const auto& r : rows_) {
    d.fold_value(static_cast<std::uint64_t>(r.st) | (static_cast<std::uint64_t>(r.error) << 8) |
                 (static_cast<std::uint64_t>(r.cause) << 16) | (static_cast<std::uint64_t>(r.version_after) << 24) |
                 (static_cast<std::uint64_t>(r.decided_by) << 32) | (std::uint64_t{r.attempts} << 40));
    d.fold_value(static_cast<std::uint64_t>(r.time_us) ^ (static_cast<std::uint64_t>(r.signal_us) << 1));
    // Folded only when it happened, so worlds without a retired API keep their digests.
    if (r.integration_stopped_us >= 0) d.fold_value(static_cast<std::uint64_t>(r.integration_stopped_us) ^ 0xA71u);
  }
  return d.value();
}

}  // namespace pushsim::mock_org
