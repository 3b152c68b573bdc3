// Rule by rule (README "Importing a subscriber base" has the table):
//  type: as imported, else Production.        status, edition, instance, installed version: as imported, else
//  drawn from the spec's mixes.                time zone: as imported, else a sandbox's parent's, else drawn from
//  the spec's zones for the instance's region. edition, fiscal month, features: a sandbox copies its parent's.
//  users: as imported, else lognormal as generated orgs (x2 heavy, x0.25 sandbox).
//  records: per object as imported; other objects users x per-user rate x the org's volume factor, which is the
//  mean ratio of its imported counts to users x rate when it has any, else lognormal as generated orgs.
//  heavy customizer: drawn at heavy_share, at heavy_share x heavy_multiplier (capped at 1) for an org whose usage
//  log shows unexpected exceptions in the package's code.  always fails: from push history when the org has
//  any ended push, else drawn.  push blocked, fiscal month, features and every customization: drawn from the
//  spec exactly as for a generated org (custom fields capped at the edition's limit).
#include "population_import_draw.hpp"

#include <algorithm>
#include <cmath>

#include "pushsim/base/assert.hpp"
#include "pushsim/sim/random.hpp"

namespace pushsim::mock_org::detail {

namespace {

// The spec's mixes as alias tables, built once for all imported orgs.
struct draw_tables {
  explicit draw_tables(const population_spec& s)
      : status(table_of(s.status_mix)),
        edition(table_of(s.edition_mix)),
        instance(table_of(s.instance_mix)),
        version(table_of(s.version_mix)),
        fiscal(std::span<const double>(s.fiscal_month_weights)),
        api(table_of(s.integration_api_versions)) {
    for (std::size_t reg = 0; reg < region_count; ++reg) {
      if (!s.time_zones[reg].empty()) zones[reg] = table_of(s.time_zones[reg]);
    }
  }
  sim::alias_table status, edition, instance, version, fiscal, api;
  std::array<sim::alias_table, region_count> zones;
};

std::string drawn_zone(const population_spec& s, const draw_tables& t, std::string_view instance, sim::rng& r) {
  auto reg = static_cast<std::size_t>(instance_region(instance).value_or(region::na));
  for (std::size_t k = 0; k < region_count && s.time_zones[reg].empty(); ++k) reg = (reg + 1) % region_count;
  PUSHSIM_ASSERT(!s.time_zones[reg].empty(), "a population spec without time zones");
  return s.time_zones[reg][t.zones[reg](r)].first;
}

void draw_records(const imported_org& in, const population_spec& s, org& o, sim::rng& r) {
  o.records.assign(s.records_per_user.size(), 0);
  double ratio_sum = 0;
  std::size_t ratios = 0;
  for (const auto& [ob, n] : in.records) {
    o.records[ob] = n;
    const double expected = static_cast<double>(o.users) * s.records_per_user[ob];
    if (expected > 0) ratio_sum += n / expected, ++ratios;
  }
  const double volume = ratios > 0 ? ratio_sum / static_cast<double>(ratios)
                                   : (s.records_sigma > 0 ? sim::lognormal(r, 0.0, s.records_sigma) : 1.0);
  for (std::size_t ob = 0; ob < o.records.size(); ++ob) {
    const bool known = std::any_of(in.records.begin(), in.records.end(), [&](const auto& e) { return e.first == ob; });
    if (!known) o.records[ob] = static_cast<std::uint32_t>(std::min(o.users * s.records_per_user[ob] * volume, 4.0e9));
  }
}

void draw_customizations(const population_spec& s, const draw_tables& t, org& o, sim::rng& r) {
  const double m = o.heavy_customizer ? s.heavy_multiplier : 1.0;
  for (std::size_t k = 0; k < 3; ++k) {
    for (std::size_t f = 0; f < s.field_propensity[k].size(); ++f) {
      if (sim::bernoulli(r, std::min(1.0, s.field_propensity[k][f] * m))) {
        o.customizations.push_back({static_cast<std::uint16_t>(f), 0, static_cast<customization_kind>(k)});
      }
    }
  }
  const double limit = static_cast<double>(custom_field_limit(o.edition));
  for (std::size_t ob = 0; ob < s.custom_fields_probability.size(); ++ob) {
    if (sim::bernoulli(r, std::min(1.0, s.custom_fields_probability[ob] * m))) {
      const double count = 1.0 + sim::exponential(r, s.custom_fields_mean) * (o.heavy_customizer ? 2.0 : 1.0);
      o.customizations.push_back({static_cast<std::uint16_t>(ob), static_cast<std::uint16_t>(std::min(count, limit)),
                                  customization_kind::custom_fields});
    }
    if (sim::bernoulli(r, std::min(1.0, s.integration_probability[ob] * m))) {
      o.customizations.push_back({static_cast<std::uint16_t>(ob), s.integration_api_versions[t.api(r)].first,
                                  customization_kind::integration});
    }
  }
}

// Copies what a sandbox shares with its production org, where the files did not say.
void inherit_from_parent(const imported_org& in, const population& pop, org_index parent, org& o) {
  if (!in.zone) o.time_zone = pop.zones().name(pop.zone(parent));
  if (!in.edition) o.edition = pop.edition(parent);
  o.fiscal_year_start_month = pop.fiscal_year_start_month(parent);
  o.features = pop.features(parent);
}

org draw_org(const imported_org& in, const population_import& im, const population_spec& s, const draw_tables& t,
             const population& pop, sim::rng& r) {
  org o;
  o.key = in.key;
  o.name = in.name;
  o.type = in.type.value_or(org_type::production);
  o.status = in.status ? *in.status : s.status_mix[t.status(r)].first;
  o.instance = in.instance ? std::string(im.instances.name(*in.instance)) : s.instance_mix[t.instance(r)].first;
  o.parent = in.parent;
  o.edition = in.edition ? *in.edition : s.edition_mix[t.edition(r)].first;
  o.installed_version = in.installed_version ? *in.installed_version : s.version_mix[t.version(r)].first;
  o.time_zone = in.zone ? std::string(im.zones.name(*in.zone)) : drawn_zone(s, t, o.instance, r);
  o.fiscal_year_start_month = static_cast<std::uint8_t>(t.fiscal(r) + 1);
  // An org with an ended push job in the history was pushable then: it draws no block (the draw stays, so the
  // org's other draws do not move).
  const bool blocked = sim::bernoulli(r, s.push_blocked_probability);
  o.push_blocked = blocked && !in.pushed;
  o.always_fails = in.always_fails ? *in.always_fails : sim::bernoulli(r, s.always_fails_probability);
  const double heavy = in.threw_exceptions ? std::min(1.0, s.heavy_share * s.heavy_multiplier) : s.heavy_share;
  o.heavy_customizer = sim::bernoulli(r, heavy);
  for (std::size_t f = 0; f < platform_feature_count; ++f) {
    if (sim::bernoulli(r, s.feature_probability[f])) o.features = static_cast<feature_set>(o.features | (1u << f));
  }
  if (in.users) {
    o.users = *in.users;
  } else {
    double users = sim::lognormal(r, std::log(s.users_median), s.users_sigma);
    if (o.heavy_customizer) users *= 2.0;
    if (o.type == org_type::sandbox) users *= 0.25;
    o.users = static_cast<std::uint32_t>(std::lround(std::clamp(users, double(s.users_min), double(s.users_max))));
  }
  if (o.parent) inherit_from_parent(in, pop, *pop.find(*o.parent), o);
  draw_records(in, s, o, r);
  draw_customizations(s, t, o, r);
  return o;
}

}  // namespace

void add_imported_orgs(population& pop, const population_spec& spec, const package& pkg, std::uint64_t seed) {
  const population_import& im = *spec.imported;
  const draw_tables tables(spec);
  const sim::rng_streams streams = sim::rng_streams(seed).child("import");
  for (const bool with_parent : {false, true}) {
    for (const imported_org& in : im.orgs) {
      if (in.parent.has_value() != with_parent) continue;
      sim::rng r = streams.get(in.key.view());
      const std::string err = pop.add(draw_org(in, im, spec, tables, pop, r), pkg);
      PUSHSIM_ASSERT(err.empty(), "imported org rejected after import: " + err);
    }
  }
}

}  // namespace pushsim::mock_org::detail
