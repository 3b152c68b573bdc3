#include "pushsim/push/open_work.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pushsim::push {
namespace {

namespace sch = pushsim::scheduler;

sch::job_row job(std::string org, std::string status) {
  sch::job_row j;
  j.id = "0DX" + org;
  j.org_key = std::move(org);
  j.status = std::move(status);
  return j;
}

TEST(OpenWork, OpenRequestsAndOrgsWhoseJobDidNotSucceed) {
  std::vector<sch::request_row> requests{{"0DV1", "Created", {}},
                                         {"0DV2", "Succeeded", {}},
                                         {"0DV3", "InProgress", {}},
                                         {"0DV4", "Canceled", {}},
                                         {"0DV5", "Pending", {}}};
  const std::vector<sch::job_row> jobs{job("00Da", "Succeeded"), job("00Db", "Failed"),    job("00Dc", "Pending"),
                                       job("00Dd", "Failed"),    job("00Dd", "Succeeded"), job("00De", "Canceled")};
  const auto w = classify_open_work(requests, jobs);
  ASSERT_EQ(w.open_requests.size(), 3u);
  EXPECT_EQ(w.open_requests[0].id, "0DV1");
  EXPECT_EQ(w.open_requests[1].id, "0DV3");
  EXPECT_EQ(w.open_requests[2].id, "0DV5");
  // 00Da is upgraded, and so is 00Dd (re-pushed after a failure): neither is work under way.
  EXPECT_EQ(adopted_org_keys(w), (std::set<std::string>{"00Db", "00Dc", "00De"}));
  EXPECT_TRUE(classify_open_work({{"0DV2", "Succeeded", {}}}, {job("00Da", "Succeeded")}).empty());
}

TEST(OpenWork, RefusalListsTheFirstTwentyWithCountsAndWhatToDo) {
  open_work w;
  for (int i = 0; i < 25; ++i) w.orgs_with_jobs.emplace("00D" + std::to_string(100 + i), "Failed");
  w.open_requests.push_back({"0DV1", "Created", {}});
  const std::string text = open_work_refusal(w, "04tX");
  EXPECT_NE(text.find("target version 04tX"), std::string::npos);
  EXPECT_NE(text.find("1 open push requests (Created, Pending or InProgress): 0DV1 (Created)"), std::string::npos);
  EXPECT_NE(text.find("25 orgs already have a job"), std::string::npos);
  EXPECT_NE(text.find("00D119 (Failed) ... and 5 more"), std::string::npos) << text;
  EXPECT_EQ(text.find("00D120"), std::string::npos) << "more than 20 listed: " << text;
  EXPECT_NE(text.find("--resume"), std::string::npos);
  EXPECT_NE(text.find("--adopt-open-requests"), std::string::npos);
}

}  // namespace
}  // namespace pushsim::push
