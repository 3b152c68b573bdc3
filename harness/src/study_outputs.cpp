#include "study_outputs.hpp"

#include "pushsim/base/output_file.hpp"
#include "pushsim/harness/study_expectations.hpp"

namespace pushsim::harness::detail {

csv_stream::csv_stream(const std::filesystem::path& target) : target_(target) {
  if (target_.empty()) return;
  temp_ = target_.parent_path() / ("." + target_.filename().string() + ".study-tmp");
  file_.open(temp_, std::ios::binary | std::ios::trunc);
}

csv_stream::~csv_stream() {
  if (!temp_.empty() && !committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void csv_stream::write(const std::string& text) {
  if (!temp_.empty()) file_ << text;
}

std::string csv_stream::commit() {
  if (temp_.empty()) return {};
  file_.close();
  if (!file_) return "cannot write '" + target_.string() + "'";
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) return "cannot write '" + target_.string() + "': " + ec.message();
  committed_ = true;
  return {};
}

namespace {

void check_expectations(study_report& report, const std::vector<study_expectation>& expectations) {
  for (const auto& point : report.points) {
    for (std::size_t plan = 0; plan < report.plans.size(); ++plan) {
      const std::string label = report.plans[plan] + (report.swept ? " at " + point.set.dump() : "");
      auto checked = check_study_expectations(expectations,
                                              point.result.accumulator.summarize_plan(plan, report.confidence), label);
      report.expectations.insert(report.expectations.end(), checked.begin(), checked.end());
    }
  }
}

int write_outputs(const study_report& report, const study_targets& targets, csv_stream& csv, std::ostream& err) {
  std::vector<output_text> files;
  const std::pair<const std::filesystem::path*, std::string (*)(const study_report&)> renders[] = {
      {&targets.json, render_study_json}, {&targets.html, render_study_html}, {&targets.junit, render_study_junit}};
  for (const auto& [target, render] : renders) {
    if (!target->empty()) files.push_back({*target, render(report)});
  }
  if (const auto e = write_all_atomically(files)) {
    err << "pushsim study: " << e->to_string() << "\n";
    return 2;
  }
  if (const auto e = csv.commit(); !e.empty()) {
    err << "pushsim study: " << e << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

int conclude_study(study_report& report, const std::vector<study_expectation>& expectations,
                   const study_targets& targets, csv_stream& csv, std::ostream& out, std::ostream& err) {
  check_expectations(report, expectations);
  print_study_summary(out, report);
  if (const int code = write_outputs(report, targets, csv, err); code != 0) return code;
  bool broken = false;
  for (const auto& point : report.points) {
    for (const auto& v : point.result.invariant_violations) err << "pushsim: INVARIANT BROKEN: " << v << "\n";
    broken = broken || !point.result.invariant_violations.empty();
  }
  if (broken) return 1;
  if (!report.expectations_passed()) {
    err << "pushsim study: a study expectation failed\n";
    return 1;
  }
  return 0;
}

}  // namespace pushsim::harness::detail
