#include "pushsim/mock_org/api/api_handler.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "api_fixture.hpp"

using namespace pushsim;
using namespace pushsim::mock_org;
using namespace pushsim::mock_org::api;
using pushsim::mock_org::api::testing::api_world;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {
const std::string v = "/services/data/v62.0";

std::string q(const std::string& soql) {
  std::string out;
  for (char c : soql) out += c == ' ' ? std::string("+") : std::string(1, c);
  return v + "/query?q=" + out;
}

json tree_body(const std::string& req, const std::vector<std::string>& keys) {
  json recs = json::array();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    recs.push_back({{"attributes", {{"type", "PackagePushJob"}, {"referenceId", "ref" + std::to_string(i)}}},
                    {"PackagePushRequestId", req},
                    {"SubscriberOrganizationKey", keys[i]}});
  }
  return {{"records", recs}};
}
}  // namespace

TEST(ApiHandler, VersionsListIsPublicAndWellFormed) {
  api_world w;
  rest_request r{"GET", "/services/data", {}, {}};
  auto resp = w.api->handle(r);
  ASSERT_EQ(resp.status, 200);
  json j = json::parse(resp.body);
  ASSERT_EQ(j.size(), 5u);
  EXPECT_EQ(j.back(), (json{{"label", "Release 62.0"}, {"url", "/services/data/v62.0"}, {"version", "62.0"}}));
  EXPECT_NE(resp.header("Sforce-Limit-Info"), "");
}

TEST(ApiHandler, MissingTokenIs401WithSalesforceBody) {
  api_world w;
  rest_request r{"GET", v + "/limits", {}, {}};
  auto resp = w.api->handle(r);
  EXPECT_EQ(resp.status, 401);
  EXPECT_EQ(resp.body, R"([{"errorCode":"INVALID_SESSION_ID","message":"Session expired or invalid"}])");
}

TEST(ApiHandler, CreateRetrieveAndQueryOneRequest) {
  api_world w;
  auto c =
      w.call("POST", v + "/sobjects/packagepushrequest",
             json{{"PackageVersionId", w.version_id(2, 4, 0)}, {"ScheduledStartTime", "2026-11-19T02:00:00Z"}}.dump());
  ASSERT_EQ(c.status, 201) << c.body;
  json cj = json::parse(c.body);
  const std::string id = cj["id"];
  EXPECT_EQ(cj, (json{{"id", id}, {"success", true}, {"errors", json::array()}}));
  EXPECT_EQ(id.substr(0, 3), "0DV");

  auto g = w.get(v + "/sobjects/PackagePushRequest/" + id + "?fields=status,ScheduledStartTime");
  ASSERT_EQ(g.status, 200) << g.body;
  json gj = json::parse(g.body);
  EXPECT_EQ(gj["Status"], "Created");
  EXPECT_EQ(gj["ScheduledStartTime"], "2026-11-19T02:00:00.000+0000");
  EXPECT_EQ(gj["attributes"]["type"], "PackagePushRequest");

  json qj = w.get_json(q("SELECT Id, Status FROM PackagePushRequest WHERE Id = '" + id + "'"));
  EXPECT_EQ(qj["totalSize"], 1);
  EXPECT_EQ(qj["done"], true);
  EXPECT_FALSE(qj.contains("nextRecordsUrl"));
  EXPECT_EQ(qj["records"][0]["attributes"]["url"], v + "/sobjects/PackagePushRequest/" + id);
  EXPECT_EQ(qj["records"][0]["Status"], "Created");
}

TEST(ApiHandler, QueryAcceptsTrailingSlashAndPercentEncoding) {
  api_world w;
  auto a = w.get(v + "/query/?q=SELECT%20COUNT()%20FROM%20PackageSubscriber");
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(json::parse(a.body)["totalSize"], 200);
}

