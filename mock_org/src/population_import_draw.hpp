#pragma once
// Adds a spec's imported orgs to a population, drawing what the files do not show (private to generate_population).

#include <cstdint>
#include <utility>
#include <vector>

#include "pushsim/mock_org/population_spec.hpp"
#include "pushsim/sim/random.hpp"

namespace pushsim::mock_org::detail {

// An alias table over a spec's weighted mix (the weights in the mix's order).
template <class T>
sim::alias_table table_of(const std::vector<std::pair<T, double>>& mix) {
  std::vector<double> w;
  w.reserve(mix.size());
  for (const auto& e : mix) w.push_back(e.second);
  return sim::alias_table(w);
}

// Appends spec.imported's orgs (production orgs and orgs without a parent first, then sandboxes with one). Each
// org's drawn attributes come from its own stream (root seed, "import", its key), so one org's draw does not
// depend on which other orgs were imported.
void add_imported_orgs(population& pop, const population_spec& spec, const package& pkg, std::uint64_t seed);

}  // namespace pushsim::mock_org::detail
