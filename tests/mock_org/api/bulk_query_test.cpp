// The read endpoints real clients use besides the REST query: query?columns=true (the Salesforce CLI), Bulk API 2.0
// query jobs paged by Sforce-Locator (sf data export bulk, jsforce, simple-salesforce), Bulk API 1.0 query jobs
// (CumulusCI's push_all), the identity URL (jsforce identity()) and the code of an ineligible-org refusal.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "api_fixture.hpp"

using namespace pushsim;
using namespace pushsim::mock_org;
using namespace pushsim::mock_org::api;
using pushsim::mock_org::api::testing::api_world;
using json = nlohmann::json;

namespace {

const std::string v = "/services/data/v62.0";

// Spaces and quotes of a SOQL text escaped for a query string.
std::string encode(std::string_view soql) {
  std::string out;
  for (const char c : soql) {
    if (c == ' ') out += "%20";
    else if (c == '\'') out += "%27";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(QueryColumns, NamesFieldsRelationshipsAndAggregates) {
  api_world w(20);
  const json plain = w.get_json(v + "/query?q=" +
                                encode("SELECT Id, OrgKey, MetadataPackageVersion.Name FROM "
                                       "PackageSubscriber") +
                                "&columns=true");
  ASSERT_EQ(plain["columnMetadata"].size(), 3u) << plain.dump();
  EXPECT_EQ(plain["entityName"], "PackageSubscriber");
  EXPECT_EQ(plain["columnMetadata"][1]["columnName"], "OrgKey");
  EXPECT_EQ(plain["columnMetadata"][2]["columnName"], "MetadataPackageVersion");
  EXPECT_EQ(plain["columnMetadata"][2]["joinColumns"][0]["columnName"], "Name");
  EXPECT_FALSE(plain.contains("records"));
  const json agg = w.get_json(v + "/query?q=" +
                              encode("SELECT COUNT(Id), MAX(OrgKey) k, OrgStatus FROM "
                                     "PackageSubscriber GROUP BY OrgStatus") +
                              "&columns=true");
  ASSERT_EQ(agg["columnMetadata"].size(), 3u) << agg.dump();
  EXPECT_EQ(agg["columnMetadata"][0]["columnName"], "expr0");
  EXPECT_EQ(agg["columnMetadata"][0]["displayName"], "COUNT(Id)");
  EXPECT_EQ(agg["columnMetadata"][0]["aggregate"], true);
  EXPECT_EQ(agg["columnMetadata"][1]["displayName"], "k");
  EXPECT_EQ(agg["columnMetadata"][2]["columnName"], "OrgStatus");
}

TEST(BulkQueryV2, ResultsPageByLocatorUntilNull) {
  api_world w(1100);
  const auto created =
      w.call("POST", v + "/jobs/query",
             json{{"operation", "query"}, {"query", "SELECT Id, OrgKey FROM PackageSubscriber"}}.dump());
  ASSERT_EQ(created.status, 200) << created.body;
  const json job = json::parse(created.body);
  EXPECT_EQ(job["state"], "UploadComplete");
  const json info = w.get_json(v + "/jobs/query/" + job["id"].get<std::string>());
  EXPECT_EQ(info["state"], "JobComplete");
  EXPECT_EQ(info["numberRecordsProcessed"], 1100);
  std::string locator;
  std::size_t rows = 0, pages = 0;
  do {
    const auto page = w.get(v + "/jobs/query/" + job["id"].get<std::string>() + "/results?maxRecords=500" +
                            (locator.empty() ? "" : "&locator=" + locator));
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.body.substr(0, 14), "\"Id\",\"OrgKey\"\n");
    EXPECT_EQ(lines(page.body) - 1, std::stoul(std::string(page.header("Sforce-NumberOfRecords"))));
    rows += lines(page.body) - 1;
    ++pages;
    locator = page.header("Sforce-Locator");
  } while (locator != "null");
  EXPECT_EQ(rows, 1100u);
  EXPECT_EQ(pages, 3u);
  EXPECT_EQ(w.call("DELETE", v + "/jobs/query/" + job["id"].get<std::string>()).status, 204);
  EXPECT_EQ(w.get(v + "/jobs/query/" + job["id"].get<std::string>()).status, 404);
}

TEST(BulkQueryV2, RefusesAggregatesAndBadSoql) {
  api_world w(10);
  EXPECT_EQ(w.call("POST", v + "/jobs/query",
                   json{{"operation", "query"}, {"query", "SELECT COUNT() FROM PackageSubscriber"}}.dump())
                .status,
            400);
  const auto bad =
      w.call("POST", v + "/jobs/query", json{{"operation", "query"}, {"query", "SELECT Nope FROM X"}}.dump());
  EXPECT_EQ(bad.status, 400);
}

TEST(BulkQueryV1, CumulusCiFlowWithSessionHeader) {
  api_world w(30);
  const std::string base = "/services/async/62.0/job";
  rest_request create;
  create.method = "POST";
  create.target = base;
  create.headers = {{"X-SFDC-Session", "tok"}, {"Content-Type", "application/xml"}};
  create.body =
      R"(<?xml version="1.0"?><jobInfo xmlns="http://www.force.com/2009/06/asyncapi/dataload">)"
      "<operation>query</operation><object>PackageSubscriber</object><contentType>CSV</contentType></jobInfo>";
  const auto job = w.api->respond(create).response;
  ASSERT_EQ(job.status, 201) << job.body;
  const auto id_at = job.body.find("<id>") + 4;
  const std::string job_id = job.body.substr(id_at, 18);
  const auto batch = w.call("POST", base + "/" + job_id + "/batch", "SELECT Id, OrgKey FROM PackageSubscriber",
                            {{"Content-Type", "text/csv"}});
  ASSERT_EQ(batch.status, 201) << batch.body;
  const std::string batch_id = batch.body.substr(batch.body.find("<id>") + 4, 18);
  EXPECT_NE(w.get(base + "/" + job_id + "/batch").body.find("<state>Completed</state>"), std::string::npos);
  EXPECT_NE(w.get(base + "/" + job_id).body.find("<numberBatchesCompleted>1</numberBatchesCompleted>"),
            std::string::npos);
  const auto list = w.get(base + "/" + job_id + "/batch/" + batch_id + "/result");
  const std::string result_id = list.body.substr(list.body.find("<result>") + 8, 18);
  const auto csv = w.get(base + "/" + job_id + "/batch/" + batch_id + "/result/" + result_id);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(lines(csv.body), 31u);
  const auto closed = w.call("POST", base + "/" + job_id, "<jobInfo><state>Closed</state></jobInfo>");
  EXPECT_NE(closed.body.find("<state>Closed</state>"), std::string::npos);
  rest_request anonymous = create;
  anonymous.headers = {{"Content-Type", "application/xml"}};
  EXPECT_EQ(w.api->respond(anonymous).response.status, 401);
}

TEST(Identity, VersionRootNamesTheIdentityUrlWhichAnswers) {
  api_world w(5);
  const json root = w.get_json(v);
  const std::string url = root["identity"];
  const std::string path = url.substr(url.find("/id/"));
  const json id = w.get_json(path);
  EXPECT_EQ(id["organization_id"], "00D000000000PSHAAA");
  EXPECT_EQ(id["id"], url);
}

TEST(IneligibleOrg, RefusedWithInvalidOperation) {
  api_world w(5);
  const std::string req = w.new_request();
  // Every org of the fixture is on 2.3.1: a request for 2.4.0 takes them; one for 2.3.1 refuses them.
  const auto same =
      w.call("POST", v + "/sobjects/PackagePushRequest", json{{"PackageVersionId", w.version_id(2, 3, 1)}}.dump());
  ASSERT_EQ(same.status, 201) << same.body;
  const std::string same_req = json::parse(same.body)["id"];
  const std::string key = w.pop.key(0).str();
  const auto one = w.call("POST", v + "/sobjects/PackagePushJob",
                          json{{"PackagePushRequestId", same_req}, {"SubscriberOrganizationKey", key}}.dump());
  EXPECT_EQ(one.status, 400);
  EXPECT_EQ(json::parse(one.body)[0]["errorCode"], "INVALID_OPERATION") << one.body;
  const auto tree = w.call("POST", v + "/composite/tree/PackagePushJob",
                           json{{"records",
                                 {{{"attributes", {{"type", "PackagePushJob"}, {"referenceId", "r1"}}},
                                   {"PackagePushRequestId", same_req},
                                   {"SubscriberOrganizationKey", key}}}}}
                               .dump());
  EXPECT_EQ(json::parse(tree.body)["results"][0]["errors"][0]["statusCode"], "INVALID_OPERATION") << tree.body;
  // One wording on both endpoints, in the words of the push upgrade documentation.
  const std::string said = json::parse(one.body)[0]["message"];
  EXPECT_EQ(said, "The organization " + key +
                      " isn't eligible for this push upgrade: it must have a package version "
                      "installed that is lower than 2.3.1.");
  EXPECT_EQ(json::parse(tree.body)["results"][0]["errors"][0]["message"], said);
  EXPECT_EQ(w.call("POST", v + "/sobjects/PackagePushJob",
                   json{{"PackagePushRequestId", req}, {"SubscriberOrganizationKey", key}}.dump())
                .status,
            201);
}

TEST(DuplicateJob, NamesTheExistingJobOrUnknownInTheSameBatch) {
  api_world w(5);
  const std::string req = w.new_request();
  const std::string key = w.pop.key(0).str();
  const auto first = w.call("POST", v + "/sobjects/PackagePushJob",
                            json{{"PackagePushRequestId", req}, {"SubscriberOrganizationKey", key}}.dump());
  ASSERT_EQ(first.status, 201) << first.body;
  const std::string job = json::parse(first.body)["id"];
  const std::string dup_message =
      "duplicate value found: SubscriberOrganizationKey duplicates value on record with id: ";
  const auto again = w.call("POST", v + "/sobjects/PackagePushJob",
                            json{{"PackagePushRequestId", req}, {"SubscriberOrganizationKey", key}}.dump());
  EXPECT_EQ(json::parse(again.body)[0]["errorCode"], "DUPLICATE_VALUE") << again.body;
  EXPECT_EQ(json::parse(again.body)[0]["message"], dup_message + job);
  const auto record = [&](const char* ref, const std::string& org) {
    return json{{"attributes", {{"type", "PackagePushJob"}, {"referenceId", ref}}},
                {"PackagePushRequestId", req},
                {"SubscriberOrganizationKey", org}};
  };
  const std::string other = w.pop.key(1).str();
  const auto tree = w.call("POST", v + "/composite/tree/PackagePushJob",
                           json{{"records", {record("a", key), record("b", other), record("c", other)}}}.dump());
  const json results = json::parse(tree.body)["results"];
  ASSERT_EQ(results.size(), 2u) << tree.body;
  EXPECT_EQ(results[0]["errors"][0]["message"], dup_message + job) << tree.body;
  EXPECT_EQ(results[1]["referenceId"], "c") << tree.body;
  EXPECT_EQ(results[1]["errors"][0]["message"], dup_message + "<unknown>") << tree.body;
}

TEST(Limits, DailyBulkV2QueryJobsCountsCreatedJobs) {
  api_world w(5);
  const auto remaining = [&] { return w.get_json(v + "/limits")["DailyBulkV2QueryJobs"]["Remaining"].get<int>(); };
  EXPECT_EQ(remaining(), 10000);
  std::string id;
  for (int i = 0; i < 2; ++i) {
    const auto created = w.call("POST", v + "/jobs/query",
                                json{{"operation", "query"}, {"query", "SELECT Id FROM PackageSubscriber"}}.dump());
    ASSERT_EQ(created.status, 200) << created.body;
    id = json::parse(created.body)["id"];
  }
  // A refused job is not a job; a deleted one still counts for the day.
  EXPECT_EQ(
      w.call("POST", v + "/jobs/query", json{{"operation", "query"}, {"query", "SELECT Nope FROM X"}}.dump()).status,
      400);
  EXPECT_EQ(w.call("DELETE", v + "/jobs/query/" + id, "").status, 204);
  EXPECT_EQ(remaining(), 9998);
}