TEST(ApiHandler, PagesThroughFiveThousandSubscribers) {
  api_world w(5500);
  json page = w.get_json(q("SELECT Id, OrgKey, OrgStatus FROM PackageSubscriber"));
  EXPECT_EQ(page["totalSize"], 5500);
  std::set<std::string> ids;
  int pages = 0;
  for (;;) {
    ++pages;
    for (const auto& rec : page["records"]) ids.insert(rec["Id"].get<std::string>());
    if (page["done"].get<bool>()) break;
    EXPECT_LE(page["records"].size(), 2000u);
    page = w.get_json(page["nextRecordsUrl"].get<std::string>());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids.size(), 5500u);

  // batchSize header
  auto r = w.get(q("SELECT Id FROM PackageSubscriber"), {{"Sforce-Query-Options", "batchSize=500"}});
  json j = json::parse(r.body);
  EXPECT_EQ(j["records"].size(), 500u);
  EXPECT_NE(j["nextRecordsUrl"].get<std::string>().find("-500"), std::string::npos);
}

TEST(ApiHandler, LocatorsExpireOnSimTimeAndWhenTooManyAreOpen) {
  api_config cfg;
  cfg.max_open_locators = 2;
  api_world w(2500, cfg);
  const std::string first = w.get_json(q("SELECT Id FROM PackageSubscriber"))["nextRecordsUrl"];
  EXPECT_EQ(w.get(first).status, 200);
  const std::string a = w.get_json(q("SELECT Id FROM PackageSubscriber"))["nextRecordsUrl"];
  const std::string b = w.get_json(q("SELECT OrgKey FROM PackageSubscriber"))["nextRecordsUrl"];
  const std::string c = w.get_json(q("SELECT OrgName FROM PackageSubscriber"))["nextRecordsUrl"];
  auto evicted = w.get(a);
  EXPECT_EQ(evicted.status, 400);
  EXPECT_EQ(json::parse(evicted.body)[0]["errorCode"], "INVALID_QUERY_LOCATOR");
  EXPECT_EQ(w.get(b).status, 200);
  w.sim.run_until(w.sim.now() + 16min);
  auto expired = w.get(c);
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(json::parse(expired.body)[0]["errorCode"], "INVALID_QUERY_LOCATOR");
}

TEST(ApiHandler, CompositeTreeAllOrNothing) {
  api_world w(300);
  const std::string req = w.new_request();
  std::vector<std::string> keys;
  for (org_index i = 0; i < 3; ++i) keys.push_back(w.pop.key(i).str());
  auto ok = w.call("POST", v + "/composite/tree/PackagePushJob", tree_body(req, keys).dump());
  ASSERT_EQ(ok.status, 201) << ok.body;
  json oj = json::parse(ok.body);
  EXPECT_EQ(oj["hasErrors"], false);
  ASSERT_EQ(oj["results"].size(), 3u);
  EXPECT_EQ(oj["results"][0]["referenceId"], "ref0");
  EXPECT_EQ(oj["results"][0]["id"].get<std::string>().substr(0, 3), "0DX");
  EXPECT_EQ(w.plat->jobs().size(), 3u);

  // second batch: one duplicate -> nothing created
  std::vector<std::string> keys2{w.pop.key(5).str(), w.pop.key(0).str(), w.pop.key(6).str()};
  auto bad = w.call("POST", v + "/composite/tree/PackagePushJob", tree_body(req, keys2).dump());
  ASSERT_EQ(bad.status, 400);
  json bj = json::parse(bad.body);
  EXPECT_EQ(bj["hasErrors"], true);
  ASSERT_EQ(bj["results"].size(), 1u);
  EXPECT_EQ(bj["results"][0]["referenceId"], "ref1");
  EXPECT_EQ(bj["results"][0]["errors"][0]["statusCode"], "DUPLICATE_VALUE");
  EXPECT_EQ(bj["results"][0]["errors"][0]["fields"], json::array({"SubscriberOrganizationKey"}));
  EXPECT_EQ(w.plat->jobs().size(), 3u);

  std::vector<std::string> many;
  for (org_index i = 0; i < 201; ++i) many.push_back(w.pop.key(i).str());
  EXPECT_EQ(w.call("POST", v + "/composite/tree/PackagePushJob", tree_body(req, many).dump()).status, 400);
}

