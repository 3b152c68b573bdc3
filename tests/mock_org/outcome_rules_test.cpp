#include "pushsim/mock_org/outcome_rules.hpp"

#include <gtest/gtest.h>

using namespace pushsim;
using namespace pushsim::mock_org;

namespace {
// The example package's objects and fields, with two versions: 1.0.0 installed, 2.0.0 the target with `changes`.
package package_with(std::vector<change> changes) {
  package p = default_example_package();
  package_version from = p.versions[0];
  package_version to = p.versions[3];
  from.changes.clear();
  to.changes = std::move(changes);
  p.versions = {from, to};
  return p;
}

noise_config quiet() {
  noise_config n;
  n.unclassified_rate = 0;
  n.lock_base_rate = 0;
  n.lock_rate_per_active_user = 0;
  n.maintenance_fails_jobs = false;
  return n;
}

field_index field(const package& p, std::string_view name) { return *p.find_field(name); }
object_index object(const package& p, std::string_view name) { return *p.find_object(name); }

org base_org() {
  org o;
  o.key = *parse_org_key("00D000000000042");
  o.installed_version = 0;
  o.users = 50;
  o.instance = "NA142";
  return o;
}

struct world {
  package pkg;
  population pop;
  world(package p, const org& o) : pkg(std::move(p)), pop(pkg.objects.size()) {
    const std::string err = pop.add(o, pkg);
    EXPECT_EQ(err, "");
  }
  outcome run(noise_config n = quiet(), std::uint32_t active = 10,
              time_point at = *parse_iso8601("2026-11-18T15:00:00Z").time) {
    outcome_rules rules(pkg, 1, n);
    sim::rng r(1234);
    return rules.evaluate(pop, 0, at, active, r);
  }
};

change make(change_kind k) {
  change c;
  c.kind = k;
  return c;
}

const package example = default_example_package();
}  // namespace

TEST(OutcomeRules, NoChangesNoCustomizationsSucceeds) {
  world w(package_with({}), base_org());
  const outcome o = w.run();
  EXPECT_EQ(o.result, outcome::kind::succeeded);
  EXPECT_EQ(o.decided_by, rule::none);
  EXPECT_GT(o.run_time.count(), 0);
}

TEST(OutcomeRules, F0IneligibleWhenInactiveAtRunTime) {
  org o = base_org();
  o.status = org_status::inactive;
  world w(package_with({}), o);
  const outcome out = w.run();
  EXPECT_EQ(out.result, outcome::kind::failed);
  EXPECT_EQ(out.error, error_type::ineligible_upgrade);
  EXPECT_EQ(out.decided_by, rule::f_ineligible_at_run);
}

TEST(OutcomeRules, F1InstanceMaintenanceFailsJobs) {
  world w(package_with({}), base_org());
  const auto inst = w.pop.instance(0);
  time_point t = *parse_iso8601("2026-11-01T00:00:00Z").time;
  while (!w.pop.instances().in_maintenance(inst, t)) t += std::chrono::hours(1);
  noise_config n = quiet();
  n.maintenance_fails_jobs = true;
  const outcome out = w.run(n, 0, t);
  EXPECT_EQ(out.decided_by, rule::f_instance_maintenance);
  EXPECT_EQ(out.error, error_type::unclassified_error);
  // An hour after the window it succeeds.
  EXPECT_EQ(w.run(n, 0, w.pop.instances().maintenance_end(inst, t) + std::chrono::hours(1)).result,
            outcome::kind::succeeded);
}

TEST(OutcomeRules, F2LongTailOrgAlwaysFails) {
  org o = base_org();
  o.always_fails = true;
  world w(package_with({}), o);
  EXPECT_EQ(w.run().decided_by, rule::f_always_fails);
}

TEST(OutcomeRules, F3FeatureMissing) {
  change c = make(change_kind::required_feature);
  c.feature = platform_feature::multi_currency;
  org o = base_org();
  world without(package_with({c}), o);
  const outcome out = without.run();
  EXPECT_EQ(out.error, error_type::feature_missing);
  EXPECT_EQ(out.decided_by, rule::f_feature_missing);
  outcome_rules rules(without.pkg, 1, quiet());
  EXPECT_NE(rules.error_message(without.pop, 0, out.decided_by, out.subject).find("MultiCurrency"), std::string::npos);
  o.features = feature_bit(platform_feature::multi_currency);
  world with(package_with({c}), o);
  EXPECT_EQ(with.run().result, outcome::kind::succeeded);
}

