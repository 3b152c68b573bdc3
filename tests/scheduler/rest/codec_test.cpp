#include "pushsim/scheduler/rest/codec.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "pushsim/base/url_text.hpp"
#include "pushsim/scheduler/rest/soql.hpp"

using namespace pushsim;
using namespace pushsim::scheduler;
using namespace pushsim::scheduler::rest;
using nlohmann::json;

namespace {

rest_response resp(int status, std::string body) {
  rest_response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string soql_of(const rest_request& r) {
  const auto pos = r.target.find("?q=");
  EXPECT_NE(pos, std::string::npos) << r.target;
  return url_decode(r.target.substr(pos + 3));
}

}  // namespace

TEST(Codec, EncodesCreateRequest) {
  codec c({"v61.0"});
  const auto r = c.encode(create_push_request{"04tABC", parse_iso8601("2026-11-23T01:02:03Z").time.value()});
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/services/data/v61.0/sobjects/PackagePushRequest");
  const auto j = json::parse(r.body);
  EXPECT_EQ(j["PackageVersionId"], "04tABC");
  EXPECT_EQ(j["ScheduledStartTime"], "2026-11-23T01:02:03.000+0000");
  const auto res = c.decode(create_push_request{}, resp(201, R"({"id":"0DV000000000001","success":true,"errors":[]})"));
  ASSERT_TRUE(std::holds_alternative<request_created>(res));
  EXPECT_EQ(std::get<request_created>(res).id, "0DV000000000001");
}

TEST(Codec, CompositeTreeRoundTrip) {
  codec c;
  const add_jobs call{"0DV1", {"00DA", "00DB", "00DC"}, job_creation_mode::composite_tree};
  const auto r = c.encode(call);
  EXPECT_EQ(r.target, "/services/data/v60.0/composite/tree/PackagePushJob");
  const auto j = json::parse(r.body);
  ASSERT_EQ(j["records"].size(), 3u);
  EXPECT_EQ(j["records"][1]["attributes"]["type"], "PackagePushJob");
  EXPECT_EQ(j["records"][1]["attributes"]["referenceId"], "ref2");
  EXPECT_EQ(j["records"][1]["PackagePushRequestId"], "0DV1");
  EXPECT_EQ(j["records"][1]["SubscriberOrganizationKey"], "00DB");

  const auto ok = c.decode(call, resp(201, R"({"hasErrors":false,"results":[
      {"referenceId":"ref1","id":"0DX1"},{"referenceId":"ref2","id":"0DX2"},{"referenceId":"ref3","id":"0DX3"}]})"));
  ASSERT_TRUE(std::holds_alternative<jobs_added>(ok));
  const auto& oks = std::get<jobs_added>(ok).outcomes;
  ASSERT_EQ(oks.size(), 3u);
  EXPECT_EQ(oks[2].kind, job_outcome::kind_t::created);
  EXPECT_EQ(oks[2].job_id, "0DX3");
  EXPECT_EQ(oks[2].org_key, "00DC");

  // All or nothing: one ineligible org and one duplicate fail the batch; the rest were not processed.
  const auto bad = c.decode(call, resp(400, R"({"hasErrors":true,"results":[
      {"referenceId":"ref1","errors":[{"statusCode":"INVALID_OPERATION","message":"Ineligible: the org is Inactive","fields":[]}]},
      {"referenceId":"ref3","errors":[{"statusCode":"DUPLICATE_VALUE","message":"duplicate value found","fields":["SubscriberOrganizationKey"]}]}]})"));
  ASSERT_TRUE(std::holds_alternative<jobs_added>(bad));
  const auto& o = std::get<jobs_added>(bad).outcomes;
  EXPECT_EQ(o[0].kind, job_outcome::kind_t::ineligible);
  EXPECT_EQ(o[0].message, "Ineligible: the org is Inactive");
  EXPECT_EQ(o[1].kind, job_outcome::kind_t::not_processed);
  EXPECT_EQ(o[2].kind, job_outcome::kind_t::duplicate);
}