TEST(ApiHandler, CompositeSobjectsBothModes) {
  api_world w;
  const std::string req = w.new_request();
  auto rec = [&](std::string key) {
    return json{{"attributes", {{"type", "PackagePushJob"}}},
                {"PackagePushRequestId", req},
                {"SubscriberOrganizationKey", key}};
  };
  json body = {{"allOrNone", false}, {"records", {rec(w.pop.key(0).str()), rec("00Dbogus"), rec(w.pop.key(1).str())}}};
  auto r = w.call("POST", v + "/composite/sobjects", body.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j[0]["success"], true);
  EXPECT_EQ(j[1]["success"], false);
  EXPECT_EQ(j[1]["errors"][0]["statusCode"], "INVALID_ID_FIELD");
  EXPECT_EQ(j[2]["success"], true);
  EXPECT_EQ(w.plat->jobs().size(), 2u);

  body = {{"allOrNone", true}, {"records", {rec(w.pop.key(2).str()), rec(w.pop.key(0).str())}}};
  r = w.call("POST", v + "/composite/sobjects", body.dump());
  j = json::parse(r.body);
  EXPECT_EQ(j[0]["success"], false);
  EXPECT_EQ(j[0]["errors"][0]["statusCode"], "ALL_OR_NONE_OPERATION_ROLLED_BACK");
  EXPECT_EQ(j[1]["errors"][0]["statusCode"], "DUPLICATE_VALUE");
  EXPECT_EQ(w.plat->jobs().size(), 2u);

  body = {{"allOrNone", true}, {"records", {rec(w.pop.key(2).str()), rec(w.pop.key(3).str())}}};
  j = json::parse(w.call("POST", v + "/composite/sobjects", body.dump()).body);
  EXPECT_EQ(j[0]["success"], true);
  EXPECT_EQ(j[1]["success"], true);
  EXPECT_EQ(w.plat->jobs().size(), 4u);
}

TEST(ApiHandler, StatusTransitionsAndAbortRulesThroughRest) {
  api_config cfg;
  cfg.spaced_status = true;
  api_world w(50, cfg);
  const std::string req = w.new_request();
  std::vector<std::string> keys;
  for (org_index i = 0; i < 20; ++i) keys.push_back(w.pop.key(i).str());
  ASSERT_EQ(w.call("POST", v + "/composite/tree/PackagePushJob", tree_body(req, keys).dump()).status, 201);
  auto p = w.call("PATCH", v + "/sobjects/PackagePushRequest/" + req, R"({"Status":"Pending"})");
  EXPECT_EQ(p.status, 204);
  EXPECT_EQ(p.body, "");
  // jobs can no longer be added
  auto late = w.call("POST", v + "/sobjects/PackagePushJob",
                     json{{"PackagePushRequestId", req}, {"SubscriberOrganizationKey", w.pop.key(30).str()}}.dump());
  EXPECT_EQ(late.status, 400);
  EXPECT_EQ(json::parse(late.body)[0]["errorCode"], "INVALID_OPERATION");
  // run until InProgress
  bool saw_in_progress = false;
  while (w.sim.step()) {
    if (w.plat->request(1).status == push_status::in_progress) {
      saw_in_progress = true;
      break;
    }
  }
  ASSERT_TRUE(saw_in_progress);
  EXPECT_EQ(w.get_json(v + "/sobjects/PackagePushRequest/" + req)["Status"], "In Progress");
  auto abort = w.call("PATCH", v + "/sobjects/PackagePushRequest/" + req, R"({"Status":"Canceled"})");
  EXPECT_EQ(abort.status, 400);
  EXPECT_EQ(json::parse(abort.body)[0]["errorCode"], "INVALID_OPERATION");
  w.sim.run();
  json jobs =
      w.get_json(q("SELECT Id, Status, (SELECT ErrorType FROM PackagePushErrors) FROM PackagePushJob "
                   "WHERE PackagePushRequestId = '" +
                   req + "'"));
  EXPECT_EQ(jobs["totalSize"], 20);
  for (const auto& j : jobs["records"]) {
    EXPECT_TRUE(j["Status"] == "Succeeded" || j["Status"] == "Failed") << j.dump();
    if (j["Status"] == "Failed") {
      EXPECT_FALSE(j["PackagePushErrors"]["records"].empty());
    }
  }
  // abort a Pending request works; its jobs go Canceled
  const std::string r2 = w.new_request();
  ASSERT_EQ(w.call("POST", v + "/sobjects/PackagePushJob",
                   json{{"PackagePushRequestId", r2}, {"SubscriberOrganizationKey", w.pop.key(40).str()}}.dump())
                .status,
            201);
  EXPECT_EQ(w.call("PATCH", v + "/sobjects/PackagePushRequest/" + r2, R"({"Status":"Pending"})").status, 204);
  EXPECT_EQ(w.call("PATCH", v + "/sobjects/PackagePushRequest/" + r2, R"({"Status":"Canceled"})").status, 204);
  json c = w.get_json(q("SELECT Status FROM PackagePushJob WHERE PackagePushRequestId = '" + r2 + "'"));
  EXPECT_EQ(c["records"][0]["Status"], "Canceled");
}

