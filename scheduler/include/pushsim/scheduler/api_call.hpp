#pragma once
// Typed push-API calls and their typed results: the only language the executor speaks. scheduler/rest turns a
// call into a Salesforce REST message and a REST response back into an api_result; tests answer calls directly.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "pushsim/base/time.hpp"

namespace pushsim::scheduler {

// How jobs are created: composite/tree/PackagePushJob (all-or-nothing, <= 200 records) or
// composite/sobjects with allOrNone=false (per-record results).
enum class job_creation_mode { composite_tree, sobject_collections };

// Which query a result page belongs to (query_more needs it to decode the next page).
enum class query_kind { subscribers, requests, jobs, status_counts };

// SELECT the package's subscribers (OrgKey, OrgName, OrgType, OrgStatus, InstanceName, InstalledStatus,
// MetadataPackageVersionId) FROM PackageSubscriber WHERE MetadataPackageId = package_id.
struct query_subscribers {
  std::string package_id;
};

// POST sobjects/PackagePushRequest {PackageVersionId, ScheduledStartTime}.
struct create_push_request {
  std::string version_id;
  time_point scheduled_start;
};

// Create one PackagePushJob per org key in an existing request (<= 200 keys).
struct add_jobs {
  std::string request_id;
  std::vector<std::string> org_keys;
  job_creation_mode mode = job_creation_mode::composite_tree;
};

// PATCH sobjects/PackagePushRequest/{id} {"Status": status}; status is "Pending" or "Canceled".
struct patch_request_status {
  std::string request_id;
  std::string status;
};

// Job counts by Status for these requests: one GROUP BY query (grouped by request too when several ids).
struct query_request_status_counts {
  std::vector<std::string> request_ids;
};

// Jobs of these requests (optionally only these statuses), with their PackagePushErrors through a child
// subquery when with_errors. Paged (query_more).
struct query_jobs {
  std::vector<std::string> request_ids;
  std::vector<std::string> statuses;  // empty: all statuses
  bool with_errors = false;
  // Only jobs whose EndTime is at or after this server time (an incremental fetch of newly finished jobs).
  std::optional<time_point> ended_at_or_after;
};

// Every PackagePushRequest for a package version (resume reconciliation).
struct query_requests_for_version {
  std::string version_id;
};

// The next page of an earlier query: locator is the nextRecordsUrl as Salesforce returned it.
struct query_more {
  std::string locator;
  query_kind kind = query_kind::jobs;
  bool with_errors = false;
};

using api_call = std::variant<query_subscribers, create_push_request, add_jobs, patch_request_status,
                              query_request_status_counts, query_jobs, query_requests_for_version, query_more>;

// Short endpoint name for accounting ("create_request", "add_jobs", ...).
const char* endpoint_name(const api_call& call);
// True for calls that change state on the server (journaled intent + result).
bool is_side_effecting(const api_call& call);

// What went wrong with a call. http_status 0 means a transport failure (timeout, dropped connection, TLS,
// DNS): the request may or may not have reached the server.
struct api_error {
  enum class kind_t { transport, transient, limit_exceeded, permanent };
  kind_t kind = kind_t::permanent;
  int http_status = 0;
  std::string error_code;  // Salesforce errorCode, e.g. "UNKNOWN_EXCEPTION"; empty for transport errors
  std::string message;
  // Retrying the same call may succeed (transport, transient; limit_exceeded after the window).
  bool retryable() const { return kind != kind_t::permanent; }
};

// Result of create_push_request.
struct request_created {
  std::string id;
};

// What happened to one org key in add_jobs.
struct job_outcome {
  enum class kind_t {
    created,        // job_id set
    duplicate,      // DUPLICATE_VALUE: a job for this org already exists in the request
    ineligible,     // refused by Salesforce (message says why, e.g. "Ineligible ...")
    invalid_key,    // not a subscriber org key
    rejected,       // any other permanent per-record error
    transient,      // per-record transient error (UNKNOWN_EXCEPTION, "Something bad has happened")
    not_processed,  // rolled back because another record of an all-or-nothing batch failed
  };
  std::string org_key;
  kind_t kind = kind_t::created;
  std::string job_id;
  std::string error_code;
  std::string message;
};

// Result of add_jobs: one outcome per requested key, in request order.
struct jobs_added {
  std::vector<job_outcome> outcomes;
};

// Result of patch_request_status (204 No Content).
struct status_patched {};

// One row of a status count query.
struct status_count {
  std::string request_id;
  std::string status;
  std::int64_t count = 0;
};

// A page of results with an optional locator for query_more.
struct status_counts_page {
  std::vector<status_count> rows;
  std::string next_locator;
};

// One PackagePushError of a job.
struct job_error {
  std::string severity;
  std::string type;  // ErrorType, e.g. "ApexTestFailure"
  std::string title;
  std::string message;
};

// One PackagePushJob row.
struct job_row {
  std::string id;
  std::string request_id;
  std::string org_key;
  std::string status;
  std::optional<time_point> start_time;
  std::optional<time_point> end_time;
  std::vector<job_error> errors;
};

struct jobs_page {
  std::vector<job_row> rows;
  std::string next_locator;
};

// One PackagePushRequest row.
struct request_row {
  std::string id;
  std::string status;
  std::optional<time_point> scheduled_start;
};

struct requests_page {
  std::vector<request_row> rows;
  std::string next_locator;
};

// One PackageSubscriber row.
struct subscriber_row {
  std::string org_key;
  std::string org_name;
  std::string org_type;
  std::string org_status;
  std::string instance_name;
  std::string installed_status;
  std::string version_id;
};

struct subscribers_page {
  std::vector<subscriber_row> rows;
  std::string next_locator;
  std::int64_t total_size = 0;  // the query's totalSize: rows on every page together
};

using api_result = std::variant<api_error, request_created, jobs_added, status_patched, status_counts_page, jobs_page,
                                requests_page, subscribers_page>;

}  // namespace pushsim::scheduler
