#include "pushsim/changes/change_list.hpp"

#include <algorithm>
#include <tuple>

#include "diff_parts.hpp"

namespace pushsim::changes {

namespace {

using mock_org::change_kind;

constexpr const char* rule_required = "a patch cannot add a required field or make a field required";
constexpr const char* rule_type = "a patch cannot change a field's type";
constexpr const char* rule_removal = "a patch cannot remove a component";

std::string describe(const derived_change& c) {
  std::string s(mock_org::to_string(c.kind));
  if (!c.field.empty()) s += " " + c.field;
  if (!c.object.empty()) s += " " + c.object;
  return s;
}

// Salesforce allows no structural change in a patch: these rules name what it refuses.
void check_patch_rules(change_list& out) {
  if (!out.version || out.version->patch == 0) return;
  for (const derived_change& c : out.changes) {
    if (c.kind == change_kind::new_required_field) {
      out.patch_violations.push_back({rule_required, describe(c), c.seen.front()});
    }
    if (c.kind == change_kind::field_type_change) {
      out.patch_violations.push_back({rule_type, describe(c), c.seen.front()});
    }
  }
  for (const unclassified_item& u : out.unclassified) {
    if (u.removal) out.patch_violations.push_back({rule_removal, u.what, u.at});
  }
}

}  // namespace

change_list diff_sources(const dx_source& from, const dx_source& to, const diff_options& options) {
  change_list out;
  detail::diff_fields(from, to, out);
  detail::diff_layouts(from, to, out);
  detail::diff_components(from, to, out);
  if (options.retired_api_version) detail::diff_api_versions(from, to, *options.retired_api_version, out);
  // The script runs on every upgrade to `to`, but between identical sources there is no upgrade to speak of.
  if (!out.empty() || from.post_install_class != to.post_install_class) detail::diff_post_install(to, out);
  std::stable_sort(out.changes.begin(), out.changes.end(), [](const derived_change& a, const derived_change& b) {
    return std::tie(a.kind, a.field, a.object, a.value) < std::tie(b.kind, b.field, b.object, b.value);
  });
  out.version = options.version ? options.version : to.version;
  check_patch_rules(out);
  return out;
}

}  // namespace pushsim::changes