TEST(ApiHandler, BulkIngestFlow) {
  api_world w;
  const std::string req = w.new_request();
  auto c = w.call("POST", v + "/jobs/ingest",
                  R"({"object":"PackagePushJob","operation":"insert","contentType":"CSV","lineEnding":"LF"})");
  ASSERT_EQ(c.status, 200) << c.body;
  json cj = json::parse(c.body);
  EXPECT_EQ(cj["state"], "Open");
  const std::string id = cj["id"];
  std::string csv = "PackagePushRequestId,SubscriberOrganizationKey\n";
  for (org_index i = 0; i < 10; ++i) csv += req + "," + w.pop.key(i).str() + "\n";
  csv += req + ",00Dnotakey\n";
  auto up = w.call("PUT", v + "/jobs/ingest/" + id + "/batches", csv, {{"Content-Type", "text/csv"}});
  rest_request put{"PUT",
                   v + "/jobs/ingest/" + id + "/batches",
                   {{"Authorization", "Bearer tok"}, {"Content-Type", "text/csv"}},
                   csv};
  up = w.api->handle(put);
  ASSERT_EQ(up.status, 201) << up.body;
  auto done = w.call("PATCH", v + "/jobs/ingest/" + id, R"({"state":"UploadComplete"})");
  ASSERT_EQ(done.status, 200) << done.body;
  json info = w.get_json(v + "/jobs/ingest/" + id);
  EXPECT_EQ(info["state"], "JobComplete");
  EXPECT_EQ(info["numberRecordsProcessed"], 11);
  EXPECT_EQ(info["numberRecordsFailed"], 1);
  auto ok = w.get(v + "/jobs/ingest/" + id + "/successfulResults/");
  EXPECT_EQ(ok.body.substr(0, 74), "\"sf__Id\",\"sf__Created\",PackagePushRequestId,SubscriberOrganizationKey\n\"0DX");
  auto failed = w.get(v + "/jobs/ingest/" + id + "/failedResults");
  EXPECT_NE(failed.body.find("INVALID_ID_FIELD"), std::string::npos);
  EXPECT_NE(failed.body.find("00Dnotakey"), std::string::npos);
  EXPECT_EQ(w.plat->jobs().size(), 10u);
  EXPECT_EQ(w.call("DELETE", v + "/jobs/ingest/" + id).status, 204);
  EXPECT_EQ(w.get(v + "/jobs/ingest/" + id).status, 404);
}

TEST(ApiHandler, LimitsHeaderAndDailyBudgetInSimTime) {
  api_config cfg;
  cfg.daily_api_requests_max = 3;
  api_world w(10, cfg);
  auto l = w.get(v + "/limits");
  EXPECT_EQ(json::parse(l.body)["DailyApiRequests"], (json{{"Max", 3}, {"Remaining", 2}}));
  EXPECT_EQ(l.header("Sforce-Limit-Info"), "api-usage=1/3");
  EXPECT_EQ(w.get(v + "/limits").status, 200);
  EXPECT_EQ(w.get(v + "/limits").status, 200);
  auto over = w.get(v + "/limits");
  EXPECT_EQ(over.status, 403);
  EXPECT_EQ(json::parse(over.body)[0]["errorCode"], "REQUEST_LIMIT_EXCEEDED");
  w.sim.run_until(w.sim.now() + 24h + 1min);
  EXPECT_EQ(w.get(v + "/limits").status, 200);
}

