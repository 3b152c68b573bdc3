#include "pushsim/push/failures_csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pushsim/scheduler/rollout.hpp"

namespace pushsim::push {
namespace {

namespace sch = pushsim::scheduler;

TEST(FailuresCsv, OneQuotedRowPerFailedOrg) {
  std::string why;
  std::vector<sch::subscriber> subs{
      *sch::to_subscriber({"00D000000000001", "Acme, Inc", "Production", "Active", "NA45", "i", ""}, why)};
  sch::executor_report rep;
  sch::org_report failed;
  failed.org_key = "00D000000000001";
  failed.state = sch::org_final_state::failed;
  failed.error_type = "ApexTestFailure";
  failed.message = "Test \"x\" failed";
  sch::org_report upgraded;
  upgraded.org_key = "00D000000000002";
  upgraded.state = sch::org_final_state::upgraded;
  rep.orgs = {failed, upgraded};
  EXPECT_EQ(failures_csv_text(rep, subs),
            "OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage\n"
            "00D000000000001,\"Acme, Inc\",Production,Active,NA45,Error,\"Test \"\"x\"\" failed\",ApexTestFailure,"
            "\"Test \"\"x\"\" failed\"\n");
}

TEST(FailuresCsv, RedactedRowsHoldPseudonymsEvenInsideTheMessage) {
  std::string why;
  std::vector<sch::subscriber> subs{
      *sch::to_subscriber({"00D000000000001", "Acme Inc", "Production", "Active", "NA45", "i", ""}, why)};
  sch::executor_report rep;
  sch::org_report failed;
  failed.org_key = "00D000000000001";
  failed.state = sch::org_final_state::failed;
  failed.error_type = "UnclassifiedError";
  failed.message = "Acme Inc: include this ErrorId (00D000000000001)";
  rep.orgs = {failed};
  const redactor r("salt");
  const std::string key = r.org_key("00D000000000001"), name = r.org_name("Acme Inc");
  const std::string message = name + ": include this ErrorId (" + key + ")";
  EXPECT_EQ(failures_csv_text(rep, subs, &r),
            "OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage\n" +
                key + "," + name + ",Production,Active,NA45,Error," + message + ",UnclassifiedError," + message + "\n");
}

}  // namespace
}  // namespace pushsim::push
