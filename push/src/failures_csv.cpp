#include "pushsim/push/failures_csv.hpp"

#include <map>

#include "pushsim/base/csv_text.hpp"

namespace pushsim::push {

namespace sch = pushsim::scheduler;

std::string failures_csv_text(const sch::executor_report& report, const std::vector<sch::subscriber>& subscribers) {
  std::map<std::string_view, const sch::subscriber*> by_key;
  for (const auto& s : subscribers) by_key[s.org_key] = &s;
  std::string csv =
      "OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage\n";
  for (const auto& org : report.orgs) {
    if (org.state != sch::org_final_state::failed) continue;
    const auto it = by_key.find(org.org_key);
    const sch::subscriber* s = it == by_key.end() ? nullptr : it->second;
    csv += csv_field(org.org_key) + "," + csv_field(s ? s->org_name : "") + "," +
           csv_field(s ? sch::to_string(s->type) : "") + "," + csv_field(s ? sch::to_string(s->status) : "") + "," +
           csv_field(s ? s->instance_name : "") + ",Error," + csv_field(org.message) + "," + csv_field(org.error_type) +
           "," + csv_field(org.message) + "\n";
  }
  return csv;
}

}  // namespace pushsim::push
