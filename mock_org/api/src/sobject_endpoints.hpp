#pragma once
// sobject_endpoints: one push-object record through .../sobjects/X: create (POST), retrieve (GET .../{id}) and
// PATCH of a push request's Status (private to mock_org/api).

#include <string_view>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/mock_org/api/platform_data_source.hpp"
#include "pushsim/mock_org/platform.hpp"
#include "router.hpp"

namespace pushsim::mock_org::api::detail {

// POST .../sobjects/X: 201 {"id","success":true,"errors":[]} or a 400 naming the bad field.
rest_response create_record(platform& p, const object_def& o, std::string_view body);

// GET .../sobjects/X/{id}[?fields=A,B]: the record with all (or the named) fields.
rest_response retrieve_record(const platform_data_source& ds, const route& r);

// PATCH .../sobjects/X/{id} {"Status": "Pending" | "Canceled" ...}: 204, or the platform's refusal.
rest_response patch_record(platform& p, const platform_data_source& ds, const route& r, std::string_view body);

}  // namespace pushsim::mock_org::api::detail