TEST(Codec, SobjectCollectionsRoundTrip) {
  codec c;
  const add_jobs call{"0DV1", {"00DA", "00DB", "bad"}, job_creation_mode::sobject_collections};
  const auto r = c.encode(call);
  EXPECT_EQ(r.target, "/services/data/v60.0/composite/sobjects");
  const auto j = json::parse(r.body);
  EXPECT_EQ(j["allOrNone"], false);
  EXPECT_EQ(j["records"].size(), 3u);
  EXPECT_FALSE(j["records"][0]["attributes"].contains("referenceId"));
  const auto res = c.decode(call, resp(200, R"([
      {"id":"0DX1","success":true,"errors":[]},
      {"success":false,"errors":[{"statusCode":"UNKNOWN_EXCEPTION","message":"Something bad has happened.","fields":[]}]},
      {"success":false,"errors":[{"statusCode":"INVALID_ID_FIELD","message":"invalid organization key","fields":[]}]}])"));
  const auto& o = std::get<jobs_added>(res).outcomes;
  EXPECT_EQ(o[0].kind, job_outcome::kind_t::created);
  EXPECT_EQ(o[1].kind, job_outcome::kind_t::transient);
  EXPECT_EQ(o[2].kind, job_outcome::kind_t::invalid_key);
}

TEST(Codec, PatchAndErrors) {
  codec c;
  const patch_request_status call{"0DV1", "Canceled"};
  const auto r = c.encode(call);
  EXPECT_EQ(r.method, "PATCH");
  EXPECT_EQ(r.target, "/services/data/v60.0/sobjects/PackagePushRequest/0DV1");
  EXPECT_EQ(json::parse(r.body)["Status"], "Canceled");
  EXPECT_TRUE(std::holds_alternative<status_patched>(c.decode(call, resp(204, ""))));
  const auto e = std::get<api_error>(c.decode(
      call,
      resp(400, R"([{"message":"Cannot cancel a request InProgress","errorCode":"INVALID_OPERATION","fields":[]}])")));
  EXPECT_EQ(e.kind, api_error::kind_t::permanent);
  EXPECT_EQ(e.error_code, "INVALID_OPERATION");
  EXPECT_EQ(e.http_status, 400);
}

TEST(Codec, ClassifiesTransientErrors) {
  codec c;
  const create_push_request call{"04t", {}};
  auto kind = [&](int status, const std::string& body) {
    return std::get<api_error>(c.decode(call, resp(status, body))).kind;
  };
  using k = api_error::kind_t;
  EXPECT_EQ(kind(0, "timeout after 30 s"), k::transport);
  EXPECT_EQ(kind(503, "<html>Service Unavailable</html>"), k::transient);
  EXPECT_EQ(kind(500, R"([{"message":"An unexpected error occurred","errorCode":"UNKNOWN_EXCEPTION"}])"), k::transient);
  EXPECT_EQ(
      kind(
          400,
          R"([{"message":"Something bad has happened. Please verify your input and try again.","errorCode":"INVALID_INPUT"}])"),
      k::transient);
  EXPECT_EQ(kind(400, R"([{"message":"x","errorCode":"UNKNOWN_EXCEPTION"}])"), k::transient);
  EXPECT_EQ(kind(403, R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])"),
            k::limit_exceeded);
  EXPECT_EQ(kind(401, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])"), k::permanent);
  EXPECT_EQ(kind(404, R"([{"message":"not found","errorCode":"NOT_FOUND"}])"), k::permanent);
  // A success status with a body that is not what Salesforce sends is retried, not trusted.
  const auto malformed = std::get<api_error>(c.decode(call, resp(201, "{\"id\":")));
  EXPECT_EQ(malformed.kind, k::transient);
  EXPECT_EQ(malformed.error_code, "MALFORMED_RESPONSE");
}

