#include "pushsim/harness/world.hpp"

#include "pushsim/sim/random.hpp"

namespace pushsim::harness {

std::unique_ptr<world> build_world(const scenario& s) {
  auto w = std::make_unique<world>();
  w->seed = s.seed;
  w->start = s.start;
  w->scenario_name = s.name;
  w->pkg = s.pkg;
  w->api = s.platform.api;
  const sim::rng_streams streams(w->seed);
  w->sim = std::make_unique<sim::simulation>(w->start);
  const sim::rng_streams population_streams(s.population_seed.value_or(w->seed));
  w->orgs = std::make_unique<mock_org::population>(
      mock_org::generate_population(s.population, w->pkg, population_streams.seed_for("population")));
  w->platform = std::make_unique<mock_org::platform>(*w->sim, *w->orgs, w->pkg, s.platform.platform,
                                                     streams.seed_for("platform"));
  return w;
}

}  // namespace pushsim::harness
