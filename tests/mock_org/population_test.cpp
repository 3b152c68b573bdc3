#include "pushsim/mock_org/population.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pushsim/mock_org/population_spec.hpp"

using namespace pushsim;
using namespace pushsim::mock_org;
using nlohmann::json;

namespace {
const package& pkg() {
  static const package p = default_example_package();
  return p;
}

population_spec spec_of(const json& j) {
  auto r = parse_population_spec(j, pkg());
  EXPECT_TRUE(r) << r.error.to_string();
  return *r.value;
}

std::uint64_t fingerprint(const population& p) {
  std::uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::uint64_t v) { h = (h ^ v) * 1099511628211ull; };
  for (org_index i = 0; i < p.size(); ++i) {
    for (char c : p.key(i).chars) mix(static_cast<unsigned char>(c));
    mix(static_cast<std::uint64_t>(p.type(i)) | (static_cast<std::uint64_t>(p.status(i)) << 8));
    mix(p.users(i));
    mix(p.zone(i));
    mix(p.instance(i));
    mix(p.installed_version(i));
    mix(p.features(i));
    mix(p.parent(i));
    mix(p.total_records(i));
    for (const auto& c : p.customizations(i)) mix(c.target | (c.value << 16) | (std::uint64_t(c.kind) << 32));
  }
  return h;
}

spec_error error_of(const std::string& text) {
  auto r = parse_population_spec_text(text, pkg());
  EXPECT_FALSE(r) << "expected an error for " << text;
  return r.error;
}
}  // namespace

TEST(Population, SameSeedGivesTheSameWorld) {
  const auto spec = spec_of(json{{"count", 5000}});
  const auto a = generate_population(spec, pkg(), 42);
  const auto b = generate_population(spec, pkg(), 42);
  const auto c = generate_population(spec, pkg(), 43);
  ASSERT_EQ(a.size(), 5000u);
  EXPECT_EQ(fingerprint(a), fingerprint(b));
  EXPECT_NE(fingerprint(a), fingerprint(c));
  EXPECT_EQ(a.name(17), b.name(17));
}

TEST(Population, KeysAreUniqueValidAndFindable) {
  const auto p = generate_population(spec_of(json{{"count", 20000}}), pkg(), 7);
  for (org_index i = 0; i < p.size(); ++i) {
    ASSERT_TRUE(parse_org_key(p.key(i).view())) << p.key(i).str();
    ASSERT_EQ(p.find(p.key(i)), i);
  }
  EXPECT_FALSE(p.find(*parse_org_key("00DZZZZZZZZZZZZ")));
}

TEST(Population, StatisticsMatchTheSpecWithinTolerance) {
  const json j = {{"count", 100000},
                  {"mix",
                   {{"type", {{"Production", 0.75}, {"Sandbox", 0.25}}},
                    {"status", {{"Active", 9}, {"Inactive", 1}}},
                    {"edition", {{"Enterprise", 0.5}, {"Professional", 0.5}}},
                    {"instance", {{"NA142", 3}, {"EU45", 1}}},
                    {"features", {{"MultiCurrency", 0.2}}},
                    {"push_blocked", 0.02}}},
                  {"users", {{"median", 40}, {"sigma", 1.0}, {"min", 1}, {"max", 1000000}}},
                  {"customization",
                   {{"heavy_segment", {{"share", 0.0}, {"multiplier", 1}}},
                    {"validation_rule", {{"default", 0.0}, {"fields", {{"rrd__Forecast__c.rrd__Attainment__c", 0.1}}}}},
                    {"trigger", {{"default", 0.0}}},
                    {"flow", {{"default", 0.0}}},
                    {"custom_fields", {{"default", 0.0}}},
                    {"integration", {{"default", 0.0}}}}}};
  const auto p = generate_population(spec_of(j), pkg(), 99);
  const double n = static_cast<double>(p.size());
  double sandboxes = 0, inactive = 0, na = 0, multi = 0, blocked = 0, pro = 0, vr = 0;
  std::vector<std::uint32_t> users;
  for (org_index i = 0; i < p.size(); ++i) {
    sandboxes += p.type(i) == org_type::sandbox;
    inactive += p.status(i) == org_status::inactive;
    na += p.instances().region_of(p.instance(i)) == region::na;
    multi += p.has_feature(i, platform_feature::multi_currency);
    blocked += p.push_blocked(i);
    pro += p.edition(i) == edition::professional;
    for (const auto& c : p.customizations(i)) {
      EXPECT_EQ(c.kind, customization_kind::validation_rule);
      vr += 1;
    }
    if (p.type(i) == org_type::production) users.push_back(p.users(i));
    if (p.type(i) == org_type::sandbox) {
      ASSERT_NE(p.parent(i), no_org);
      EXPECT_EQ(p.type(p.parent(i)), org_type::production);
    }
  }
  EXPECT_NEAR(sandboxes / n, 0.25, 0.01);
  EXPECT_NEAR(inactive / n, 0.10, 0.01);
  EXPECT_NEAR(na / n, 0.75, 0.01);
  EXPECT_NEAR(multi / n, 0.20, 0.01);
  EXPECT_NEAR(blocked / n, 0.02, 0.003);
  EXPECT_NEAR(pro / n, 0.50, 0.015);  // sandboxes copy their parent's edition: same share in expectation
  EXPECT_NEAR(vr / n, 0.10, 0.01);
  std::sort(users.begin(), users.end());
  EXPECT_NEAR(users[users.size() / 2], 40.0, 2.0);  // the lognormal median
  EXPECT_GT(users.back(), 40u * 20u);               // heavy tail
}

