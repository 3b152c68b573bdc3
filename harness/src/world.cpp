#include "pushsim/harness/world.hpp"

#include "pushsim/sim/random.hpp"

namespace pushsim::harness {
namespace {

// The plan's target in the world's package, if the plan names one that is there (the rehearsal reports it if not).
std::optional<mock_org::version_index> plan_target(const scheduler::plan& p, const world& w) {
  if (!p.target.package_version_id.empty()) return w.platform->find_version(p.target.package_version_id);
  if (!p.target.version) return std::nullopt;
  const auto& v = *p.target.version;
  return w.pkg.find_version(mock_org::version_number{
      static_cast<std::uint16_t>(v.major), static_cast<std::uint16_t>(v.minor), static_cast<std::uint16_t>(v.patch)});
}

// The deadline's cost in the world: an API retirement stops the integration of every org still on an old version.
void set_deadline(const scheduler::plan& p, world& w) {
  if (!p.deadline || p.deadline_cost == scheduler::deadline_kind::soft || *p.deadline < w.sim->now()) return;
  const auto target = plan_target(p, w);
  if (!target) return;
  w.deadline = world_deadline{*p.deadline, p.deadline_cost, *target};
  if (p.deadline_cost == scheduler::deadline_kind::api_retirement) w.platform->retire_api_at(*p.deadline, *target);
}

}  // namespace

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
  set_deadline(s.plan, *w);
  return w;
}

}  // namespace pushsim::harness