TEST(ApiHandler, LoginQueriesAndUserinfo) {
  api_world w;
  auto u = w.get("/services/oauth2/userinfo");
  ASSERT_EQ(u.status, 200);
  json uj = json::parse(u.body);
  EXPECT_EQ(uj["organization_id"], "00D000000000PSHAAA");
  json org =
      w.get_json(q("SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix FROM Organization"));
  EXPECT_EQ(org["totalSize"], 1);
  EXPECT_EQ(org["records"][0]["IsSandbox"], false);
  json user = w.get_json(v + "/sobjects/User/" + uj["user_id"].get<std::string>());
  EXPECT_EQ(user["Username"], "admin@pushsim.example");
  json scratch = w.get_json(q("SELECT Id FROM ScratchOrgInfo WHERE ScratchOrg = '00D000000000PSH'"));
  EXPECT_EQ(scratch["totalSize"], 0);
}

TEST(ApiHandler, DescribeShapes) {
  api_world w;
  json g = w.get_json(v + "/sobjects");
  EXPECT_EQ(g["sobjects"].size(), push_schema().objects().size());
  json d = w.get_json(v + "/sobjects/packagepushjob/describe");
  EXPECT_EQ(d["name"], "PackagePushJob");
  EXPECT_EQ(d["keyPrefix"], "0DX");
  EXPECT_EQ(d["childRelationships"][0]["relationshipName"], "PackagePushErrors");
  bool status_readonly = false;
  for (const auto& f : d["fields"]) {
    if (f["name"] == "Status") status_readonly = f["updateable"] == false && f["createable"] == false;
  }
  EXPECT_TRUE(status_readonly);
}