TEST(OutcomeRules, F4CustomFieldLimitDependsOnEditionAndExistingFields) {
  change c = make(change_kind::new_custom_fields);
  c.object = object(example, "rrd__Forecast__c");  // 4 managed fields
  c.count = 12;
  org o = base_org();
  o.edition = edition::professional;                                       // limit 100
  o.customizations = {{c.object, 85, customization_kind::custom_fields}};  // 4 + 12 + 85 = 101
  world over(package_with({c}), o);
  EXPECT_EQ(over.run().error, error_type::limit_exceeded);
  EXPECT_EQ(over.run().decided_by, rule::f_custom_field_limit);
  o.customizations = {{c.object, 84, customization_kind::custom_fields}};  // exactly 100
  world at_limit(package_with({c}), o);
  EXPECT_EQ(at_limit.run().result, outcome::kind::succeeded);
  o.customizations = {{c.object, 85, customization_kind::custom_fields}};
  o.edition = edition::enterprise;  // limit 500
  world enterprise(package_with({c}), o);
  EXPECT_EQ(enterprise.run().result, outcome::kind::succeeded);
}

TEST(OutcomeRules, F5AndF6TypeChangeOnReferencedFieldIsADeployError) {
  change c = make(change_kind::field_type_change);
  c.field = field(example, "rrd__Forecast__c.rrd__Attainment__c");
  c.new_type = field_type::number;
  org o = base_org();
  o.customizations = {{c.field, 0, customization_kind::validation_rule}};
  world vr(package_with({c}), o);
  EXPECT_EQ(vr.run().error, error_type::deploy_error);
  EXPECT_EQ(vr.run().decided_by, rule::f_type_change_validation);
  o.customizations = {{c.field, 0, customization_kind::trigger}};
  world tr(package_with({c}), o);
  EXPECT_EQ(tr.run().decided_by, rule::f_type_change_trigger);
  // A rule on another field does not matter.
  o.customizations = {{field(example, "rrd__Forecast__c.rrd__Quota__c"), 0, customization_kind::trigger}};
  world other(package_with({c}), o);
  EXPECT_EQ(other.run().result, outcome::kind::succeeded);
}

TEST(OutcomeRules, F7PostInstallScriptOverBudgetOnBigOrgs) {
  change c = make(change_kind::post_install_script);
  c.object = object(example, "rrd__Revenue_Schedule__c");
  c.cost_us_per_record = 40.0;  // budget 60 s -> 1.5M records
  org o = base_org();
  o.records.assign(example.objects.size(), 0);
  o.records[c.object] = 2'000'000;
  world big(package_with({c}), o);
  EXPECT_EQ(big.run().error, error_type::pac_error);
  EXPECT_EQ(big.run().decided_by, rule::f_post_install_cpu);
  o.records[c.object] = 1'000'000;
  world small(package_with({c}), o);
  const outcome ok = small.run();
  EXPECT_EQ(ok.result, outcome::kind::succeeded);
  EXPECT_GT(to_seconds(ok.run_time), 40.0);  // the script's 40 s are part of the job
}

TEST(OutcomeRules, F8LockConflictsGrowWithActiveUsers) {
  world w(package_with({}), base_org());
  noise_config n = quiet();
  n.lock_rate_per_active_user = 0.001;
  n.lock_rate_max = 0.5;
  outcome_rules rules(w.pkg, 1, n);
  sim::rng r(9);
  int quiet_locks = 0, busy_locks = 0;
  const time_point t = *parse_iso8601("2026-11-18T15:00:00Z").time;
  for (int k = 0; k < 4000; ++k) {
    quiet_locks += rules.evaluate(w.pop, 0, t, 0, r).decided_by == rule::f_lock_conflict;
    const outcome o = rules.evaluate(w.pop, 0, t, 200, r);
    busy_locks += o.decided_by == rule::f_lock_conflict;
    if (o.result == outcome::kind::failed) {
      EXPECT_EQ(o.error, error_type::locking_failure);
    }
  }
  EXPECT_EQ(quiet_locks, 0);
  EXPECT_NEAR(busy_locks / 4000.0, 0.2, 0.03);
}

TEST(OutcomeRules, F9BaseNoiseRate) {
  world w(package_with({}), base_org());
  noise_config n = quiet();
  n.unclassified_rate = 0.03;
  outcome_rules rules(w.pkg, 1, n);
  sim::rng r(10);
  int failed = 0;
  const time_point t = *parse_iso8601("2026-11-18T15:00:00Z").time;
  for (int k = 0; k < 20000; ++k) {
    const outcome o = rules.evaluate(w.pop, 0, t, 0, r);
    if (o.result == outcome::kind::failed) {
      ++failed;
      EXPECT_EQ(o.error, error_type::unclassified_error);
      EXPECT_EQ(o.decided_by, rule::f_unclassified_noise);
    }
  }
  EXPECT_NEAR(failed / 20000.0, 0.03, 0.005);
}

