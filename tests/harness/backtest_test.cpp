// A backtest's typed inputs: the past request found in an imported history (its orgs and what happened to them,
// what was left out), and the scenario that re-runs it (orgs the request upgraded set back, "always fails" judged
// on earlier pushes only, one wave of exactly the request's orgs); then a small backtest scored end to end.
#include "pushsim/harness/backtest.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "pushsim/harness/scenario_file.hpp"

using namespace pushsim::harness;
namespace mo = pushsim::mock_org;

namespace {

const std::string acme = "00D5g000004AcmE", blue = "00D5g000004BlUe", core = "00D5g000004CoRe";
const std::string gone = "00D5g000004GoNe";  // in the history only
const std::string earlier = "0DV000000000002", request = "0DV000000000001";

// Acme is on 2.3.2 (upgraded by the request), Blue and Core on 2.3.1. An earlier push to 2.3.1 failed Blue and
// Core; the request (to 2.3.2) upgraded Acme, failed Blue on a lock and Core with no error row, failed an org no
// subscriber file lists and canceled one job.
const std::string subscribers_csv =
    "OrgKey,OrgName,OrgType,OrgStatus,InstanceName,ParentOrg,MetadataPackageVersionId,InstalledStatus\n" + acme +
    ",Acme,Production,Active,NA142,,04t5g0000005EEEAA2,i\n" + blue +
    ",Blue,Production,Active,EU45,,04t5g0000004DDDAA2,i\n" + core +
    ",Core,Production,Active,EU45,,04t5g0000004DDDAA2,i\n";
const std::string requests_csv = "Id,PackageVersionId,ScheduledStartTime,Status,StartTime,EndTime\n" + request +
                                 ",04t5g0000005EEEAA2,2026-11-01T02:00:00Z,Failed,,\n" + earlier +
                                 ",04t5g0000004DDDAA2,2026-10-01T02:00:00Z,Failed,,\n";
const std::string jobs_csv =
    "Id,PackagePushRequestId,SubscriberOrganizationKey,Status,StartTime,EndTime\n"
    "0DX000000000001," +
    request + "," + acme +
    ",Succeeded,,\n"
    "0DX000000000002," +
    request + "," + blue +
    ",Failed,,\n"
    "0DX000000000003," +
    request + "," + core +
    ",Failed,,\n"
    "0DX000000000004," +
    request + "," + gone +
    ",Failed,,\n"
    "0DX000000000005," +
    request + "," + gone +
    ",Canceled,,\n"
    "0DX000000000006," +
    earlier + "," + blue +
    ",Failed,,\n"
    "0DX000000000007," +
    earlier + "," + core + ",Failed,,\n";
const std::string errors_csv =
    "PackagePushJobId,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage\n"
    "0DX000000000002,Error,Unable to lock row,LockingFailure,UNABLE_TO_LOCK_ROW\n"
    "0DX000000000006,Error,Internal error,UnclassifiedError,\n"
    "0DX000000000007,Error,Internal error,UnclassifiedError,\n";

const std::string versions_json = R"({"totalSize": 2, "done": true, "records": [
  {"attributes": {"type": "MetadataPackageVersion"}, "Id": "04t5g0000004DDDAA2", "Name": "Rollup 2.3.1",
   "MajorVersion": 2, "MinorVersion": 3, "PatchVersion": 1, "ReleaseState": "Released"},
  {"attributes": {"type": "MetadataPackageVersion"}, "Id": "04t5g0000005EEEAA2", "Name": "Rollup 2.3.2",
   "MajorVersion": 2, "MinorVersion": 3, "PatchVersion": 2, "ReleaseState": "Released"}]})";

class Backtest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pushsim_backtest_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto loaded = load_default_scenario();
    ASSERT_TRUE(loaded.value);
    base_ = std::move(*loaded.value);
    const std::vector<std::string> files = {write("subscribers.csv", subscribers_csv),
                                            write("requests.csv", requests_csv), write("jobs.csv", jobs_csv),
                                            write("errors.csv", errors_csv), write("versions.json", versions_json)};
    std::vector<pushsim::input_error> errors;
    im_ = mo::import_population(files, files, base_.pkg, errors);
    ASSERT_TRUE(im_) << errors.front().to_string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  backtest_request found(std::string_view id) {
    auto r = find_backtest_request(*im_, id);
    EXPECT_TRUE(std::holds_alternative<backtest_request>(r)) << std::get<std::string>(r);
    return std::get<backtest_request>(r);
  }
  const mo::imported_org& org_of(const mo::population_import& im, const std::string& key) {
    for (const auto& o : im.orgs)
      if (o.key.view() == key) return o;
    ADD_FAILURE() << "no org " << key;
    return im.orgs.front();
  }
  std::filesystem::path dir_;
  scenario base_;
  std::optional<mo::population_import> im_;
};

}  // namespace

