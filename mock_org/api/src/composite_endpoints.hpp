#pragma once
// composite_endpoints: many push-object records in one call: composite/tree (all-or-nothing, up to 200, with
// reference ids) and composite/sobjects (allOrNone true|false). Private to mock_org/api.

#include <string_view>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/mock_org/api/schema.hpp"
#include "pushsim/mock_org/platform.hpp"

namespace pushsim::mock_org::api::detail {

// POST .../composite/tree/X {"records": [...]}: 201 with an id per referenceId, or 400 with the errors of every
// refused record and nothing created.
rest_response composite_tree(platform& p, const object_def& o, std::string_view body);

// POST .../composite/sobjects {"allOrNone", "records"}: 200 with one result per record in order.
rest_response composite_sobjects(platform& p, std::string_view body);

}  // namespace pushsim::mock_org::api::detail
