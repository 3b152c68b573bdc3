#pragma once
// change_list: what changed between two versions of a package's DX source, in the package JSON's own terms
// (mock_org::change_kind and the keys of mock_org/package_json.hpp), each change with its evidence; plus every
// difference seen that no change kind covers (unclassified, never dropped) and the patch-version rules broken.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/changes/dx_source.hpp"
#include "pushsim/mock_org/package.hpp"

namespace pushsim::changes {

// Where a change or difference was seen: a file as shown to the user (the version's root prefixed), the line
// (0: the whole file) and the element, e.g. "<type>Number</type>".
struct evidence {
  std::string file;
  std::uint32_t line = 0;
  std::string element;
};

// One change of the newer version. Which members matter depends on `kind`, as in mock_org::change.
struct derived_change {
  mock_org::change_kind kind = mock_org::change_kind::new_trigger;
  std::string field;   // "Object.Field": field_type_change, field_removed_from_layouts, picklist_value_removed
  std::string object;  // new_required_field, new_trigger, new_custom_fields, post_install_script (once estimated)
  mock_org::field_type new_type = mock_org::field_type::text;  // field_type_change
  std::string value;                                           // picklist_value_removed
  std::uint16_t api_version = 0;                               // api_version_retired
  std::uint32_t count = 0;                                     // new_custom_fields
  std::string post_install_class;                              // post_install_script: the class sfdx-project.json names
  // post_install_script: the user's estimate of the script's cost (metadata cannot show it); none until given.
  std::optional<double> cost_us_per_record;
  std::string estimate_source;  // where object and cost came from ("--post-install-estimate", the package JSON)
  std::vector<evidence> seen;
};

// A difference no change kind covers: a new flow, a changed class, an element the reader does not know, a removal.
struct unclassified_item {
  evidence at;
  std::string what;
  bool removal = false;  // a component of the older version is gone (a structural change)
};

// A patch version (x.y.Z, Z > 0) carrying a change Salesforce allows only in a major or minor version.
struct patch_violation {
  std::string rule;  // e.g. "a patch cannot change a field's type"
  std::string what;  // the change, e.g. "field_type_change rrd__Forecast__c.rrd__Attainment__c"
  evidence at;
};

struct diff_options {
  // API versions at or below this line are retired (`--retired-api-version`); none: not checked.
  std::optional<std::uint16_t> retired_api_version;
  // The newer version's number for the patch rules; none: sfdx-project.json's versionNumber of the newer source.
  std::optional<mock_org::version_number> version;
};

struct change_list {
  std::vector<derived_change> changes;  // by kind (mock_org order), then field / object
  std::vector<unclassified_item> unclassified;
  std::vector<patch_violation> patch_violations;
  std::optional<mock_org::version_number> version;  // the number the patch rules were checked against
  bool empty() const { return changes.empty() && unclassified.empty(); }
};

// The changes from `from` to `to`.
change_list diff_sources(const dx_source& from, const dx_source& to, const diff_options& options);

}  // namespace pushsim::changes
