#pragma once
// The failures CSV of a push: one row per failed org, in CumulusCI's push failure report columns
// (OrganizationId, OrgName, OrgType, OrgStatus, InstanceName, ErrorSeverity, ErrorTitle, ErrorType, ErrorMessage).

#include <string>
#include <vector>

#include "pushsim/base/redactor.hpp"
#include "pushsim/scheduler/executor.hpp"
#include "pushsim/scheduler/subscriber.hpp"

namespace pushsim::push {

// The CSV text (header line included) of the failed orgs of report; org details come from subscribers. With a
// redactor, org keys and names (also inside the error messages) are its pseudonyms.
std::string failures_csv_text(const scheduler::executor_report& report,
                              const std::vector<scheduler::subscriber>& subscribers, const redactor* redact = nullptr);

}  // namespace pushsim::push
