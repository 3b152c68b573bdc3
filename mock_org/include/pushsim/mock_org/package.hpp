#pragma once
// package: a managed package (namespace, managed objects and their fields), its versions, and for each version
// the list of changes it makes relative to the previous version. Upgrading an org from version a to version b
// applies the changes of every version in (a, b].

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/mock_org/types.hpp"

namespace pushsim::mock_org {

using object_index = std::uint16_t;
using field_index = std::uint16_t;
using version_index = std::uint8_t;
inline constexpr std::uint16_t no_index = 0xFFFF;
// An org with no version of the package installed.
inline constexpr version_index not_installed = 0xFF;

// Data type of a managed field.
enum class field_type : std::uint8_t {
  text,
  number,
  currency,
  percent,
  date,
  datetime,
  checkbox,
  picklist,
  lookup,
  long_text
};
std::string_view to_string(field_type t);
std::optional<field_type> parse_field_type(std::string_view s);

// A managed object (custom, or a standard object the package adds fields to).
struct managed_object {
  std::string api_name;   // e.g. "rrd__Forecast__c" or "Opportunity"
  bool standard = false;  // a standard object extended with managed fields
};

// A managed field on one of the package's objects.
struct managed_field {
  std::string api_name;  // e.g. "rrd__Amount__c"
  object_index object = 0;
  field_type type = field_type::text;
  std::vector<std::string> picklist_values;
};

// What a version changes. Which members matter depends on `kind` (see each kind).
enum class change_kind : std::uint8_t {
  field_type_change,           // field, new_type
  field_removed_from_layouts,  // field
  new_required_field,          // object (a new field that must be filled on insert)
  picklist_value_removed,      // field, text (the value)
  new_trigger,                 // object
  post_install_script,         // object, cost_us_per_record (the script touches every record of the object)
  required_feature,            // feature
  api_version_retired,         // api_version (every API version <= this one stops working)
  new_custom_fields,           // object, count
};
inline constexpr std::size_t change_kind_count = 9;
// "field_type_change", ... (the spelling used in scenario files).
std::string_view to_string(change_kind k);
std::optional<change_kind> parse_change_kind(std::string_view s);

struct change {
  change_kind kind = change_kind::new_trigger;
  field_index field = no_index;
  object_index object = no_index;
  field_type new_type = field_type::text;
  platform_feature feature = platform_feature::multi_currency;
  std::uint16_t api_version = 0;
  std::uint32_t count = 0;
  double cost_us_per_record = 0.0;
  std::string text;
};

enum class release_state : std::uint8_t { released, beta };
std::string_view to_string(release_state r);  // "Released", "Beta"

struct package_version {
  std::string name;  // MetadataPackageVersion.Name, e.g. "Spring 27"
  version_number number;
  std::uint32_t build = 1;
  release_state state = release_state::released;
  bool deprecated = false;
  std::vector<change> changes;  // relative to the previous version
};

class package {
 public:
  std::string name;              // MetadataPackage.Name
  std::string namespace_prefix;  // MetadataPackage.NamespacePrefix
  std::vector<managed_object> objects;
  std::vector<managed_field> fields;
  std::vector<package_version> versions;  // ascending by number

  std::optional<object_index> find_object(std::string_view api_name) const;
  // By "Object.Field" (e.g. "rrd__Forecast__c.rrd__Quota__c").
  std::optional<field_index> find_field(std::string_view qualified_name) const;
  std::string qualified_field_name(field_index f) const;
  std::optional<version_index> find_version(version_number v) const;
  // Changes applied when upgrading from `from` (or not_installed) to `to`, in version order.
  std::vector<const change*> changes_between(version_index from, version_index to) const;
  // Fields of one object.
  std::vector<field_index> fields_of(object_index o) const;
  // Checks internal consistency (indices in range, versions ascending, at most 254 versions); empty if fine,
  // else what is wrong.
  std::string validate() const;
};

// The built-in example: "Revenue Rollup Dashboard" (namespace rrd), five managed objects, versions 1.0 .. 2.4
// released (1.2 deprecated) and 2.5 in beta. 2.4.0 is the realistic push target; its changes exercise most rules.
package default_example_package();

}  // namespace pushsim::mock_org
