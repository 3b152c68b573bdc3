#pragma once
// Partner org profiles: what the partner knows about each subscriber org beyond what the push API tells
// (time zone, fiscal year start, tier, customization features). Read from a CSV documented in
// scheduler/PLAN_FORMAT.md; errors name the CSV line and column. Without a profile, an org's time zone comes
// from its instance's region (default_time_zone_for_instance).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/input_error.hpp"
#include "pushsim/scheduler/org_key.hpp"

namespace pushsim::scheduler {

// At most this many distinct customization features (one bit each).
inline constexpr std::size_t max_profile_features = 64;

// One org's profile. Empty time_zone / fiscal month 0 mean "not known".
struct org_profile {
  std::string org_key15;
  std::string time_zone;            // IANA name, validated
  int fiscal_year_start_month = 0;  // 1..12, 0 = unknown (planner assumes January)
  std::string tier;
  std::uint64_t features = 0;  // bit i = profile_set::feature_names[i]
  std::uint16_t zone_id = 0;   // set by profile_set::add: index into zone_names() (0 = no zone)
};

// All profiles of a CSV, with an index by 15-character org key.
class profile_set {
 public:
  profile_set() = default;
  // Adds a profile; returns false (and changes nothing) when its org key is already present.
  bool add(org_profile profile);
  // The bit of a feature name, adding it when new; empty optional when the 64 features are taken.
  std::optional<int> feature_bit(std::string_view name);
  const org_profile* find(std::string_view key15) const;
  const std::vector<org_profile>& profiles() const { return profiles_; }
  const std::vector<std::string>& feature_names() const { return feature_names_; }
  // Distinct time zone names of the profiles; index 0 is "" (no zone).
  const std::vector<std::string>& zone_names() const { return zone_names_; }
  std::size_t size() const { return profiles_.size(); }

 private:
  std::vector<org_profile> profiles_;
  std::vector<std::string> feature_names_;
  std::vector<std::string> zone_names_{std::string()};
  org_key_index index_;
};

// A problem in the CSV: the shared input_error, its pointer "line 3, column 2 (time_zone)" (1-based; no column
// when the whole line is wrong).
using csv_error = input_error;

struct profiles_parse_result {
  std::optional<profile_set> value;
  std::vector<csv_error> errors;
  explicit operator bool() const { return value.has_value(); }
  std::string error_text() const;
};

// Parses the profiles CSV (header line required, see PLAN_FORMAT.md). Collects every error.
profiles_parse_result parse_profiles_csv(std::string_view text, const std::string& file = "");
profiles_parse_result load_profiles_file(const std::string& path);

// The default IANA zone for a Salesforce instance name by its region prefix ("NA45" -> "America/New_York",
// "EU12" -> "Europe/London", "AP5" -> "Asia/Tokyo", ...); empty when the region is unknown.
std::string_view default_time_zone_for_instance(std::string_view instance_name);

// True when the IANA zone name is known to the time zone database.
bool is_known_time_zone(std::string_view name);

}  // namespace pushsim::scheduler
