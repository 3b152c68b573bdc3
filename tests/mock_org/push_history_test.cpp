// The push history the import keeps: requests, jobs, errors and push_fails.csv rows, typed (15-character ids,
// statuses, error types, times), and always_fails taken from each org's last pushes in push order.
#include "pushsim/mock_org/push_history.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pushsim/mock_org/package_json.hpp"
#include "pushsim/mock_org/population_import.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

using namespace pushsim::mock_org;

namespace {

package rollup_package() {
  std::ifstream in(std::string(PUSHSIM_SOURCE_DIR) + "/scenarios/packages/revenue_rollup_dashboard.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto p = parse_package_text(ss.str());
  EXPECT_TRUE(p) << p.error.to_string();
  return *p.value;
}

const std::string acme = "00D5g000004AcmE";
const std::string blue = "00D5g000004BlUe";
const std::string gone = "00D5g000004GoNe";  // in the history only
const std::string req2 = make_id(push_request_prefix, 2);

// Two requests (the second scheduled earlier than the first), Acme failing both, Blue failing the earlier one
// only and an org no subscriber file lists.
const std::string requests_csv =
    "Id,PackageVersionId,ScheduledStartTime,Status,StartTime,EndTime\n" + req2 +
    ",04t5g0000004DDDAA2,2026-10-01T02:00:00.000+0000,Succeeded,2026-10-01T02:00:05.000+0000,\n" +
    "0DV000000000001,04t5g0000001AAAAA2,2026-09-01T02:00:00Z,Failed,,\n";
const std::string jobs_csv =
    "Id,PackagePushRequestId,SubscriberOrganizationKey,Status,StartTime,EndTime\n"
    "0DX000000000001," +
    req2 + "," + acme + ",Failed,,\n" + "0DX000000000002," + req2.substr(0, 15) + "," + blue +
    ",Succeeded,2026-10-01T02:00:09Z,2026-10-01T02:03:00Z\n"
    "0DX000000000003,0DV000000000001," +
    acme + ",Failed,,\n" + "0DX000000000004,0DV000000000001," + blue + ",Failed,,\n" +
    "0DX000000000005,0DV000000000001," + gone + ",Canceled,,\n";
const std::string errors_csv =
    "PackagePushJobId,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage\n"
    "0DX000000000001,Error,Unable to lock row,LockingFailure,UNABLE_TO_LOCK_ROW: unable to obtain exclusive access\n"
    "0DX000000000004,Error,Internal error,UnclassifiedError,\n";
const std::string subscribers_csv = "OrgKey,OrgName,OrgType,OrgStatus,InstanceName\n" + acme +
                                    ",Acme,Production,Active,NA142\n" + blue + ",Blue,Production,Active,EU45\n";

class PushHistoryImport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pushsim_history_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::optional<population_import> import(const std::vector<std::string>& paths) {
    errors_.clear();
    return import_population(paths, paths, pkg_, errors_);
  }
  std::vector<std::string> all_files() {
    return {write("subscribers.csv", subscribers_csv), write("requests.csv", requests_csv), write("jobs.csv", jobs_csv),
            write("errors.csv", errors_csv), std::string(PUSHSIM_SOURCE_DIR) + "/scenarios/data/versions.json"};
  }
  std::filesystem::path dir_;
  package pkg_ = rollup_package();
  std::vector<pushsim::input_error> errors_;
};

const imported_org& org_of(const population_import& im, std::string_view key) {
  for (const auto& o : im.orgs) {
    if (o.key.view() == key) return o;
  }
  ADD_FAILURE() << "no org " << key;
  return im.orgs.front();
}

}  // namespace

TEST(RecordId, EighteenCharactersNormaliseToFifteenAndABadChecksumIsRefused) {
  const std::string id18 = make_id(push_job_prefix, 7);
  const auto id = parse_record_id(push_job_prefix, id18);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->str(), id18.substr(0, 15));
  EXPECT_EQ(parse_record_id(push_job_prefix, id18.substr(0, 15)), id);
  EXPECT_FALSE(parse_record_id(push_job_prefix, id18.substr(0, 15) + "ZZZ"));
  EXPECT_FALSE(parse_record_id(push_request_prefix, id18));
}