TEST(Codec, StatusCountQueryIsOneGroupBy) {
  codec c;
  const query_request_status_counts call{{"0DV'1"}};
  const auto r = c.encode(call);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target.rfind("/services/data/v60.0/query?q=", 0), 0u);
  EXPECT_EQ(soql_of(r),
            R"(SELECT Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = '0DV\'1' GROUP BY Status)");
  const auto res = c.decode(call, resp(200, R"({"totalSize":2,"done":true,"records":[
      {"attributes":{"type":"AggregateResult"},"Status":"Succeeded","expr0":17},
      {"attributes":{"type":"AggregateResult"},"Status":"Failed","expr0":3}]})"));
  const auto& p = std::get<status_counts_page>(res);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].request_id, "0DV'1");
  EXPECT_EQ(p.rows[0].status, "Succeeded");
  EXPECT_EQ(p.rows[0].count, 17);
  const auto multi = c.encode(query_request_status_counts{{"a", "b"}});
  EXPECT_NE(soql_of(multi).find("IN ('a','b') GROUP BY PackagePushRequestId, Status"), std::string::npos);
}

TEST(Codec, IncrementalJobFetchBoundsEndTimeRoundedDownToWholeSeconds) {
  codec c;
  query_jobs call{{"0DV1"}, {"Failed"}, false, std::nullopt};
  call.ended_at_or_after = parse_iso8601("2026-11-23T01:20:30.250Z").time;
  EXPECT_EQ(soql_of(c.encode(call)),
            "SELECT Id, PackagePushRequestId, SubscriberOrganizationKey, Status, StartTime, EndTime "
            "FROM PackagePushJob WHERE PackagePushRequestId = '0DV1' AND Status = 'Failed' "
            "AND EndTime >= 2026-11-23T01:20:30Z ORDER BY Id");
}

TEST(Codec, FailedJobsWithErrorsThroughAChildSubqueryAndPaging) {
  codec c;
  const query_jobs call{{"0DV1"}, {"Failed"}, true, std::nullopt};
  EXPECT_EQ(soql_of(c.encode(call)),
            "SELECT Id, PackagePushRequestId, SubscriberOrganizationKey, Status, StartTime, EndTime, "
            "(SELECT ErrorSeverity, ErrorType, ErrorTitle, ErrorMessage FROM PackagePushErrors) "
            "FROM PackagePushJob WHERE PackagePushRequestId = '0DV1' AND Status = 'Failed' ORDER BY Id");
  const auto res = c.decode(call, resp(200, R"({"totalSize":3000,"done":false,
      "nextRecordsUrl":"/services/data/v60.0/query/01gXX-2000","records":[
      {"attributes":{"type":"PackagePushJob","url":"/x"},"Id":"0DX1","PackagePushRequestId":"0DV1",
       "SubscriberOrganizationKey":"00DA","Status":"Failed","StartTime":"2026-11-23T01:00:00.000+0000",
       "EndTime":"2026-11-23T01:20:30.250+0000","PackagePushErrors":{"totalSize":2,"done":true,"records":[
         {"attributes":{"type":"PackagePushError"},"ErrorSeverity":"Error","ErrorType":"ApexTestFailure",
          "ErrorTitle":"Apex test failure","ErrorMessage":"System.AssertException"},
         {"attributes":{"type":"PackagePushError"},"ErrorSeverity":"Warning","ErrorType":"DeployError",
          "ErrorTitle":"t","ErrorMessage":"m"}]}},
      {"attributes":{"type":"PackagePushJob"},"Id":"0DX2","PackagePushRequestId":"0DV1",
       "SubscriberOrganizationKey":"00DB","Status":"Failed","StartTime":null,"PackagePushErrors":null}]})"));
  const auto& p = std::get<jobs_page>(res);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.next_locator, "/services/data/v60.0/query/01gXX-2000");
  ASSERT_EQ(p.rows[0].errors.size(), 2u);
  EXPECT_EQ(p.rows[0].errors[0].type, "ApexTestFailure");
  EXPECT_EQ(p.rows[0].errors[0].message, "System.AssertException");
  EXPECT_EQ(p.rows[0].start_time, parse_iso8601("2026-11-23T01:00:00Z").time);
  EXPECT_EQ(p.rows[0].end_time, parse_iso8601("2026-11-23T01:20:30.25Z").time);
  EXPECT_TRUE(p.rows[1].errors.empty());
  EXPECT_FALSE(p.rows[1].start_time);
  EXPECT_FALSE(p.rows[1].end_time);

  const query_more more{p.next_locator, query_kind::jobs, true};
  const auto mr = c.encode(more);
  EXPECT_EQ(mr.method, "GET");
  EXPECT_EQ(mr.target, "/services/data/v60.0/query/01gXX-2000");
  const auto last = c.decode(more, resp(200, R"({"totalSize":3000,"done":true,"records":[]})"));
  EXPECT_TRUE(std::get<jobs_page>(last).next_locator.empty());
  EXPECT_EQ(c.encode(query_more{"01gYY-4000", query_kind::jobs, false}).target,
            "/services/data/v60.0/query/01gYY-4000");
}

