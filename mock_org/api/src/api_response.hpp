#pragma once
// api_response: the shapes every endpoint of the REST handler answers with: JSON bodies and Salesforce-style
// error lists [{"errorCode","message","fields"}] (private to mock_org/api).

#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/mock_org/platform.hpp"

namespace pushsim::mock_org::api::detail {

// Appends one error object {"errorCode"|"statusCode", "message"[, "fields"]}; the message is made valid UTF-8
// (it may echo request text).
void append_error_object(std::string& out, std::string_view code, std::string_view message,
                         const std::vector<std::string>* fields, bool status_code_key = false);

// A response with this status and a JSON body.
rest_response json_response(int status, std::string body);

// A response with no body (201 / 204 acknowledgements).
rest_response empty_response(int status);

// A Salesforce error list with one error.
rest_response error_response(int status, std::string_view code, std::string_view message,
                             const std::vector<std::string>* fields = nullptr);

// 400 with the platform's own error code, message and fields.
rest_response platform_error(const api_error& e);

// 400 JSON_PARSER_ERROR for a body that is not JSON.
rest_response json_parse_error();

// 404 NOT_FOUND for a path no endpoint answers.
rest_response not_found_response();

}  // namespace pushsim::mock_org::api::detail