struct breakage_case {
  const char* name;
  change_kind change;
  const char* target;  // field "Obj.Field" or object
  customization_kind custom;
  const char* custom_target;  // field or object
  std::uint16_t custom_value;
  rule expected;
  break_cause cause;
  severity sev;
};

class OutcomeBreakage : public ::testing::TestWithParam<breakage_case> {};

TEST_P(OutcomeBreakage, BreaksTheOrgWithCauseAndSeverity) {
  const breakage_case& bc = GetParam();
  change c = make(bc.change);
  if (std::string_view(bc.target).find('.') != std::string_view::npos) {
    c.field = field(example, bc.target);
  } else if (bc.change == change_kind::api_version_retired) {
    c.api_version = 30;
  } else {
    c.object = object(example, bc.target);
  }
  c.text = "Services";
  org o = base_org();
  const std::string_view ct(bc.custom_target);
  const std::uint16_t target = ct.find('.') != std::string_view::npos ? field(example, ct) : object(example, ct);
  o.customizations = {{target, bc.custom_value, bc.custom}};
  world w(package_with({c}), o);
  const outcome out = w.run();
  EXPECT_EQ(out.result, outcome::kind::broken) << bc.name;
  EXPECT_EQ(out.decided_by, bc.expected) << bc.name;
  EXPECT_EQ(out.cause, bc.cause) << bc.name;
  EXPECT_EQ(out.sev, bc.sev) << bc.name;
  EXPECT_EQ(out.breakages, 1) << bc.name;
  outcome_rules rules(w.pkg, 1, quiet());
  EXPECT_FALSE(rules.breakage_message(out.decided_by, out.subject).empty());
}

INSTANTIATE_TEST_SUITE_P(
    AllBreakageRules, OutcomeBreakage,
    ::testing::Values(breakage_case{"B1", change_kind::field_type_change, "rrd__Forecast__c.rrd__Attainment__c",
                                    customization_kind::flow, "rrd__Forecast__c.rrd__Attainment__c", 0,
                                    rule::b_type_change_flow, break_cause::automation_errors, severity::high},
                      breakage_case{"B2", change_kind::field_type_change, "rrd__Forecast__c.rrd__Attainment__c",
                                    customization_kind::integration, "rrd__Forecast__c", 58,
                                    rule::b_type_change_integration, break_cause::integration_stops, severity::medium},
                      breakage_case{"B3", change_kind::field_removed_from_layouts, "Opportunity.rrd__Schedule_Count__c",
                                    customization_kind::validation_rule, "Opportunity.rrd__Schedule_Count__c", 0,
                                    rule::b_layout_removed_validation, break_cause::saves_fail, severity::high},
                      breakage_case{"B4", change_kind::field_removed_from_layouts, "Opportunity.rrd__Schedule_Count__c",
                                    customization_kind::flow, "Opportunity.rrd__Schedule_Count__c", 0,
                                    rule::b_layout_removed_flow, break_cause::automation_errors, severity::low},
                      breakage_case{"B5", change_kind::new_required_field, "rrd__Revenue_Schedule__c",
                                    customization_kind::integration, "rrd__Revenue_Schedule__c", 58,
                                    rule::b_required_integration, break_cause::integration_stops, severity::high},
                      breakage_case{"B6", change_kind::new_required_field, "rrd__Revenue_Schedule__c",
                                    customization_kind::trigger, "rrd__Revenue_Schedule__c.rrd__Amount__c", 0,
                                    rule::b_required_trigger, break_cause::automation_errors, severity::medium},
                      breakage_case{"B7", change_kind::picklist_value_removed, "rrd__Revenue_Schedule__c.rrd__Type__c",
                                    customization_kind::flow, "rrd__Revenue_Schedule__c.rrd__Type__c", 0,
                                    rule::b_picklist_automation, break_cause::automation_errors, severity::medium},
                      breakage_case{"B7vr", change_kind::picklist_value_removed,
                                    "rrd__Revenue_Schedule__c.rrd__Type__c", customization_kind::validation_rule,
                                    "rrd__Revenue_Schedule__c.rrd__Type__c", 0, rule::b_picklist_automation,
                                    break_cause::automation_errors, severity::medium},
                      breakage_case{"B8", change_kind::picklist_value_removed, "rrd__Revenue_Schedule__c.rrd__Type__c",
                                    customization_kind::integration, "rrd__Revenue_Schedule__c", 58,
                                    rule::b_picklist_integration, break_cause::integration_stops, severity::low},
                      breakage_case{"B9", change_kind::new_trigger, "Opportunity", customization_kind::trigger,
                                    "Opportunity.rrd__Rollup_Amount__c", 0, rule::b_new_trigger_recursion,
                                    break_cause::automation_errors, severity::medium},
                      breakage_case{"B10", change_kind::api_version_retired, "", customization_kind::integration,
                                    "Opportunity", 29, rule::b_api_retired, break_cause::integration_stops,
                                    severity::critical}),
    [](const ::testing::TestParamInfo<breakage_case>& p) { return std::string(p.param.name); });

