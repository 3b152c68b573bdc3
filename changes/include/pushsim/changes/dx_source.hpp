#pragma once
// dx_source: one version of a package read from its Salesforce DX source format, as typed values. Only what the
// change kinds need is interpreted (field types, required flags, picklist values, layouts, triggers and their
// objects, API versions, the post-install class); everything else the reader saw is kept as text so that a
// difference in it can be listed as unclassified rather than dropped.
//
// Layout read (under each package directory named in sfdx-project.json, at any depth, e.g. force-app/main/default):
//   objects/<Object>/<Object>.object-meta.xml, objects/<Object>/fields/<Field>.field-meta.xml,
//   objects/<Object>/validationRules/<Rule>.validationRule-meta.xml, triggers/<T>.trigger + <T>.trigger-meta.xml,
//   classes/<C>.cls + <C>.cls-meta.xml, flows/<F>.flow-meta.xml, layouts/<Object>-<Name>.layout-meta.xml,
//   globalValueSets/<G>.globalValueSet-meta.xml. Any other file is kept by content.
// Custom object and field names are given the project's namespace, so they read as the package JSON names them.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "pushsim/changes/input_error.hpp"
#include "pushsim/mock_org/types.hpp"

namespace pushsim::changes {

// Where something was seen: a file relative to the version's root and a 1-based line (0: the whole file).
struct source_location {
  std::string file;
  std::uint32_t line = 0;
};

// An element of a field file the reader does not interpret, kept verbatim (its XML) so that differences show up.
struct unknown_element {
  source_location at;
  std::string name;  // the element name, e.g. "trackTrending"
  std::string xml;   // the element as XML text
};

struct dx_field {
  source_location file;
  std::string type;  // DX <type>, e.g. "Currency", "Picklist", "MasterDetail"
  source_location type_at;
  bool required = false;
  source_location required_at;
  std::vector<std::string> picklist_values;  // inline value set, in file order
  std::map<std::string, std::uint32_t> picklist_value_lines;
  std::string global_value_set;                 // <valueSet><valueSetName>, when the field uses a global value set
  std::vector<unknown_element> other_elements;  // every top-level element not interpreted above, in file order
};

// A component the change kinds only care about being there, and at which API version (triggers, classes, flows,
// validation rules, objects). `content` is every byte of its files, compared to notice any other change.
struct dx_component {
  source_location file;
  std::optional<std::uint16_t> api_version;  // <apiVersion> (e.g. 59 from "59.0"), when the type has one
  source_location api_version_at;
  std::string object;  // the object a trigger is on (from "trigger T on Object (...)"), else ""
  std::string content;
};

struct dx_layout {
  source_location file;
  std::string object;                                // from the file name "<Object>-<Layout name>"
  std::map<std::string, std::uint32_t> field_lines;  // field API name -> line of its <field> element
  std::string content;
};

struct dx_value_set {
  source_location file;
  std::vector<std::string> values;
  std::map<std::string, std::uint32_t> value_lines;
  std::string content;
};

struct dx_source {
  std::string shown_root;  // how evidence names this version: "DIR/" or "REF:"
  // sfdx-project.json "namespace": custom names without one get it ("Quota__c" -> "rrd__Quota__c"), as on install.
  std::string namespace_prefix;
  std::optional<mock_org::version_number> version;  // sfdx-project.json packageDirectories[].versionNumber
  std::optional<std::string> post_install_class;    // packageDirectories[].postInstallScript
  source_location post_install_at;
  std::map<std::string, dx_component> objects;            // by API name
  std::map<std::string, dx_field> fields;                 // by "Object.Field"
  std::map<std::string, dx_component> validation_rules;   // by "Object.Rule"
  std::map<std::string, dx_component> triggers;           // by name
  std::map<std::string, dx_component> classes;            // by name
  std::map<std::string, dx_component> flows;              // by name
  std::map<std::string, dx_layout> layouts;               // by "<Object>-<Layout name>"
  std::map<std::string, dx_value_set> global_value_sets;  // by name
  std::map<std::string, std::string> other_files;         // relative path -> content (files the reader does not know)
};

// Reads the DX project rooted at `root` (the folder holding sfdx-project.json). `shown_root` prefixes file names
// in errors and evidence. Errors: not a DX project (what was expected), malformed XML (file and line), a trigger
// without "trigger T on Object".
std::variant<dx_source, input_error> load_dx_source(const std::filesystem::path& root, const std::string& shown_root);

}  // namespace pushsim::changes
