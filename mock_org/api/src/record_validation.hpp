#pragma once
// record_validation: the checks a PackagePushRequest / PackagePushJob record passes before it is created, and its
// creation on the platform. Shared by sobjects create, composite/tree, composite/sobjects and Bulk ingest
// (private to mock_org/api).

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "pushsim/base/rest_message.hpp"
#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/api/schema.hpp"
#include "pushsim/mock_org/platform.hpp"
#include "record_body.hpp"

namespace pushsim::mock_org::api::detail {

// Why one record was refused: a Salesforce error code, message and the fields it names.
struct record_error {
  std::string code;
  std::string message;
  std::vector<std::string> fields;
};

// A PackagePushRequest or PackagePushJob to create, checked for shape.
struct record_spec {
  const object_def* object = nullptr;
  std::string version_id;                       // request
  std::optional<time_point> scheduled_start;    // request
  std::string request_id;                       // job
  std::string org_key;                          // job
  std::optional<org_index> org;                 // job: set by precheck once it has found the org
  std::optional<mock_org::request_id> request;  // job: set by precheck once it has found the request
  std::optional<mock_org::org_key> key;         // job: org_key parsed ahead of precheck (composite/tree's prefetch)
};

// What the prechecks of one batch share: the (request, org) pairs already taken earlier in it (a sorted vector: a
// batch holds at most a few hundred; a node set cost one allocation a record) and its last request lookup (no
// request is created while a batch is prechecked).
class job_pairs {
 public:
  // Adds the pair; false if it was there already.
  bool insert(std::pair<request_id, org_index> pair) {
    const auto at = std::lower_bound(pairs_.begin(), pairs_.end(), pair);
    if (at != pairs_.end() && *at == pair) return false;
    pairs_.insert(at, pair);
    return true;
  }
  // p.find_request(id), asked once for a run of records naming the same request (a batch names one, mostly).
  std::optional<request_id> find_request(const platform& p, const std::string& id) {
    if (!last_request_ || last_request_->first != id) last_request_.emplace(id, p.find_request(id));
    return last_request_->second;
  }

 private:
  std::vector<std::pair<request_id, org_index>> pairs_;
  std::optional<std::pair<std::string, std::optional<request_id>>> last_request_;
};

// Checks a JSON record body against the object's createable fields. nullopt: ok (spec filled).
std::optional<record_error> read_record(const object_def& o, const record_body& rec, record_spec& spec);

// The platform's own add_job/create_request checks, without changing anything (for all-or-nothing batches).
// seen: (request, org) pairs earlier in the same batch; the record's pair is added.
std::optional<record_error> precheck(const platform& p, record_spec& s, job_pairs& seen);

// Creates one checked record on the platform: its id, or the platform's error.
std::variant<std::string, record_error> commit(platform& p, const record_spec& s);

// MALFORMED_ID for a PackagePushRequestId that is not a push request id.
record_error malformed_request_id(const std::string& id);

// 400 with the record error as the one error of the list.
rest_response record_error_response(const record_error& e);

}  // namespace pushsim::mock_org::api::detail
