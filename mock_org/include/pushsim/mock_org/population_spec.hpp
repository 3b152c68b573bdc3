#pragma once
// population_spec: how a world's subscriber orgs are drawn. It is the "population" section of a scenario file
// (JSON; schema in scenarios/schema/population.schema.json). Every section is optional and falls back to the
// realistic default profile (default_population_spec()), so {"count": 100000} is a complete spec.
//
// Parsing never throws and never half-applies: it returns the spec or one error naming the JSON pointer of the
// offending value and what was expected. Unknown keys are errors.
//
// Mix weights (type, status, edition, instance, time zones, fiscal months, installed version) are relative:
// finite, >= 0, with a positive sum. Integer weights are counts/ratios and may sum to anything; as soon as one
// weight has a fraction the weights are read as shares and must sum to 1 (within 0.001) - {"Production": 0.8,
// "Sandbox": 0.3} is rejected. Probabilities (features, push_blocked, always_fails, propensities) are in [0, 1].

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "pushsim/mock_org/instance_table.hpp"
#include "pushsim/mock_org/org.hpp"
#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/population.hpp"
#include "pushsim/mock_org/population_import.hpp"
#include "pushsim/mock_org/spec_error.hpp"

namespace pushsim::mock_org {

struct population_spec {
  std::uint64_t count = 10'000;  // orgs in all, pinned ones included
  std::vector<org> orgs;         // pinned orgs, created first and exactly as given (index 0..orgs.size()-1)
  // "from": export files to import the orgs from, as written (relative to the file that names them). The loader
  // that can read files fills `imported` and sets count to its orgs; then there are no pinned or generated orgs.
  std::vector<std::string> import_files;
  std::shared_ptr<const population_import> imported;

  std::vector<std::pair<org_type, double>> type_mix;
  std::vector<std::pair<org_status, double>> status_mix;
  std::vector<std::pair<mock_org::edition, double>> edition_mix;
  std::vector<std::pair<std::string, double>> instance_mix;
  std::array<std::vector<std::pair<std::string, double>>, region_count> time_zones;  // per region
  std::array<double, 12> fiscal_month_weights{};                                     // January .. December
  std::vector<std::pair<version_index, double>> version_mix;                         // not_installed allowed
  std::array<double, platform_feature_count> feature_probability{};
  double push_blocked_probability = 0.0;
  double always_fails_probability = 0.0;

  // Licensed users: lognormal with this median and sigma (of the log), clamped to [min, max].
  double users_median = 18.0;
  double users_sigma = 1.4;
  std::uint32_t users_min = 1;
  std::uint32_t users_max = 200'000;
  // Records per managed object = users x per_user[object] x a lognormal(0, sigma) factor shared by the org.
  std::vector<double> records_per_user;  // per managed object
  double records_sigma = 1.0;

  // Customization propensities: the probability that an org has at least one of this kind on this field/object.
  // The heavy-customizer segment (a share of orgs) has every propensity multiplied (capped at 1), more
  // integrations and twice the custom fields.
  double heavy_share = 0.06;
  double heavy_multiplier = 4.0;
  std::array<std::vector<double>, 3> field_propensity;  // [validation_rule, trigger, flow][field]
  std::vector<double> custom_fields_probability;        // per object
  double custom_fields_mean = 30.0;                     // mean count when present (exponential, >= 1)
  std::vector<double> integration_probability;          // per object
  std::vector<std::pair<std::uint16_t, double>> integration_api_versions;
};

// The realistic default profile for a package (the example package's field names get tuned propensities; any
// other package gets the generic defaults).
population_spec default_population_spec(const package& pkg);

// Parses a population section. `pointer` is where `j` sits in the whole document (used in error messages).
parse_result<population_spec> parse_population_spec(const nlohmann::json& j, const package& pkg,
                                                    std::string_view pointer = "");
// Parses JSON text (syntax errors are reported with pointer "" and the byte offset).
parse_result<population_spec> parse_population_spec_text(std::string_view text, const package& pkg);

// Draws the population: imported orgs first (what the files do not show drawn, see README "Importing a subscriber
// base"), pinned orgs next, exactly as given, then the rest generated up to count.
// Deterministic: the same spec, package and seed give the same population. The spec must come from
// parse_population_spec or default_population_spec (bad specs are bugs here and assert).
population generate_population(const population_spec& spec, const package& pkg, std::uint64_t seed);

}  // namespace pushsim::mock_org
