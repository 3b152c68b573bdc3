#pragma once
// push_history: a packaging org's past pushes as the import read them (PackagePushRequest, PackagePushJob and
// PackagePushError exports, CumulusCI's push_fails.csv), typed: ids normalised to 15 characters, statuses and
// error types as enums, times as UTC instants. Filled by import_population in the same pass that reads the orgs;
// calibration and backtests read it.
//
// Push order: a job's push time is its request's ScheduledStartTime, else the request's StartTime, else the job's
// own StartTime, else its EndTime; jobs with no time keep file order after the timed ones (a stable sort).
// "Failed every one of its last k pushes" looks at an org's ended jobs (Succeeded or Failed) in that order.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pushsim/base/time.hpp"
#include "pushsim/mock_org/types.hpp"

namespace pushsim::mock_org {

// A record id (0DV request, 0DX job, 04t version) normalised to its 15-character case-sensitive form.
struct record_id {
  std::array<char, 15> chars{};
  std::string_view view() const { return {chars.data(), chars.size()}; }
  std::string str() const { return std::string(view()); }
  friend bool operator==(const record_id&, const record_id&) = default;
  friend auto operator<=>(const record_id&, const record_id&) = default;
};
// Parses a 15-character id or the 18-character form (checksum checked, case-insensitively) with this key prefix.
std::optional<record_id> parse_record_id(std::string_view prefix, std::string_view text);

// One PackagePushRequest row.
struct push_request_record {
  record_id id;
  std::optional<record_id> version_id;        // PackageVersionId (04t...)
  std::optional<version_number> version;      // where a MetadataPackageVersion row maps version_id
  std::optional<time_point> scheduled_start;  // ScheduledStartTime
  push_status status = push_status::created;
  std::optional<time_point> start;  // StartTime
  std::optional<time_point> end;    // EndTime
};

// One PackagePushJob row.
struct push_job_record {
  record_id id;
  std::optional<record_id> request;  // PackagePushRequestId (empty when the export has no such column)
  org_key org;                       // SubscriberOrganizationKey
  // Index into population_import::orgs when the org is imported (a subscriber source lists it).
  std::optional<std::uint32_t> org_index;
  push_status status = push_status::created;
  std::optional<time_point> start;  // StartTime
  std::optional<time_point> end;    // EndTime
};

// One PackagePushError row.
struct push_error_record {
  record_id job;  // PackagePushJobId
  error_type type = error_type::unclassified_error;
  std::string severity;  // ErrorSeverity as given ("Error", "Warning"; empty when absent)
  std::string title;     // ErrorTitle
  std::string message;   // ErrorMessage
};

// One row of CumulusCI's push_fails.csv: a failure of an org, with no request or job named.
struct push_fail_record {
  org_key org;  // OrganizationId
  error_type type = error_type::unclassified_error;
  std::string severity;
  std::string title;
  std::string message;
};

struct push_history;

// The jobs of one org that ended (Succeeded or Failed), oldest push first.
struct org_push_outcomes {
  org_key org;
  std::vector<std::size_t> jobs;  // indices into push_history::jobs
  // How many of the most recent pushes failed in a row (0 when the last one succeeded).
  std::size_t trailing_failures(const push_history& h) const;
};

// Everything the import read of past pushes, rows in file order (files in the order given).
struct push_history {
  std::vector<push_request_record> requests;
  std::vector<push_job_record> jobs;
  std::vector<push_error_record> errors;
  std::vector<push_fail_record> fails;

  // The request with this id, or nullptr (a linear search; outcomes_by_org indexes the requests once).
  const push_request_record* find_request(const record_id& id) const;
  // When job `j` was pushed (see the header comment), or nullopt when no time is known. Uses find_request.
  std::optional<time_point> push_time(const push_job_record& j) const;
  // Each org's ended jobs in push order; orgs sorted by key.
  std::vector<org_push_outcomes> outcomes_by_org() const;
  // Each job's errors: per job index, the indices into `errors` of the rows naming it (in file order).
  std::vector<std::vector<std::size_t>> errors_by_job() const;
};

// Whether an org counts as always failing: it failed every one of its last k pushes (k >= 2).
inline bool fails_last_pushes(std::size_t trailing_failures, std::size_t k) { return k >= 2 && trailing_failures >= k; }

// The k import_population uses for imported_org::always_fails.
inline constexpr std::size_t always_fails_last_pushes = 2;

}  // namespace pushsim::mock_org