TEST(Population, HeavyCustomizersCustomizeMore) {
  const json j = {{"count", 50000}, {"customization", {{"heavy_segment", {{"share", 0.1}, {"multiplier", 8}}}}}};
  const auto p = generate_population(spec_of(j), pkg(), 5);
  double heavy_n = 0, heavy_c = 0, light_n = 0, light_c = 0;
  for (org_index i = 0; i < p.size(); ++i) {
    if (p.heavy_customizer(i)) {
      heavy_n += 1;
      heavy_c += static_cast<double>(p.customizations(i).size());
    } else {
      light_n += 1;
      light_c += static_cast<double>(p.customizations(i).size());
    }
  }
  EXPECT_NEAR(heavy_n / 50000.0, 0.1, 0.01);
  EXPECT_GT(heavy_c / heavy_n, 2.5 * (light_c / light_n));
}

TEST(Population, PinnedOrgsAreHonouredExactly) {
  const json j = json::parse(R"({
    "count": 1000,
    "orgs": [
      {"key": "00D000000000001", "name": "Pinned Prod", "type": "Production", "status": "Trial",
       "instance": "EU45", "time_zone": "Europe/Berlin", "fiscal_year_start_month": 4, "edition": "Unlimited",
       "installed_version": "2.2.0", "push_blocked": true, "users": 1234,
       "records": {"rrd__Forecast__c": 77}, "features": ["PersonAccounts", "MultiCurrency"],
       "customizations": [{"kind": "trigger", "field": "Opportunity.rrd__Rollup_Amount__c"},
                          {"kind": "custom_fields", "object": "rrd__Forecast__c", "count": 90},
                          {"kind": "integration", "object": "Opportunity", "api_version": 29}]},
      {"key": "00D000000000002AAA", "type": "Sandbox", "parent": "00D000000000001", "installed_version": "none"}
    ]})");
  // Fix the 18-character key's checksum.
  json fixed = j;
  fixed["orgs"][1]["key"] = parse_org_key("00D000000000002")->str18();
  const auto spec = spec_of(fixed);
  const auto p = generate_population(spec, pkg(), 1);
  ASSERT_EQ(p.size(), 1000u);
  const org a = p.get(0);
  EXPECT_EQ(a.key.str(), "00D000000000001");
  EXPECT_EQ(a.name, "Pinned Prod");
  EXPECT_EQ(a.status, org_status::trial);
  EXPECT_EQ(a.instance, "EU45");
  EXPECT_EQ(a.time_zone, "Europe/Berlin");
  EXPECT_EQ(a.fiscal_year_start_month, 4);
  EXPECT_EQ(a.edition, edition::unlimited);
  EXPECT_EQ(pkg().versions[a.installed_version].number, (version_number{2, 2, 0}));
  EXPECT_TRUE(a.push_blocked);
  EXPECT_EQ(a.users, 1234u);
  EXPECT_EQ(a.records[*pkg().find_object("rrd__Forecast__c")], 77u);
  EXPECT_EQ(a.features, feature_bit(platform_feature::person_accounts) | feature_bit(platform_feature::multi_currency));
  ASSERT_EQ(a.customizations.size(), 3u);
  EXPECT_EQ(a.customizations[1].value, 90);
  EXPECT_EQ(a.customizations[2].value, 29);
  const org b = p.get(1);
  EXPECT_EQ(b.key.str(), "00D000000000002");  // normalised from 18 characters
  EXPECT_EQ(b.type, org_type::sandbox);
  EXPECT_EQ(b.parent, a.key);
  EXPECT_EQ(b.installed_version, not_installed);
  EXPECT_EQ(p.find(a.key), 0u);
  // Pinned orgs alone: count defaults to the list.
  json only = fixed;
  only.erase("count");
  EXPECT_EQ(generate_population(spec_of(only), pkg(), 1).size(), 2u);
}