TEST(Codec, RequestsAndSubscribersQueries) {
  codec c;
  const query_requests_for_version call{"04tX"};
  EXPECT_EQ(
      soql_of(c.encode(call)),
      "SELECT Id, Status, ScheduledStartTime FROM PackagePushRequest WHERE PackageVersionId = '04tX' ORDER BY Id");
  const auto res = c.decode(call, resp(200, R"({"totalSize":1,"done":true,"records":[
      {"attributes":{"type":"PackagePushRequest"},"Id":"0DV1","Status":"Created","ScheduledStartTime":"2026-11-23T01:02:03.000+0000"}]})"));
  const auto& p = std::get<requests_page>(res);
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].status, "Created");
  EXPECT_EQ(p.rows[0].scheduled_start, parse_iso8601("2026-11-23T01:02:03Z").time);
  const query_subscribers sub{"033P"};
  EXPECT_NE(soql_of(c.encode(sub)).find("FROM PackageSubscriber WHERE MetadataPackageId = '033P'"), std::string::npos);
  const auto s =
      c.decode(sub, resp(200, R"({"totalSize":4100,"done":true,"records":[{"attributes":{"type":"PackageSubscriber"},
      "OrgKey":"00DA","OrgName":"Acme","OrgType":"Production","OrgStatus":"Active","InstanceName":"NA12",
      "InstalledStatus":"i","MetadataPackageVersionId":"04tOLD"}]})"));
  EXPECT_EQ(std::get<subscribers_page>(s).rows[0].instance_name, "NA12");
  EXPECT_EQ(std::get<subscribers_page>(s).total_size, 4100);
}

TEST(Codec, SplitsLongInListsUnderTheUriLimit) {
  codec c({"v60.0", 2048});
  std::vector<std::string> ids;
  ids.reserve(400);
  for (int i = 0; i < 400; ++i) ids.push_back("0DV0000000" + std::to_string(100000 + i));
  const auto calls = c.split_call(query_jobs{ids, {"Failed", "Canceled"}, true, std::nullopt});
  ASSERT_GT(calls.size(), 1u);
  std::vector<std::string> back;
  for (const auto& call : calls) {
    const auto r = c.encode(call);
    EXPECT_LE(r.target.size(), 2048u);
    const auto& q = std::get<query_jobs>(call);
    EXPECT_EQ(q.statuses.size(), 2u);
    back.insert(back.end(), q.request_ids.begin(), q.request_ids.end());
  }
  EXPECT_EQ(back, ids);
  EXPECT_EQ(c.split_call(query_jobs{{"a"}, {}, false, std::nullopt}).size(), 1u);
  EXPECT_EQ(c.split_call(create_push_request{"04t", {}}).size(), 1u);
}