TEST_F(PushHistoryImport, RequestsJobsAndErrorsAreKeptTyped) {
  const auto im = import(all_files());
  ASSERT_TRUE(im) << errors_.front().to_string();
  const push_history& h = im->history;
  ASSERT_EQ(h.requests.size(), 2u);
  EXPECT_EQ(h.requests[0].id.str(), req2.substr(0, 15));
  EXPECT_EQ(h.requests[0].version, (version_number{2, 3, 1}));
  EXPECT_EQ(h.requests[0].status, push_status::succeeded);
  EXPECT_EQ(pushsim::format_iso8601(*h.requests[0].start), "2026-10-01T02:00:05Z");
  EXPECT_FALSE(h.requests[0].end);
  EXPECT_EQ(h.requests[1].version, (version_number{1, 0, 0}));
  ASSERT_EQ(h.jobs.size(), 5u);
  EXPECT_EQ(h.jobs[0].request, h.requests[0].id);
  EXPECT_EQ(h.jobs[1].request, h.requests[0].id);
  EXPECT_EQ(h.jobs[1].status, push_status::succeeded);
  EXPECT_EQ(pushsim::format_iso8601(*h.jobs[1].end), "2026-10-01T02:03:00Z");
  EXPECT_EQ(im->orgs[*h.jobs[0].org_index].key.str(), acme);
  EXPECT_EQ(im->orgs[*h.jobs[1].org_index].key.str(), blue);
  EXPECT_EQ(h.jobs[4].org.str(), gone);
  EXPECT_FALSE(h.jobs[4].org_index);  // not a subscriber: left out of the orgs, kept in the history
  ASSERT_EQ(h.errors.size(), 2u);
  EXPECT_EQ(h.errors[0].type, error_type::locking_failure);
  EXPECT_EQ(h.errors[0].title, "Unable to lock row");
  EXPECT_EQ(h.errors[1].type, error_type::unclassified_error);
  EXPECT_EQ(h.errors_by_job()[3], std::vector<std::size_t>{1});
}

TEST_F(PushHistoryImport, AlwaysFailsLooksAtTheLastPushesInScheduledOrder) {
  const auto im = import(all_files());
  ASSERT_TRUE(im) << errors_.front().to_string();
  // Acme failed 2026-09-01 and 2026-10-01; Blue failed 2026-09-01 then succeeded 2026-10-01.
  EXPECT_EQ(org_of(*im, acme).always_fails, true);
  EXPECT_EQ(org_of(*im, blue).always_fails, false);
  EXPECT_EQ(im->summary.orgs_always_failing, 1u);
  const auto outcomes = im->history.outcomes_by_org();
  ASSERT_EQ(outcomes.size(), 2u);  // the canceled job did not end
  EXPECT_EQ(outcomes[1].org.str(), blue);
  EXPECT_EQ(outcomes[1].jobs, (std::vector<std::size_t>{3, 1}));
  EXPECT_EQ(outcomes[1].trailing_failures(im->history), 0u);
}

TEST_F(PushHistoryImport, PushFailsRowsNameTheOrgAndNoRequest) {
  const auto im = import({std::string(PUSHSIM_SOURCE_DIR) + "/scenarios/data/push_fails.csv"});
  ASSERT_TRUE(im);
  ASSERT_EQ(im->history.fails.size(), 2u);
  EXPECT_EQ(im->history.fails[0].org.str(), "00D5g000004HiLl");
  EXPECT_EQ(im->history.fails[0].type, error_type::apex_test_failure);
  EXPECT_EQ(im->history.fails[1].message, "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  EXPECT_TRUE(im->history.jobs.empty());
}

TEST_F(PushHistoryImport, ABadTimeOrIdNamesLineAndColumn) {
  EXPECT_FALSE(import({write("r.csv", "Id,ScheduledStartTime,Status\n0DV000000000001,yesterday,Pending\n")}));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].pointer, "line 2, column 2 (ScheduledStartTime)");
  EXPECT_FALSE(import({write("e.csv", "PackagePushJobId,ErrorType\n0DV000000000001,DeployError\n")}));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].pointer, "line 2, column 1 (PackagePushJobId)");
  EXPECT_NE(errors_[0].message.find("not a push job id"), std::string::npos) << errors_[0].message;
}

TEST(PushHistory, UntimedPushesComeAfterTimedOnesInFileOrder) {
  push_history h;
  const auto key = *parse_org_key(acme);
  const auto job = [&](int n, push_status s, std::optional<pushsim::time_point> start) {
    return push_job_record{*parse_record_id(push_job_prefix, "0DX00000000000" + std::to_string(n)),
                           std::nullopt,
                           key,
                           std::nullopt,
                           s,
                           start,
                           std::nullopt};
  };
  h.jobs.push_back(job(1, push_status::failed, std::nullopt));
  h.jobs.push_back(job(2, push_status::succeeded, pushsim::from_us(2)));
  h.jobs.push_back(job(3, push_status::failed, pushsim::from_us(1)));
  h.jobs.push_back(job(4, push_status::failed, std::nullopt));
  const auto o = h.outcomes_by_org();
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].jobs, (std::vector<std::size_t>{2, 1, 0, 3}));
  EXPECT_EQ(o[0].trailing_failures(h), 2u);
  EXPECT_TRUE(fails_last_pushes(2, 2));
  EXPECT_FALSE(fails_last_pushes(2, 3));
  EXPECT_FALSE(fails_last_pushes(1, 1));  // k below 2 never pins an org
}