TEST_F(Backtest, FindsTheRequestsOrgsAndWhatHappenedToThem) {
  const auto r = found(request);
  EXPECT_EQ(r.target, (mo::version_number{2, 3, 2}));
  EXPECT_EQ(pushsim::format_iso8601(r.start), "2026-11-01T02:00:00Z");
  ASSERT_EQ(r.orgs.size(), 3u);
  EXPECT_EQ(r.orgs[0].key.str(), acme);
  EXPECT_FALSE(r.orgs[0].failed);
  EXPECT_TRUE(r.orgs[1].failed);
  EXPECT_EQ(r.orgs[1].error, mo::error_type::locking_failure);
  EXPECT_TRUE(r.orgs[2].failed);
  EXPECT_FALSE(r.orgs[2].error.has_value());
  EXPECT_EQ(r.failed_without_error, 1u);
  EXPECT_EQ(r.orgs_not_imported, 1u);  // Gone's failed job
  EXPECT_EQ(r.jobs_not_ended, 1u);     // Gone's canceled job
  // The 18-character id names the same request.
  const auto sum = mo::id_checksum(request);
  EXPECT_EQ(found(request + std::string(sum.begin(), sum.end())).orgs.size(), 3u);
}

TEST_F(Backtest, AnUnknownRequestNamesTheRequestsThatExist) {
  const auto r = find_backtest_request(*im_, "0DV000000000009");
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  const auto& why = std::get<std::string>(r);
  EXPECT_NE(why.find("no push request 0DV000000000009"), std::string::npos) << why;
  EXPECT_NE(why.find(request), std::string::npos) << why;
  EXPECT_NE(why.find(earlier), std::string::npos) << why;
  const auto bad = find_backtest_request(*im_, "0DX000000000001");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_NE(std::get<std::string>(bad).find("not a PackagePushRequest id"), std::string::npos);
}

TEST_F(Backtest, ScenarioRebuildsTheBaseAsItStoodBeforeTheRequest) {
  const auto r = found(request);
  std::size_t set_back = 0;
  const scenario s = backtest_scenario(base_, *im_, r, set_back);
  const auto& im = *s.population.imported;
  const auto v231 = base_.pkg.find_version({2, 3, 1});
  EXPECT_EQ(set_back, 1u);  // Acme, upgraded by the request
  EXPECT_EQ(org_of(im, acme).installed_version, v231);
  EXPECT_EQ(org_of(im, blue).installed_version, v231);
  // The import pins Blue (failed its last two pushes, the request's included); before the request it had failed
  // one push only, and Acme none (drawn).
  EXPECT_EQ(org_of(*im_, blue).always_fails, std::optional<bool>(true));
  EXPECT_EQ(org_of(im, blue).always_fails, std::optional<bool>(false));
  EXPECT_FALSE(org_of(im, acme).always_fails.has_value());
  EXPECT_EQ(s.population.count, im.orgs.size());
  EXPECT_EQ(s.start, r.start);
  EXPECT_EQ(s.plan.start, r.start);
  EXPECT_TRUE(s.expect.empty());
  EXPECT_EQ(s.plan.retry.max_attempts, 1);
  EXPECT_TRUE(s.plan.windows.quiet_hours.empty());
  ASSERT_EQ(s.plan.waves.size(), 1u);
  EXPECT_EQ(s.plan.waves[0].select.org_keys, (std::vector<std::string>{acme, blue, core}));  // sorted
  EXPECT_TRUE(s.plan.waves[0].select.has_org_list);
  ASSERT_TRUE(s.plan.target.version.has_value());
  EXPECT_EQ(s.plan.target.version->patch, 2);
}

TEST_F(Backtest, ScoresEveryOrgOfTheRequest) {
  const auto r = found(request);
  std::size_t set_back = 0;
  const scenario s = backtest_scenario(base_, *im_, r, set_back);
  const auto result = run_backtest(s, r, backtest_options{12, 2});
  ASSERT_TRUE(result.errors.empty()) << result.errors.front().to_string();
  EXPECT_TRUE(result.invariant_violations.empty());
  ASSERT_EQ(result.orgs.size(), 3u);
  EXPECT_EQ(result.score.failed.actual, 2u);
  bool lock_scored = false;
  for (const auto& t : result.score.failed_by_type)
    lock_scored = lock_scored || (t.name == "LockingFailure" && t.actual == 1);
  EXPECT_TRUE(lock_scored);
  EXPECT_DOUBLE_EQ(result.score.brier, brier_score(result.orgs));
  EXPECT_DOUBLE_EQ(result.score.brier_reference, 2.0 / 3.0 * (1.0 / 3.0));
  // The same seed and replications give the same forecasts whatever the threads.
  const auto again = run_backtest(s, r, backtest_options{12, 1});
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(again.orgs[i].failure_probability, result.orgs[i].failure_probability);
}