TEST(ApiHandler, SomethingBadHappenedCreatesNothingAndIsDeterministic) {
  auto run = [](std::uint64_t seed) {
    api_config cfg;
    auto fc = parse_fault_config_text(
        R"({"seed": )" + std::to_string(seed) +
        R"(, "composite": {"something_bad_400": 0.5}, "latency": {"median_ms": 80, "p99_ms": 600}})");
    EXPECT_TRUE(fc.errors.empty());
    cfg.faults = fc.config;
    api_world w(300, cfg);
    const std::string req = w.new_request();
    std::string trace;
    std::size_t created = 0;
    for (int b = 0; b < 20; ++b) {
      std::vector<std::string> keys;
      keys.reserve(10);
      for (int i = 0; i < 10; ++i) keys.push_back(w.pop.key(static_cast<org_index>(b * 10 + i)).str());
      auto a = w.respond("POST", v + "/composite/tree/PackagePushJob", tree_body(req, keys).dump());
      EXPECT_GT(a.latency.count(), 0);
      EXPECT_TRUE(a.response.header("X-Pushsim-Latency-Us").empty());  // typed, never a header on the wire
      const rest_response& r = a.response;
      if (r.status == 400) {
        EXPECT_EQ(
            r.body,
            R"([{"errorCode":"UNKNOWN_EXCEPTION","message":"Something bad has happened. Please verify your input and try again."}])");
        trace += 'F';
      } else {
        EXPECT_EQ(r.status, 201);
        created += 10;
        trace += '.';
      }
      EXPECT_EQ(w.plat->jobs().size(), created);
    }
    return trace;
  };
  const std::string a = run(3);
  EXPECT_EQ(a, run(3));
  EXPECT_NE(a.find('F'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

TEST(ApiHandler, TransportFaultsAreTypedInTheAnswer) {
  api_config cfg;
  cfg.faults = parse_fault_config_text(R"({"query": {"drop": 1.0}})").config;
  api_world w(10, cfg);
  auto a = w.respond("GET", q("SELECT Id FROM PackageSubscriber"));
  EXPECT_EQ(a.fault, wire_fault::drop);
  EXPECT_TRUE(a.response.header("X-Pushsim-Fault").empty());
  EXPECT_EQ(w.respond("GET", "/services/data/v62.0/limits").fault, wire_fault::none);
  EXPECT_EQ(w.api->faults_injected(), 1u);
}

TEST(ApiHandler, SalesforceCliPushUpgradeCallsWork) {
  // What `sf package pushupgrade schedule/report` sends (plugin-packaging): POST .../sobjects/packagepushrequest/
  // with a trailing slash, then Count(Id) and parent-path report queries.
  api_world w;
  auto c =
      w.call("POST", v + "/sobjects/packagepushrequest/",
             json{{"PackageVersionId", w.version_id(2, 4, 0)}, {"ScheduledStartTime", "2026-11-19T02:00:00Z"}}.dump());
  ASSERT_EQ(c.status, 201) << c.body;
  const std::string id = json::parse(c.body)["id"];
  json report =
      w.get_json(q("SELECT PackageVersion.MetadataPackage.Name, PackageVersion.MajorVersion, "
                   "PackageVersion.MetadataPackageId, Id, Status, ScheduledStartTime FROM PackagePushRequest "
                   "WHERE Id = '" +
                   id + "'"));
  ASSERT_EQ(report["totalSize"], 1) << report.dump();
  EXPECT_EQ(report["records"][0]["PackageVersion"]["MajorVersion"], 2);
  EXPECT_EQ(report["records"][0]["PackageVersion"]["MetadataPackage"]["Name"],
            pushsim::mock_org::api::testing::example_pkg().name);
  json count = w.get_json(q("SELECT Count(Id) FROM PackagePushJob WHERE PackagePushRequestId = '" + id + "' "));
  EXPECT_EQ(count["records"][0]["expr0"], 0);
  EXPECT_EQ(w.call("PATCH", v + "/sobjects/packagepushrequest/" + id, R"({"Status":"Pending"})").status, 204);
  EXPECT_EQ(w.get("/" + v + "/limits").status, 200);  // the CLI sometimes sends //services/...
}

TEST(ApiHandler, StatusFiltersAcceptBothSpellings) {
  api_config cfg;
  cfg.spaced_status = true;
  api_world w(20, cfg);
  const std::string req = w.new_request();
  ASSERT_EQ(w.call("POST", v + "/sobjects/PackagePushJob",
                   json{{"PackagePushRequestId", req}, {"SubscriberOrganizationKey", w.pop.key(0).str()}}.dump())
                .status,
            201);
  ASSERT_EQ(w.call("PATCH", v + "/sobjects/PackagePushRequest/" + req, R"({"Status":"Pending"})").status, 204);
  while (w.plat->request(1).status != push_status::in_progress && w.sim.step()) {
  }
  ASSERT_EQ(w.plat->request(1).status, push_status::in_progress);
  EXPECT_EQ(w.get_json(q("SELECT Id FROM PackagePushRequest WHERE Status = 'InProgress'"))["totalSize"], 1);
  EXPECT_EQ(w.get_json(q("SELECT Id FROM PackagePushRequest WHERE Status = 'In Progress'"))["totalSize"], 1);
}

// A batched status poll (one GROUP BY over several requests) answers from the platform's per-request counters:
// the counts must be those of the job rows themselves, for every request, while jobs run and after.
TEST(ApiHandler, BatchedStatusCountsMatchTheJobRows) {
  api_world w(60);
  const std::string a = w.new_request(), b = w.new_request();
  for (std::size_t i = 0; i < 60; ++i) {
    const std::string& req = i % 3 == 0 ? a : b;
    const auto r = w.call("POST", v + "/sobjects/PackagePushJob",
                          json{{"PackagePushRequestId", req},
                               {"SubscriberOrganizationKey", w.plat->orgs().key(static_cast<org_index>(i)).str()}}
                              .dump());
    ASSERT_EQ(r.status, 201) << r.body;
  }
  ASSERT_EQ(w.call("PATCH", v + "/sobjects/PackagePushRequest/" + a, R"({"Status":"Pending"})").status, 204);
  const std::string batched =
      "SELECT PackagePushRequestId, Status, COUNT(Id) FROM PackagePushJob "
      "WHERE PackagePushRequestId IN ('" +
      a + "','" + b + "','" + a + "') GROUP BY PackagePushRequestId, Status";
  for (int step = 0; step < 4; ++step) {
    std::map<std::pair<std::string, std::string>, std::int64_t> counted, rows;
    for (const auto& rec : w.get_json(q(batched))["records"]) {
      counted[{rec["PackagePushRequestId"], rec["Status"]}] += rec["expr0"].get<std::int64_t>();
    }
    for (const auto& rec : w.get_json(q("SELECT PackagePushRequestId, Status FROM PackagePushJob"))["records"]) {
      ++rows[{rec["PackagePushRequestId"], rec["Status"]}];
    }
    EXPECT_EQ(counted, rows) << "step " << step;
    w.sim.run_until(w.sim.now() + 20min);
  }
}
