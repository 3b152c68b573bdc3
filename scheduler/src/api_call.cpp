#include "pushsim/scheduler/api_call.hpp"

namespace pushsim::scheduler {

namespace {
struct endpoint_visitor {
  const char* operator()(const query_subscribers&) const { return "query_subscribers"; }
  const char* operator()(const create_push_request&) const { return "create_request"; }
  const char* operator()(const add_jobs& c) const {
    return c.mode == job_creation_mode::composite_tree ? "add_jobs_composite_tree" : "add_jobs_sobject_collections";
  }
  const char* operator()(const patch_request_status&) const { return "patch_request"; }
  const char* operator()(const query_request_status_counts&) const { return "query_status_counts"; }
  const char* operator()(const query_jobs&) const { return "query_jobs"; }
  const char* operator()(const query_requests_for_version&) const { return "query_requests"; }
  const char* operator()(const query_more&) const { return "query_more"; }
};
}  // namespace

const char* endpoint_name(const api_call& call) { return std::visit(endpoint_visitor{}, call); }

bool is_side_effecting(const api_call& call) {
  return std::holds_alternative<create_push_request>(call) || std::holds_alternative<add_jobs>(call) ||
         std::holds_alternative<patch_request_status>(call);
}

}  // namespace pushsim::scheduler
