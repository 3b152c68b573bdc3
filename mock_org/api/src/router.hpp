#pragma once
// router: which endpoint of the REST handler a request target names (path matching, query-string decoding,
// allowed methods). Pure: it reads the target and the method, nothing else (private to mock_org/api).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/mock_org/api/api_handler.hpp"
#include "pushsim/mock_org/api/schema.hpp"

namespace pushsim::mock_org::api::detail {

// One matched request target.
struct route {
  enum kind {
    versions,
    version_root,
    limits,
    query,
    query_more,
    sobjects_global,
    sobject_info,
    sobject_describe,
    sobject_row,
    composite_tree,
    composite_sobjects,
    bulk,
    bulk_query,
    bulk_v1,
    userinfo,
    identity,
    not_found
  };
  kind what = not_found;
  std::string version;                 // "60.0"
  const object_def* object = nullptr;  // sObject named in the path
  std::string id;                      // row id, locator tail, or bulk job id
  std::string
      sub;  // bulk: "", "batches", "successfulResults"...; bulk_query: "results"; bulk_v1: "batch/751.../result"
  bool query_all = false;
  std::vector<std::pair<std::string, std::string>> params;  // decoded query string, in order
  std::string_view allowed;                                 // methods, comma-separated (for 405)
  endpoint_class cls = endpoint_class::other;               // for fault rates

  // Value of the first query parameter with this name, or empty.
  std::string_view param(std::string_view name) const;
  bool has_param(std::string_view name) const;
  // /services/data: answered without a session.
  bool is_public() const { return what == versions; }
  bool allows(std::string_view method) const;
};

// Matches req's target against the endpoints of the API versions served (versions: "60.0", ...).
route match_route(const rest_request& req, const std::vector<std::string>& versions);

// s cut at every sep (empty pieces kept).
std::vector<std::string_view> split(std::string_view s, char sep);

}  // namespace pushsim::mock_org::api::detail
