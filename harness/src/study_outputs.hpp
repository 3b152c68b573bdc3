#pragma once
// study_outputs (private to harness): how a study ends, shared by `pushsim study` and `pushsim study merge`:
// the per-replication CSV streamed to a temporary file and renamed into place, the statistical expectations
// checked per point and plan, the terminal summary, every output written atomically, and the exit code.

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "pushsim/harness/study_report.hpp"
#include "pushsim/harness/study_section.hpp"

namespace pushsim::harness::detail {

// Per-replication CSV rows streamed to a temporary file beside the target, renamed over it at commit; removed
// when the study does not finish. (base/output_file writes whole texts; this is its streaming counterpart.)
class csv_stream {
 public:
  explicit csv_stream(const std::filesystem::path& target);  // empty: writes nothing
  ~csv_stream();
  csv_stream(const csv_stream&) = delete;
  csv_stream& operator=(const csv_stream&) = delete;
  void write(const std::string& text);
  // Renames the finished file into place; an error message, or empty.
  std::string commit();

 private:
  std::filesystem::path target_, temp_;
  std::ofstream file_;
  bool committed_ = false;
};

// The resolved output targets of a study (empty: not asked for).
struct study_targets {
  std::filesystem::path json, csv, html, junit;
};

// Checks the expectations into `report`, prints the summary to `out`, writes JSON, HTML, JUnit and commits the
// CSV; returns the exit code: 2 when an output cannot be written, 1 on a broken invariant or a failed
// expectation, else 0.
int conclude_study(study_report& report, const std::vector<study_expectation>& expectations,
                   const study_targets& targets, csv_stream& csv, std::ostream& out, std::ostream& err);

}  // namespace pushsim::harness::detail
