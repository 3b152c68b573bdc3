// generate_population: draws a population from a population_spec, one RNG stream, orgs in index order.
#include <algorithm>
#include <cmath>

#include "pushsim/base/assert.hpp"
#include "population_import_draw.hpp"
#include "pushsim/mock_org/population_spec.hpp"
#include "pushsim/sim/random.hpp"

namespace pushsim::mock_org {
namespace {

using detail::table_of;

// Probability p as a 32-bit threshold: (u32 < threshold) happens with probability p (within 2^-32).
std::uint64_t threshold32(double p) {
  if (p <= 0) return 0;
  if (p >= 1) return std::uint64_t{1} << 32;
  return static_cast<std::uint64_t>(p * 4294967296.0);
}

constexpr std::uint64_t key_space = 56'800'235'584ull;    // 62^6
constexpr std::uint64_t key_multiplier = 198'491'317ull;  // coprime with 62: a bijection on [0, 62^6); no overflow

org_key generated_key(std::uint64_t n, std::uint64_t salt) {
  static constexpr char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::uint64_t v = ((n % key_space) * key_multiplier % key_space + salt) % key_space;
  org_key k;
  const char prefix[9] = {'0', '0', 'D', '5', 'g', '0', '0', '0', '0'};
  for (std::size_t i = 0; i < 9; ++i) k.chars[i] = prefix[i];
  for (int i = 14; i >= 9; --i) {
    k.chars[static_cast<std::size_t>(i)] = base62[v % 62];
    v /= 62;
  }
  return k;
}

}  // namespace

population generate_population(const population_spec& spec, const package& pkg, std::uint64_t seed) {
  PUSHSIM_ASSERT(pkg.validate().empty(), "generate_population: invalid package");
  population pop(pkg.objects.size());
  const std::size_t n_fields = pkg.fields.size();
  const std::size_t n_objects = pkg.objects.size();
  PUSHSIM_ASSERT(spec.records_per_user.size() == n_objects && spec.custom_fields_probability.size() == n_objects &&
                     spec.integration_probability.size() == n_objects,
                 "population_spec does not match the package's objects");
  for (const auto& fp : spec.field_propensity) PUSHSIM_ASSERT(fp.size() == n_fields, "propensities per field");
  pop.reserve(spec.count, spec.count * 3);

  const std::size_t imported = spec.imported ? spec.imported->orgs.size() : 0;
  if (spec.imported) detail::add_imported_orgs(pop, spec, pkg, seed);
  for (const org& o : spec.orgs) {
    const std::string err = pop.add(o, pkg);
    PUSHSIM_ASSERT(err.empty(), "pinned org rejected after parsing: " + err);
  }
  PUSHSIM_ASSERT(spec.count >= spec.orgs.size() + imported, "count below the pinned and imported orgs");
  const std::uint64_t generated = spec.count - spec.orgs.size() - imported;
  if (generated == 0) return pop;

  sim::rng r = sim::rng_streams(seed).child("population").get("orgs");
  const std::uint64_t salt = sim::uniform_u64(r, 0, key_space - 1);

  const auto type_t = table_of(spec.type_mix);
  const auto status_t = table_of(spec.status_mix);
  const auto edition_t = table_of(spec.edition_mix);
  const auto instance_t = table_of(spec.instance_mix);
  const auto version_t = table_of(spec.version_mix);
  const sim::alias_table fiscal_t{std::span<const double>(spec.fiscal_month_weights)};
  std::vector<instance_index> instances;
  std::vector<region> instance_regions;
  for (const auto& [name, w] : spec.instance_mix) {
    const auto i = pop.instances().intern(name);
    PUSHSIM_ASSERT(i.has_value(), "unknown instance after parsing");
    instances.push_back(*i);
    instance_regions.push_back(pop.instances().region_of(*i));
  }
  std::array<sim::alias_table, region_count> zone_t;
  std::array<std::vector<zone_index>, region_count> zones;
  for (std::size_t reg = 0; reg < region_count; ++reg) {
    if (spec.time_zones[reg].empty()) continue;
    zone_t[reg] = table_of(spec.time_zones[reg]);
    for (const auto& [name, w] : spec.time_zones[reg]) {
      const auto z = pop.zones().intern(name);
      PUSHSIM_ASSERT(z.has_value(), "unknown time zone after parsing");
      zones[reg].push_back(*z);
    }
  }
  const auto api_t = table_of(spec.integration_api_versions);

  // Per-field thresholds, normal and heavy segment: [kind][field].
  std::array<std::vector<std::uint64_t>, 3> thr;
  std::array<std::vector<std::uint64_t>, 3> thr_heavy;
  for (std::size_t k = 0; k < 3; ++k) {
    for (std::size_t f = 0; f < n_fields; ++f) {
      thr[k].push_back(threshold32(spec.field_propensity[k][f]));
      thr_heavy[k].push_back(threshold32(std::min(1.0, spec.field_propensity[k][f] * spec.heavy_multiplier)));
    }
  }
  std::vector<std::uint64_t> cf_thr, cf_thr_heavy, int_thr, int_thr_heavy;
  for (std::size_t o = 0; o < n_objects; ++o) {
    cf_thr.push_back(threshold32(spec.custom_fields_probability[o]));
    cf_thr_heavy.push_back(threshold32(std::min(1.0, spec.custom_fields_probability[o] * spec.heavy_multiplier)));
    int_thr.push_back(threshold32(spec.integration_probability[o]));
    int_thr_heavy.push_back(threshold32(std::min(1.0, spec.integration_probability[o] * spec.heavy_multiplier)));
  }
  std::array<std::uint64_t, platform_feature_count> feat_thr{};
  for (std::size_t f = 0; f < platform_feature_count; ++f) feat_thr[f] = threshold32(spec.feature_probability[f]);
  const std::uint64_t blocked_thr = threshold32(spec.push_blocked_probability);
  const std::uint64_t fails_thr = threshold32(spec.always_fails_probability);
  const std::uint64_t heavy_thr = threshold32(spec.heavy_share);
  const double users_mu = std::log(spec.users_median);
  const double cf_mean = spec.custom_fields_mean;

  // Production orgs generated so far (sandbox parents are drawn from them).
  std::vector<org_index> productions;
  productions.reserve(static_cast<std::size_t>(generated));
  std::vector<std::uint32_t> recs(n_objects);
  std::vector<customization> custom;
  custom.reserve(64);

  std::uint64_t key_n = 0;
  for (std::uint64_t g = 0; g < generated; ++g) {
    population::raw_org o{};
    do {
      o.key = generated_key(key_n++, salt);
    } while ((!spec.orgs.empty() || imported > 0) && pop.key_taken(o.key));
    o.type = spec.type_mix[type_t(r)].first;
    o.status = spec.status_mix[status_t(r)].first;
    const std::size_t inst = instance_t(r);
    o.instance = instances[inst];
    const auto reg = static_cast<std::size_t>(instance_regions[inst]);
    o.zone = zones[reg][zone_t[reg](r)];
    o.fiscal_year_start_month = static_cast<std::uint8_t>(fiscal_t(r) + 1);
    o.edition = spec.edition_mix[edition_t(r)].first;
    o.installed = spec.version_mix[version_t(r)].first;
    o.parent = no_org;

    // Flags and features from 32-bit halves of a few draws.
    std::uint64_t bits = r();
    o.push_blocked = (bits & 0xFFFF'FFFFu) < blocked_thr;
    o.always_fails = (bits >> 32) < fails_thr;
    bits = r();
    o.heavy_customizer = (bits & 0xFFFF'FFFFu) < heavy_thr;
    feature_set feats = 0;
    for (std::size_t f = 0; f < platform_feature_count; f += 2) {
      const std::uint64_t b = r();
      if ((b & 0xFFFF'FFFFu) < feat_thr[f]) feats = static_cast<feature_set>(feats | (1u << f));
      if (f + 1 < platform_feature_count && (b >> 32) < feat_thr[f + 1]) {
        feats = static_cast<feature_set>(feats | (1u << (f + 1)));
      }
    }
    o.features = feats;

    double users = sim::lognormal(r, users_mu, spec.users_sigma);
    if (o.heavy_customizer) users *= 2.0;  // heavy customizers skew large
    if (o.type == org_type::sandbox) users *= 0.25;
    users = std::clamp(users, static_cast<double>(spec.users_min), static_cast<double>(spec.users_max));
    o.users = static_cast<std::uint32_t>(std::lround(users));

    if (o.type == org_type::sandbox && !productions.empty()) {
      o.parent = productions[sim::uniform_u64(r, 0, productions.size() - 1)];
      // A sandbox is a copy of its production org: same zone, fiscal year, edition and features.
      o.zone = pop.zone(o.parent);
      o.fiscal_year_start_month = pop.fiscal_year_start_month(o.parent);
      o.edition = pop.edition(o.parent);
      o.features = pop.features(o.parent);
    } else if (o.type == org_type::sandbox) {
      o.type = org_type::production;  // no production org yet to belong to
    }

    const double volume = spec.records_sigma > 0 ? sim::lognormal(r, 0.0, spec.records_sigma) : 1.0;
    for (std::size_t ob = 0; ob < n_objects; ++ob) {
      const double v = static_cast<double>(o.users) * spec.records_per_user[ob] * volume;
      recs[ob] = static_cast<std::uint32_t>(std::min(v, 4.0e9));
    }

    custom.clear();
    const auto& t = o.heavy_customizer ? thr_heavy : thr;
    for (std::size_t k = 0; k < 3; ++k) {
      const auto* tk = t[k].data();
      for (std::size_t f = 0; f < n_fields; f += 2) {
        const std::uint64_t b = r();
        if ((b & 0xFFFF'FFFFu) < tk[f]) {
          custom.push_back({static_cast<std::uint16_t>(f), 0, static_cast<customization_kind>(k)});
        }
        if (f + 1 < n_fields && (b >> 32) < tk[f + 1]) {
          custom.push_back({static_cast<std::uint16_t>(f + 1), 0, static_cast<customization_kind>(k)});
        }
      }
    }
    const auto& cft = o.heavy_customizer ? cf_thr_heavy : cf_thr;
    const auto& itt = o.heavy_customizer ? int_thr_heavy : int_thr;
    for (std::size_t ob = 0; ob < n_objects; ++ob) {
      const std::uint64_t b = r();
      if ((b & 0xFFFF'FFFFu) < cft[ob]) {
        double count = 1.0 + sim::exponential(r, cf_mean) * (o.heavy_customizer ? 2.0 : 1.0);
        count = std::min(count, 5000.0);
        custom.push_back(
            {static_cast<std::uint16_t>(ob), static_cast<std::uint16_t>(count), customization_kind::custom_fields});
      }
      if ((b >> 32) < itt[ob]) {
        custom.push_back({static_cast<std::uint16_t>(ob), spec.integration_api_versions[api_t(r)].first,
                          customization_kind::integration});
      }
    }

    pop.append_raw(o, recs.data(), custom);
    if (o.type == org_type::production) productions.push_back(static_cast<org_index>(pop.size() - 1));
  }
  pop.rebuild_index();
  return pop;
}

}  // namespace pushsim::mock_org
