#pragma once
// org: one subscriber org written out in full. Used to hand-build orgs (tests, pinned orgs in a spec) and to
// read one org back out of a population. The population itself stores orgs column-wise (see population.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/types.hpp"

namespace pushsim::mock_org {

// What an org built on top of the package.
enum class customization_kind : std::uint8_t {
  validation_rule,  // target = managed field the rule's formula references
  trigger,          // target = managed field the org's Apex trigger reads or writes
  flow,             // target = managed field a flow / process references
  custom_fields,    // target = managed object; value = number of the org's own custom fields on it
  integration,      // target = managed object the integration reads/writes; value = API version it is pinned to
};
inline constexpr std::size_t customization_kind_count = 5;
// "validation_rule", "trigger", "flow", "custom_fields", "integration".
std::string_view to_string(customization_kind k);

struct customization {
  std::uint16_t target = 0;
  std::uint16_t value = 0;
  customization_kind kind = customization_kind::validation_rule;
  friend bool operator==(const customization&, const customization&) = default;
};

struct org {
  org_key key;
  std::string name;
  org_type type = org_type::production;
  org_status status = org_status::active;
  std::optional<org_key> parent;   // a sandbox's production org
  std::string instance = "NA142";  // pod name
  std::string time_zone = "America/New_York";
  std::uint8_t fiscal_year_start_month = 1;  // 1..12
  mock_org::edition edition = edition::enterprise;
  version_index installed_version = not_installed;  // index into package::versions
  bool push_blocked = false;                        // subscriber blocked push upgrades
  bool always_fails = false;                        // in the long tail of orgs every push fails on
  bool heavy_customizer = false;
  std::uint32_t users = 10;            // licensed users (the peak of the active-user curve)
  std::vector<std::uint32_t> records;  // records per managed object (package::objects order; missing = 0)
  feature_set features = 0;
  std::vector<customization> customizations;
};

}  // namespace pushsim::mock_org