TEST(OutcomeRules, B9IsHighOnBigObjects) {
  change c = make(change_kind::new_trigger);
  c.object = object(example, "Opportunity");
  org o = base_org();
  o.records.assign(example.objects.size(), 0);
  o.records[c.object] = 2'000'000;
  o.customizations = {{field(example, "Opportunity.rrd__Rollup_Amount__c"), 0, customization_kind::trigger}};
  world w(package_with({c}), o);
  EXPECT_EQ(w.run().sev, severity::high);
}

TEST(OutcomeRules, B10OnlyHitsIntegrationsPinnedAtOrBelowTheRetiredVersion) {
  change c = make(change_kind::api_version_retired);
  c.api_version = 30;
  org o = base_org();
  o.customizations = {{object(example, "Opportunity"), 31, customization_kind::integration}};
  world w(package_with({c}), o);
  EXPECT_EQ(w.run().result, outcome::kind::succeeded);
}

TEST(OutcomeRules, SeveralBreakagesReportTheMostSevere) {
  change a = make(change_kind::field_removed_from_layouts);
  a.field = field(example, "Opportunity.rrd__Schedule_Count__c");
  change b = make(change_kind::api_version_retired);
  b.api_version = 30;
  org o = base_org();
  o.customizations = {{a.field, 0, customization_kind::flow},
                      {object(example, "Opportunity"), 25, customization_kind::integration}};
  world w(package_with({a, b}), o);
  const outcome out = w.run();
  EXPECT_EQ(out.result, outcome::kind::broken);
  EXPECT_EQ(out.breakages, 2);
  EXPECT_EQ(out.decided_by, rule::b_api_retired);
  EXPECT_EQ(out.sev, severity::critical);
}

TEST(OutcomeRules, FailuresWinOverBreakages) {
  change a = make(change_kind::field_type_change);
  a.field = field(example, "rrd__Forecast__c.rrd__Attainment__c");
  org o = base_org();
  o.customizations = {{a.field, 0, customization_kind::flow}, {a.field, 0, customization_kind::validation_rule}};
  world w(package_with({a}), o);
  EXPECT_EQ(w.run().decided_by, rule::f_type_change_validation);
}

TEST(OutcomeRules, DurationGrowsWithDataVolume) {
  org small = base_org();
  small.records.assign(example.objects.size(), 1000);
  org big = small;
  big.records.assign(example.objects.size(), 5'000'000);
  world ws(package_with({}), small);
  world wb(package_with({}), big);
  EXPECT_GT(to_seconds(wb.run().run_time), to_seconds(ws.run().run_time) + 30.0);
}

TEST(OutcomeRules, ChangesOfSkippedVersionsApply) {
  // Upgrading 1.0 -> 2.4 of the example package applies 2.4's changes; an org with a trigger on Attainment fails.
  const package& p = example;
  population pop(p.objects.size());
  org o = base_org();
  o.customizations = {{field(p, "rrd__Forecast__c.rrd__Attainment__c"), 0, customization_kind::trigger}};
  ASSERT_EQ(pop.add(o, p), "");
  outcome_rules rules(p, *p.find_version({2, 4, 0}), quiet());
  sim::rng r(3);
  EXPECT_EQ(rules.evaluate(pop, 0, *parse_iso8601("2026-11-18T15:00:00Z").time, 0, r).decided_by,
            rule::f_type_change_trigger);
}

TEST(OutcomeRules, EveryRuleHasACodeAndDescription) {
  for (std::size_t i = 1; i < rule_count; ++i) {
    const auto rl = static_cast<rule>(i);
    EXPECT_FALSE(rule_code(rl).empty());
    EXPECT_GT(rule_description(rl).size(), 10u);
  }
}
