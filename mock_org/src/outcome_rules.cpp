#include "pushsim/mock_org/outcome_rules.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "pushsim/base/assert.hpp"

namespace pushsim::mock_org {
namespace {
struct rule_info {
  std::string_view code;
  std::string_view description;
  error_type error;
  break_cause cause;
  severity sev;
};
constexpr std::array<rule_info, rule_count> table{{
    {"-", "no rule", error_type::unclassified_error, break_cause::none, severity::none},
    {"F0", "org ineligible when the job runs (inactive, uninstalled, already on the target or newer)",
     error_type::ineligible_upgrade, break_cause::none, severity::none},
    {"F1", "instance in its maintenance window", error_type::unclassified_error, break_cause::none, severity::none},
    {"F2", "org in the long tail that fails every push", error_type::unclassified_error, break_cause::none,
     severity::none},
    {"F3", "required platform feature not enabled", error_type::feature_missing, break_cause::none, severity::none},
    {"F4", "new custom fields exceed the edition's custom-field limit on the object", error_type::limit_exceeded,
     break_cause::none, severity::none},
    {"F5", "field type change on a field a validation rule references", error_type::deploy_error, break_cause::none,
     severity::none},
    {"F6", "field type change on a field an Apex trigger references", error_type::deploy_error, break_cause::none,
     severity::none},
    {"F7", "post-install script exceeds its CPU budget on the org's records", error_type::pac_error, break_cause::none,
     severity::none},
    {"F8", "row lock conflict with active users", error_type::locking_failure, break_cause::none, severity::none},
    {"F9", "platform noise", error_type::unclassified_error, break_cause::none, severity::none},
    {"B1", "field type change on a field a flow references", error_type::unclassified_error,
     break_cause::automation_errors, severity::high},
    {"B2", "field type change on an object an integration reads or writes", error_type::unclassified_error,
     break_cause::integration_stops, severity::medium},
    {"B3", "field removed from layouts while a validation rule requires it", error_type::unclassified_error,
     break_cause::saves_fail, severity::high},
    {"B4", "field removed from layouts while a flow references it", error_type::unclassified_error,
     break_cause::automation_errors, severity::low},
    {"B5", "new required field on an object an integration inserts into", error_type::unclassified_error,
     break_cause::integration_stops, severity::high},
    {"B6", "new required field on an object the org's trigger inserts into", error_type::unclassified_error,
     break_cause::automation_errors, severity::medium},
    {"B7", "picklist value removed while a validation rule or flow uses it", error_type::unclassified_error,
     break_cause::automation_errors, severity::medium},
    {"B8", "picklist value removed on an object an integration writes", error_type::unclassified_error,
     break_cause::integration_stops, severity::low},
    {"B9", "new package trigger on an object the org's own triggers act on", error_type::unclassified_error,
     break_cause::automation_errors, severity::medium},
    {"B10", "API version retired while an integration is pinned to it or older", error_type::unclassified_error,
     break_cause::integration_stops, severity::critical},
}};
constexpr std::uint32_t big_object_records = 1'000'000;
}  // namespace

std::string_view rule_code(rule r) { return table[static_cast<std::size_t>(r)].code; }
std::string_view rule_description(rule r) { return table[static_cast<std::size_t>(r)].description; }
error_type outcome_rules::error_of(rule rl) { return table[static_cast<std::size_t>(rl)].error; }
break_cause outcome_rules::cause_of(rule rl) { return table[static_cast<std::size_t>(rl)].cause; }

outcome_rules::outcome_rules(const package& pkg, version_index target, noise_config noise)
    : pkg_(pkg), target_(target), noise_(noise) {
  PUSHSIM_ASSERT(target < pkg.versions.size(), "outcome_rules: target version out of range");
  // [from] for from = 0..versions-1, and [versions.size()] for "not installed".
  for (std::size_t from = 0; from <= pkg.versions.size(); ++from) {
    const version_index f = from == pkg.versions.size() ? not_installed : static_cast<version_index>(from);
    changes_from_.push_back(f != not_installed && f >= target ? std::vector<const change*>{}
                                                              : pkg.changes_between(f, target));
  }
  managed_fields_per_object_.assign(pkg.objects.size(), 0);
  for (const auto& fd : pkg.fields) ++managed_fields_per_object_[fd.object];
}

outcome outcome_rules::evaluate(const population& pop, org_index i, time_point start, std::uint32_t active_users,
                                sim::rng& r) const {
  outcome out;
  const version_index from = pop.installed_version(i);
  const auto& changes = changes_from_[from == not_installed ? pkg_.versions.size() : from];
  const auto custom = pop.customizations(i);

  // Duration: grows with the org's data volume and the post-install script's work.
  double post_install_s = 0.0;
  for (const change* c : changes) {
    if (c->kind == change_kind::post_install_script) {
      post_install_s += c->cost_us_per_record * static_cast<double>(pop.records(i, c->object)) * 1e-6;
    }
  }
  double run_s =
      noise_.base_duration_s * (noise_.duration_sigma > 0 ? sim::lognormal(r, 0.0, noise_.duration_sigma) : 1.0) +
      static_cast<double>(pop.total_records(i)) * noise_.per_record_us * 1e-6 + post_install_s;
  const double u_lock = r.uniform01();
  const double u_noise = r.uniform01();

  auto fail = [&](rule rl, std::uint16_t subject, bool early) {
    out.result = outcome::kind::failed;
    out.decided_by = rl;
    out.error = error_of(rl);
    out.subject = subject;
    out.run_time = from_seconds(std::max(1.0, early ? run_s * noise_.early_failure_share : run_s));
    return out;
  };

  // F0: eligibility can change between add_job and the run (another request upgraded the org, it went inactive).
  if (pop.status(i) == org_status::inactive || from == not_installed || from >= target_) {
    return fail(rule::f_ineligible_at_run, no_index, true);
  }
  // F1, F2: the platform's own trouble.
  if (noise_.maintenance_fails_jobs && pop.instances().in_maintenance(pop.instance(i), start)) {
    return fail(rule::f_instance_maintenance, pop.instance(i), true);
  }
  if (pop.always_fails(i)) return fail(rule::f_always_fails, no_index, true);

  auto has = [&](customization_kind k, std::uint16_t target) {
    for (const auto& c : custom) {
      if (c.kind == k && c.target == target) return true;
    }
    return false;
  };
  auto has_on_object = [&](customization_kind k, object_index o) {
    for (const auto& c : custom) {
      if (c.kind == k && pkg_.fields[c.target].object == o) return true;
    }
    return false;
  };
  auto custom_fields_on = [&](object_index o) -> std::uint32_t {
    std::uint32_t n = 0;
    for (const auto& c : custom) {
      if (c.kind == customization_kind::custom_fields && c.target == o) n += c.value;
    }
    return n;
  };

  // F3 .. F7: deterministic failures, in table order.
  for (const change* c : changes) {
    if (c->kind == change_kind::required_feature && !pop.has_feature(i, c->feature)) {
      return fail(rule::f_feature_missing, static_cast<std::uint16_t>(c->feature), true);
    }
  }
  {
    // New fields of all versions in the upgrade add up per object.
    std::array<std::uint32_t, 64> added{};
    for (const change* c : changes) {
      if (c->kind == change_kind::new_custom_fields && c->object < added.size()) added[c->object] += c->count;
    }
    for (std::size_t o = 0; o < pkg_.objects.size() && o < added.size(); ++o) {
      if (added[o] == 0) continue;
      const auto ob = static_cast<object_index>(o);
      const std::uint32_t total = managed_fields_per_object_[o] + added[o] + custom_fields_on(ob);
      if (total > custom_field_limit(pop.edition(i))) return fail(rule::f_custom_field_limit, ob, true);
    }
  }
  for (const change* c : changes) {
    if (c->kind == change_kind::field_type_change && has(customization_kind::validation_rule, c->field)) {
      return fail(rule::f_type_change_validation, c->field, false);
    }
  }
  for (const change* c : changes) {
    if (c->kind == change_kind::field_type_change && has(customization_kind::trigger, c->field)) {
      return fail(rule::f_type_change_trigger, c->field, false);
    }
  }
  if (post_install_s > noise_.post_install_cpu_budget_s) {
    for (const change* c : changes) {
      if (c->kind == change_kind::post_install_script) return fail(rule::f_post_install_cpu, c->object, false);
    }
  }
  // F8, F9: noise.
  const double lock_p =
      std::min(noise_.lock_rate_max, noise_.lock_base_rate + noise_.lock_rate_per_active_user * active_users);
  if (u_lock < lock_p) return fail(rule::f_lock_conflict, no_index, false);
  if (u_noise < noise_.unclassified_rate) return fail(rule::f_unclassified_noise, no_index, false);

  // Breakages: collect, report the most severe.
  out.run_time = from_seconds(std::max(1.0, run_s));
  auto consider = [&](rule rl, std::uint16_t subject, severity sev) {
    ++out.breakages;
    if (sev > out.sev) {
      out.sev = sev;
      out.decided_by = rl;
      out.subject = subject;
      out.cause = cause_of(rl);
    }
  };
  for (const change* c : changes) {
    switch (c->kind) {
      case change_kind::field_type_change: {
        if (has(customization_kind::flow, c->field)) consider(rule::b_type_change_flow, c->field, severity::high);
        if (has(customization_kind::integration, pkg_.fields[c->field].object)) {
          consider(rule::b_type_change_integration, c->field, severity::medium);
        }
        break;
      }
      case change_kind::field_removed_from_layouts: {
        if (has(customization_kind::validation_rule, c->field)) {
          consider(rule::b_layout_removed_validation, c->field, severity::high);
        }
        if (has(customization_kind::flow, c->field)) consider(rule::b_layout_removed_flow, c->field, severity::low);
        break;
      }
      case change_kind::new_required_field: {
        if (has(customization_kind::integration, c->object)) {
          consider(rule::b_required_integration, c->object, severity::high);
        }
        if (has_on_object(customization_kind::trigger, c->object)) {
          consider(rule::b_required_trigger, c->object, severity::medium);
        }
        break;
      }
      case change_kind::picklist_value_removed: {
        if (has(customization_kind::validation_rule, c->field) || has(customization_kind::flow, c->field)) {
          consider(rule::b_picklist_automation, c->field, severity::medium);
        }
        if (has(customization_kind::integration, pkg_.fields[c->field].object)) {
          consider(rule::b_picklist_integration, c->field, severity::low);
        }
        break;
      }
      case change_kind::new_trigger: {
        if (has_on_object(customization_kind::trigger, c->object)) {
          consider(rule::b_new_trigger_recursion, c->object,
                   pop.records(i, c->object) > big_object_records ? severity::high : severity::medium);
        }
        break;
      }
      case change_kind::api_version_retired: {
        for (const auto& cu : custom) {
          if (cu.kind == customization_kind::integration && cu.value <= c->api_version) {
            consider(rule::b_api_retired, cu.value, severity::critical);
            break;
          }
        }
        break;
      }
      default: break;
    }
  }
  out.result = out.breakages > 0 ? outcome::kind::broken : outcome::kind::succeeded;
  return out;
}

std::string outcome_rules::error_title(rule rl) const {
  switch (rl) {
    case rule::f_ineligible_at_run: return "Ineligible upgrade";
    case rule::f_instance_maintenance: return "Organization unavailable";
    case rule::f_always_fails: return "Internal server error";
    case rule::f_feature_missing: return "Missing feature";
    case rule::f_custom_field_limit: return "Custom field limit exceeded";
    case rule::f_type_change_validation: return "Dependent validation rule";
    case rule::f_type_change_trigger: return "Dependent Apex trigger";
    case rule::f_post_install_cpu: return "Post-install script failed";
    case rule::f_lock_conflict: return "Unable to lock row";
    case rule::f_unclassified_noise: return "Internal server error";
    default: return "Upgrade failed";
  }
}

std::string outcome_rules::error_message(const population& pop, org_index i, rule rl, std::uint16_t subject) const {
  const std::string target = pkg_.versions[target_].number.str();
  switch (rl) {
    case rule::f_ineligible_at_run:
      return "The organization " + pop.key(i).str() + " is no longer eligible for version " + target +
             " (inactive, uninstalled, or already on this version or later).";
    case rule::f_instance_maintenance:
      return "The organization is unavailable: instance " + std::string(pop.instances().name(pop.instance(i))) +
             " is in a maintenance window.";
    case rule::f_always_fails:
    case rule::f_unclassified_noise:
      return "An unexpected error occurred. Please include this ErrorId if you contact support: " +
             std::to_string(1'000'000'000ull + (pop.key(i).chars[14] * 7919ull + i) % 999'999'999ull) + "-" +
             std::to_string(static_cast<unsigned>(rl)) + " (" + pop.key(i).str() + ")";
    case rule::f_feature_missing:
      return "Package version " + target + " requires the feature " +
             std::string(to_string(static_cast<platform_feature>(subject))) +
             ", which isn't enabled in this organization.";
    case rule::f_custom_field_limit:
      return pkg_.objects[subject].api_name + ": the upgrade would exceed the limit of " +
             std::to_string(custom_field_limit(pop.edition(i))) + " custom fields for " +
             std::string(to_string(pop.edition(i))) + " Edition.";
    case rule::f_type_change_validation:
      return "Cannot change the type of field " + pkg_.qualified_field_name(subject) +
             ": it is referenced by a validation rule in this organization.";
    case rule::f_type_change_trigger:
      return "Dependent class is invalid and needs recompilation: an Apex trigger in this organization references " +
             pkg_.qualified_field_name(subject) + " as " + std::string(to_string(pkg_.fields[subject].type)) + ".";
    case rule::f_post_install_cpu:
      return "Post-install script failed: System.LimitException: Apex CPU time limit exceeded (" +
             std::to_string(pop.records(i, subject)) + " " + pkg_.objects[subject].api_name + " records).";
    case rule::f_lock_conflict:
      return "UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record while users were editing it.";
    default: return "The upgrade failed.";
  }
}

std::string outcome_rules::breakage_message(rule rl, std::uint16_t subject) const {
  std::string about;
  switch (rl) {
    case rule::b_type_change_flow:
    case rule::b_type_change_integration:
    case rule::b_layout_removed_validation:
    case rule::b_layout_removed_flow:
    case rule::b_picklist_automation:
    case rule::b_picklist_integration: about = pkg_.qualified_field_name(subject); break;
    case rule::b_required_integration:
    case rule::b_required_trigger:
    case rule::b_new_trigger_recursion: about = pkg_.objects[subject].api_name; break;
    case rule::b_api_retired: about = "API v" + std::to_string(subject) + ".0"; break;
    default: break;
  }
  return std::string(rule_code(rl)) + " " + std::string(rule_description(rl)) + (about.empty() ? "" : ": " + about);
}

}  // namespace pushsim::mock_org