TEST(Population, ActiveUsersFollowLocalBusinessHoursAndQuarterClose) {
  population p(pkg().objects.size());
  org o;
  o.key = *parse_org_key("00D000000000009");
  o.time_zone = "America/Los_Angeles";
  o.users = 1000;
  o.fiscal_year_start_month = 1;
  ASSERT_EQ(p.add(o, pkg()), "");
  // Wednesday 2026-11-18: 11:00 local is 19:00 UTC; 03:00 local is 11:00 UTC.
  const auto noon = *parse_iso8601("2026-11-18T19:00:00Z").time;
  const auto night = *parse_iso8601("2026-11-18T11:00:00Z").time;
  const auto saturday = *parse_iso8601("2026-11-21T19:00:00Z").time;
  const auto quarter_close = *parse_iso8601("2026-12-30T19:00:00Z").time;  // Wednesday, last days of Q4
  EXPECT_GT(p.active_users(0, noon), 500u);
  EXPECT_LT(p.active_users(0, night), 50u);
  EXPECT_LT(p.active_users(0, saturday), 100u);
  EXPECT_GT(p.active_users(0, quarter_close), p.active_users(0, noon));
  EXPECT_LE(p.active_users(0, quarter_close), 1000u);
}

TEST(Population, MillionOrgsStayCompact) {
  const auto p = generate_population(spec_of(json{{"count", 200000}}), pkg(), 3);
  const double bytes_per_org = static_cast<double>(p.memory_bytes()) / static_cast<double>(p.size());
  EXPECT_LT(bytes_per_org, 400.0);
  EXPECT_GT(bytes_per_org, 40.0);  // it is measured, not zero
}

TEST(PopulationSpec, DefaultProfileIsValidAndRealistic) {
  const auto spec = spec_of(json::object());
  EXPECT_EQ(spec.count, 10000u);
  const auto p = generate_population(spec, pkg(), 11);
  std::size_t customized = 0;
  for (org_index i = 0; i < p.size(); ++i) customized += !p.customizations(i).empty();
  EXPECT_GT(customized, p.size() / 3);
  EXPECT_LT(customized, p.size());
}

TEST(PopulationSpec, UnknownKeyNamesThePointer) {
  auto e = error_of(R"({"count": 10, "mix": {"type": {"Production": 1}, "colour": 1}})");
  EXPECT_EQ(e.pointer, "/mix/colour");
  EXPECT_NE(e.message.find("unknown key"), std::string::npos);
  e = error_of(R"({"orgs": [{"key": "00D000000000001", "nickname": "x"}]})");
  EXPECT_EQ(e.pointer, "/orgs/0/nickname");
}

TEST(PopulationSpec, NegativeCountIsRejected) {
  const auto e = error_of(R"({"count": -5})");
  EXPECT_EQ(e.pointer, "/count");
  EXPECT_NE(e.message.find("integer"), std::string::npos);
  EXPECT_EQ(error_of(R"({"count": 2.5})").pointer, "/count");
  EXPECT_EQ(error_of(R"({"count": 1, "orgs": [{"key": "00D000000000001"}, {"key": "00D000000000002"}]})").pointer,
            "/count");
}

