#include "pushsim/push/failures_csv.hpp"

#include <map>

#include "pushsim/base/csv_text.hpp"

namespace pushsim::push {

namespace sch = pushsim::scheduler;

namespace {

// One failed org's row; s may be null (an org the subscribers do not list).
std::string failure_row(const sch::org_report& org, const sch::subscriber* s, const redactor* redact) {
  const std::string name = s ? s->org_name : "";
  const std::string key = redact ? redact->org_key(org.org_key) : org.org_key;
  const std::string message = redact ? redact->text(org.message, name) : org.message;
  return csv_field(key) + "," + csv_field(redact ? redact->org_name(name) : name) + "," +
         csv_field(s ? sch::to_string(s->type) : "") + "," + csv_field(s ? sch::to_string(s->status) : "") + "," +
         csv_field(s ? s->instance_name : "") + ",Error," + csv_field(message) + "," + csv_field(org.error_type) + "," +
         csv_field(message) + "\n";
}

}  // namespace

std::string failures_csv_text(const sch::executor_report& report, const std::vector<sch::subscriber>& subscribers,
                              const redactor* redact) {
  std::map<std::string_view, const sch::subscriber*> by_key;
  for (const auto& s : subscribers) by_key[s.org_key] = &s;
  std::string csv =
      "OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage\n";
  for (const auto& org : report.orgs) {
    if (org.state != sch::org_final_state::failed) continue;
    const auto it = by_key.find(org.org_key);
    csv += failure_row(org, it == by_key.end() ? nullptr : it->second, redact);
  }
  return csv;
}

}  // namespace pushsim::push
