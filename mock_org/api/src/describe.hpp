#pragma once
// describe: the metadata resources of the REST API: the versions list, a version's resource map, the global
// and per-object describe, and the OAuth userinfo of the partner user. Pure renderings of the schema and the
// handler settings (private to mock_org/api).

#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/mock_org/api/schema.hpp"

namespace pushsim::mock_org::api::detail {

// GET /services/data: [{"label","url","version"}] of the versions served (answered without a session; another
// method is a 405 without an Allow header).
rest_response versions_response(std::string_view method, const std::vector<std::string>& versions);

// GET /services/data/vNN.0: the resource map, with the partner user's identity URL under config.instance_url.
rest_response version_root_response(const std::string& version, const api_config& config);

// GET .../sobjects: every push object with its flags and URLs.
rest_response global_describe_response(const std::string& version);

// GET .../sobjects/X: {"objectDescribe", "recentItems"}.
rest_response object_info_response(const object_def& o, const std::string& version);

// GET .../sobjects/X/describe: the object with its fields and child relationships.
rest_response describe_response(const object_def& o, const std::string& version);

// GET /services/oauth2/userinfo: the partner user of config.partner, URLs under config.instance_url.
rest_response userinfo_response(const api_config& config);

// GET /id/<org id>/<user id> (the identity URL jsforce's identity() reads): the partner user of config.partner.
rest_response identity_response(const api_config& config);

}  // namespace pushsim::mock_org::api::detail