TEST(PopulationSpec, WeightsThatDoNotSumSensiblyAreRejected) {
  auto e = error_of(R"({"mix": {"type": {"Production": 0.8, "Sandbox": 0.3}}})");
  EXPECT_EQ(e.pointer, "/mix/type");
  EXPECT_NE(e.message.find("sum to 1"), std::string::npos);
  EXPECT_EQ(error_of(R"({"mix": {"type": {"Production": 0, "Sandbox": 0}}})").pointer, "/mix/type");
  EXPECT_EQ(error_of(R"({"mix": {"status": {"Active": -1, "Trial": 2}}})").pointer, "/mix/status/Active");
  EXPECT_EQ(error_of(R"({"mix": {"edition": {}}})").pointer, "/mix/edition");
  EXPECT_EQ(error_of(R"({"mix": {"features": {"MultiCurrency": 1.5}}})").pointer, "/mix/features/MultiCurrency");
  // Integer ratios and shares summing to 1 are fine.
  EXPECT_TRUE(parse_population_spec_text(R"({"mix": {"type": {"Production": 3, "Sandbox": 1}}})", pkg()));
  EXPECT_TRUE(parse_population_spec_text(R"({"mix": {"type": {"Production": 0.7, "Sandbox": 0.3}}})", pkg()));
}

TEST(PopulationSpec, UnknownTimeZoneOrInstanceIsRejected) {
  auto e = error_of(R"({"mix": {"time_zones": {"EU": {"Europe/Atlantis": 1}}}})");
  EXPECT_EQ(e.pointer, "/mix/time_zones/EU/Europe~1Atlantis");
  EXPECT_NE(e.message.find("time zone"), std::string::npos);
  e = error_of(R"({"mix": {"instance": {"NA142": 1, "MOON1": 1}}})");
  EXPECT_EQ(e.pointer, "/mix/instance/MOON1");
  EXPECT_NE(e.message.find("unknown instance"), std::string::npos);
  EXPECT_EQ(error_of(R"({"orgs": [{"key": "00D000000000001", "time_zone": "Nowhere/Town"}]})").pointer,
            "/orgs/0/time_zone");
  EXPECT_EQ(error_of(R"({"orgs": [{"key": "00D000000000001", "instance": "ZZ9"}]})").pointer, "/orgs/0/instance");
  EXPECT_EQ(error_of(R"({"mix": {"time_zones": {"MARS": {"UTC": 1}}}})").pointer, "/mix/time_zones/MARS");
}

TEST(PopulationSpec, OtherBadInputNamesThePointer) {
  EXPECT_EQ(error_of(R"({"orgs": [{"key": "00X000000000001"}]})").pointer, "/orgs/0/key");
  EXPECT_EQ(error_of(R"({"orgs": [{"key": "00D000000000001"}, {"key": "00D000000000001"}]})").pointer, "/orgs/1");
  EXPECT_EQ(
      error_of(R"({"orgs": [{"key": "00D000000000002", "type": "Sandbox", "parent": "00D000000000001"}]})").pointer,
      "/orgs/0");
  EXPECT_EQ(error_of(R"({"mix": {"installed_version": {"9.9.9": 1}}})").pointer, "/mix/installed_version/9.9.9");
  EXPECT_EQ(error_of(R"({"customization": {"trigger": {"fields": {"Opportunity.Nope__c": 0.1}}}})").pointer,
            "/customization/trigger/fields/Opportunity.Nope__c");
  EXPECT_EQ(error_of(R"({"users": {"min": 10, "max": 5}})").pointer, "/users/min");
  EXPECT_EQ(error_of(R"({"count": 10,)").pointer, "");
  EXPECT_EQ(error_of(R"([1, 2])").pointer, "");
}

TEST(PopulationSpec, ErrorsCarryTheCallersBasePointer) {
  const auto r = parse_population_spec(json::parse(R"({"count": -1})"), pkg(), "/population");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.pointer, "/population/count");
  EXPECT_EQ(r.error.to_string().substr(0, 18), "/population/count:");
}
