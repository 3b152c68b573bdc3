// Table-driven bad input: every malformed request gets Salesforce's HTTP status and errorCode, and none of them
// changes the platform's state.

#include <gtest/gtest.h>

#include "api_fixture.hpp"
#include "pushsim/mock_org/salesforce_id.hpp"

using namespace pushsim;
using namespace pushsim::mock_org;
using namespace pushsim::mock_org::api;
using pushsim::mock_org::api::testing::api_world;
using json = nlohmann::json;

namespace {
const std::string v = "/services/data/v62.0";

std::string state_digest(const platform& p) {
  std::string d = "requests=" + std::to_string(p.requests().size()) + " jobs=" + std::to_string(p.jobs().size()) + ":";
  for (const auto& r : p.requests()) d += std::string(to_string(r.status)) + ",";
  for (const auto& j : p.jobs()) d += std::string(to_string(j.status)) + ",";
  return d;
}

struct bad_case {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  int status;
  std::string error_code;
  std::string auth = "Bearer tok";
  header_list extra = {};
};
}  // namespace

TEST(ApiBadInput, ThirtyPlusMalformedRequestsLeaveStateUnchanged) {
  api_config cfg;
  cfg.body_bytes_max = 64 * 1024;
  api_world w(50, cfg);
  const std::string req = w.new_request();
  const std::string canceled = w.new_request();
  ASSERT_EQ(w.call("PATCH", v + "/sobjects/PackagePushRequest/" + canceled, R"({"Status":"Canceled"})").status, 204);
  const std::string key0 = w.pop.key(0).str();
  auto job = w.call("POST", v + "/sobjects/PackagePushJob",
                    json{{"PackagePushRequestId", req}, {"SubscriberOrganizationKey", key0}}.dump());
  ASSERT_EQ(job.status, 201);
  const std::string job_id = json::parse(job.body)["id"];
  const std::string ver = w.version_id(2, 4, 0);
  const std::string q = v + "/query?q=";
  const std::string locator = v + "/query/" + make_id("01g", 999) + "-2000";

  const std::vector<bad_case> cases = {
      {"malformed json", "POST", v + "/sobjects/PackagePushRequest", "{bad json", 400, "JSON_PARSER_ERROR"},
      {"array body", "POST", v + "/sobjects/PackagePushRequest", "[1,2]", 400, "JSON_PARSER_ERROR"},
      {"number for id", "POST", v + "/sobjects/PackagePushRequest", R"({"PackageVersionId":5})", 400,
       "JSON_PARSER_ERROR"},
      {"bad datetime", "POST", v + "/sobjects/PackagePushRequest",
       R"({"PackageVersionId":")" + ver + R"(","ScheduledStartTime":"tomorrow"})", 400, "JSON_PARSER_ERROR"},
      {"unknown sobject", "POST", v + "/sobjects/Foo__c", "{}", 404, "NOT_FOUND"},
      {"unknown field", "POST", v + "/sobjects/PackagePushRequest", R"({"Foo":"x"})", 400, "INVALID_FIELD"},
      {"missing field", "POST", v + "/sobjects/PackagePushRequest", "{}", 400, "REQUIRED_FIELD_MISSING"},
      {"malformed version id", "POST", v + "/sobjects/PackagePushRequest", R"({"PackageVersionId":"abc"})", 400,
       "MALFORMED_ID"},
      {"unknown version id", "POST", v + "/sobjects/PackagePushRequest",
       R"({"PackageVersionId":")" + make_id("04t", 99) + R"("})", 400, "INVALID_CROSS_REFERENCE_KEY"},
      {"beta version", "POST", v + "/sobjects/PackagePushRequest",
       R"({"PackageVersionId":")" + w.version_id(2, 5, 0) + R"("})", 400, "FIELD_INTEGRITY_EXCEPTION"},
      {"read-only on create", "POST", v + "/sobjects/PackagePushRequest",
       R"({"PackageVersionId":")" + ver + R"(","Status":"Pending"})", 400, "INVALID_FIELD_FOR_INSERT_UPDATE"},
      {"bad org key", "POST", v + "/sobjects/PackagePushJob",
       R"({"PackagePushRequestId":")" + req + R"(","SubscriberOrganizationKey":"00Dxyz"})", 400, "INVALID_ID_FIELD"},
      {"bad request id", "POST", v + "/sobjects/PackagePushJob",
       R"({"PackagePushRequestId":"0DVbad","SubscriberOrganizationKey":")" + key0 + R"("})", 400, "MALFORMED_ID"},
      {"unknown org", "POST", v + "/sobjects/PackagePushJob",
       R"({"PackagePushRequestId":")" + req + R"(","SubscriberOrganizationKey":"00D999999999999"})", 400,
       "INVALID_CROSS_REFERENCE_KEY"},
      {"duplicate org", "POST", v + "/sobjects/PackagePushJob",
       R"({"PackagePushRequestId":")" + req + R"(","SubscriberOrganizationKey":")" + key0 + R"("})", 400,
       "DUPLICATE_VALUE"},
      {"job to canceled request", "POST", v + "/sobjects/PackagePushJob",
       R"({"PackagePushRequestId":")" + canceled + R"(","SubscriberOrganizationKey":")" + key0 + R"("})", 400,
       "INVALID_OPERATION"},
      {"job status on create", "POST", v + "/sobjects/PackagePushJob",
       R"({"PackagePushRequestId":")" + req + R"(","SubscriberOrganizationKey":")" + w.pop.key(1).str() +
           R"(","Status":"Pending"})",
       400, "INVALID_FIELD_FOR_INSERT_UPDATE"},
      {"not createable", "POST", v + "/sobjects/PackageSubscriber", "{}", 400, "INVALID_TYPE_FOR_OPERATION"},
      {"soql typo at 1", "GET", q + "SELEC+Id+FROM+PackagePushJob", "", 400, "MALFORMED_QUERY"},
      {"soql unknown object", "GET", q + "SELECT+Id+FROM+Foo", "", 400, "INVALID_TYPE"},
      {"soql unknown field", "GET", q + "SELECT+Bogus+FROM+PackagePushJob", "", 400, "INVALID_FIELD"},
      {"soql dangling where", "GET", q + "SELECT+Id+FROM+PackagePushJob+WHERE", "", 400, "MALFORMED_QUERY"},
      {"soql missing literal", "GET", q + "SELECT+Id+FROM+PackagePushJob+WHERE+Status+%3D+", "", 400,
       "MALFORMED_QUERY"},
      {"no q", "GET", v + "/query", "", 400, "MALFORMED_QUERY"},
      {"retrieve bad id", "GET", v + "/sobjects/PackagePushRequest/notanid", "", 404, "NOT_FOUND"},
      {"retrieve unknown id", "GET", v + "/sobjects/PackagePushRequest/" + make_id("0DV", 999), "", 404, "NOT_FOUND"},
      {"retrieve unknown field", "GET", v + "/sobjects/PackagePushRequest/" + req + "?fields=Nope", "", 400,
       "INVALID_FIELD"},
      {"missing token", "GET", v + "/limits", "", 401, "INVALID_SESSION_ID", ""},
      {"wrong token", "GET", v + "/limits", "", 401, "INVALID_SESSION_ID", "Bearer nope"},
      {"patch read-only job status", "PATCH", v + "/sobjects/PackagePushJob/" + job_id, R"({"Status":"Canceled"})", 400,
       "INVALID_FIELD_FOR_INSERT_UPDATE"},
      {"patch read-only request field", "PATCH", v + "/sobjects/PackagePushRequest/" + req,
       R"({"PackageVersionId":")" + ver + R"("})", 400, "INVALID_FIELD_FOR_INSERT_UPDATE"},
      {"illegal transition to Succeeded", "PATCH", v + "/sobjects/PackagePushRequest/" + req,
       R"({"Status":"Succeeded"})", 400, "INVALID_OPERATION"},
      {"illegal transition from Canceled", "PATCH", v + "/sobjects/PackagePushRequest/" + canceled,
       R"({"Status":"Pending"})", 400, "INVALID_OPERATION"},
      {"bad picklist", "PATCH", v + "/sobjects/PackagePushRequest/" + req, R"({"Status":"Bogus"})", 400,
       "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"},
      {"status as number", "PATCH", v + "/sobjects/PackagePushRequest/" + req, R"({"Status":3})", 400,
       "JSON_PARSER_ERROR"},
      {"patch unknown row", "PATCH", v + "/sobjects/PackagePushRequest/" + make_id("0DV", 999),
       R"({"Status":"Pending"})", 404, "NOT_FOUND"},
      {"unknown locator", "GET", locator, "", 400, "INVALID_QUERY_LOCATOR"},
      {"garbage locator", "GET", v + "/query/garbage", "", 400, "INVALID_QUERY_LOCATOR"},
      {"over-long uri", "GET", q + std::string(20000, 'x'), "", 414, "URI_TOO_LONG"},
      {"oversized body", "POST", v + "/sobjects/PackagePushRequest", std::string(70000, ' '), 413,
       "REQUEST_ENTITY_TOO_LARGE"},
      {"huge header",
       "GET",
       v + "/limits",
       "",
       431,
       "REQUEST_HEADER_FIELDS_TOO_LARGE",
       "Bearer tok",
       {{"X-Big", std::string(40000, 'h')}}},
      {"wrong method delete", "DELETE", v + "/sobjects/PackagePushRequest/" + req, "", 405, "METHOD_NOT_ALLOWED"},
      {"wrong method put query", "PUT", v + "/query?q=SELECT+Id+FROM+PackagePushJob", "", 405, "METHOD_NOT_ALLOWED"},
      {"unknown api version", "GET", "/services/data/v12.0/limits", "", 404, "NOT_FOUND"},
      {"unknown resource", "GET", v + "/nothing", "", 404, "NOT_FOUND"},
      {"tree records not array", "POST", v + "/composite/tree/PackagePushJob", R"({"records":5})", 400,
       "JSON_PARSER_ERROR"},
      {"allOrNone not boolean", "POST", v + "/composite/sobjects", R"({"allOrNone":"yes","records":[]})", 400,
       "JSON_PARSER_ERROR"},
      {"bulk wrong object", "POST", v + "/jobs/ingest", R"({"object":"Account","operation":"insert"})", 400,
       "INVALIDJOB"},
      {"bulk unknown job", "PUT", v + "/jobs/ingest/" + make_id("750", 42) + "/batches", "a,b\n", 404, "NOT_FOUND"},
      {"post versions", "POST", "/services/data", "", 405, "METHOD_NOT_ALLOWED"},
  };
  ASSERT_GE(cases.size(), 30u);
  const std::string before = state_digest(*w.plat);
  for (const auto& c : cases) {
    rest_request r;
    r.method = c.method;
    r.target = c.target;
    r.body = c.body;
    if (!c.auth.empty()) r.headers.emplace_back("Authorization", c.auth);
    r.headers.emplace_back("Content-Type", "application/json");
    for (const auto& h : c.extra) r.headers.push_back(h);
    const rest_response resp = w.api->handle(r);
    EXPECT_EQ(resp.status, c.status) << c.name << ": " << resp.body;
    const json j = json::parse(resp.body, nullptr, false);
    ASSERT_TRUE(j.is_array() && !j.empty() && j[0].contains("errorCode")) << c.name << ": " << resp.body;
    EXPECT_EQ(j[0]["errorCode"], c.error_code) << c.name << ": " << resp.body;
    EXPECT_TRUE(j[0]["message"].is_string()) << c.name;
  }
  EXPECT_EQ(state_digest(*w.plat), before);
  auto good = w.get(v + "/query?q=SELECT+Id,+Status+FROM+PackagePushRequest+WHERE+Id+%3D+'" + req + "'");
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(json::parse(good.body)["records"][0]["Status"], "Created");
}
