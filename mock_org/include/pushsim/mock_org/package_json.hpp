#pragma once
// A package (objects, fields, versions and their changes) as JSON: the "package" section of a scenario.
//
// {"name": "...", "namespace": "rrd",
//  "objects": [{"name": "rrd__Forecast__c", "standard": false,
//               "fields": [{"name": "rrd__Quota__c", "type": "Currency", "picklist_values": ["A", "B"]}]}],
//  "versions": [{"number": "2.4.0", "name": "Attainment", "build": 7, "state": "Released", "deprecated": false,
//                "changes": [{"kind": "field_type_change", "field": "rrd__Forecast__c.rrd__Attainment__c",
//                             "new_type": "Number"}, ...]}]}
//
// Change keys by kind: field_type_change {field, new_type}; field_removed_from_layouts {field};
// new_required_field {object}; picklist_value_removed {field, value}; new_trigger {object};
// post_install_script {object, cost_us_per_record}; required_feature {feature}; api_version_retired
// {api_version}; new_custom_fields {object, count}. Versions ascend. Unknown keys are errors.

#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "pushsim/mock_org/package.hpp"
#include "pushsim/mock_org/spec_error.hpp"

namespace pushsim::mock_org {

parse_result<package> parse_package(const nlohmann::json& j, std::string_view pointer = "");
parse_result<package> parse_package_text(std::string_view text);
// The package as JSON in the format above (parse_package(package_to_json(p)) gives p back).
nlohmann::json package_to_json(const package& p);

}  // namespace pushsim::mock_org
