// Evaluating SOQL over an in-memory data source: filters, NULLs, ordering, paging, aggregates, relationship
// paths, child subqueries, index use, and the JSON Salesforce clients see.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "pushsim/mock_org/api/memory_data_source.hpp"
#include "pushsim/mock_org/api/schema.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"
#include "pushsim/mock_org/api/soql_json.hpp"

namespace pushsim::mock_org::api {
namespace {

std::string make_id(const char* prefix, int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%012dAAA", prefix, n);
  return buf;
}

time_point at(const char* iso) { return *parse_iso8601(iso).time; }

class SoqlEval : public ::testing::Test {
 protected:
  SoqlEval() : ds_(push_schema()) {
    ds_.add(
        "MetadataPackage",
        {{"Id", make_id("033", 1)}, {"Name", std::string("Acme Billing")}, {"NamespacePrefix", std::string("acme")}});
    ds_.add("MetadataPackageVersion", {{"Id", make_id("04t", 1)},
                                       {"Name", std::string("Spring")},
                                       {"MetadataPackageId", make_id("033", 1)},
                                       {"MajorVersion", std::int64_t{2}},
                                       {"MinorVersion", std::int64_t{3}},
                                       {"ReleaseState", std::string("Released")},
                                       {"IsDeprecated", false}});
    ds_.add("MetadataPackageVersion", {{"Id", make_id("04t", 2)},
                                       {"Name", std::string("Summer")},
                                       {"MetadataPackageId", make_id("033", 1)},
                                       {"MajorVersion", std::int64_t{2}},
                                       {"MinorVersion", std::int64_t{4}},
                                       {"ReleaseState", std::string("Released")},
                                       {"IsDeprecated", false}});
    ds_.add("PackagePushRequest", {{"Id", make_id("0DV", 1)},
                                   {"PackageVersionId", make_id("04t", 2)},
                                   {"Status", std::string("InProgress")},
                                   {"ScheduledStartTime", at("2026-11-23T10:00:00Z")}});
    ds_.add("PackagePushRequest",
            {{"Id", make_id("0DV", 2)}, {"PackageVersionId", make_id("04t", 2)}, {"Status", std::string("Created")}});
    const char* statuses[] = {"Succeeded", "Failed", "Failed", "Pending", "Succeeded", "InProgress"};
    const char* starts[] = {"2026-11-23T10:05:00Z", "2026-11-23T10:01:00Z", nullptr, nullptr,
                            "2026-11-23T10:03:00Z", "2026-11-23T10:02:00Z"};
    for (int i = 0; i < 6; ++i) {
      std::vector<std::pair<std::string_view, value>> f = {{"Id", make_id("0DX", i + 1)},
                                                           {"PackagePushRequestId", make_id("0DV", 1)},
                                                           {"SubscriberOrganizationKey", make_id("00D", i + 1)},
                                                           {"Status", std::string(statuses[i])},
                                                           {"DurationSeconds", std::int64_t{(i + 1) * 10}}};
      if (starts[i] != nullptr) f.emplace_back("StartTime", at(starts[i]));
      ds_.add("PackagePushJob", std::move(f));
    }
    ds_.add("PackagePushJob", {{"Id", make_id("0DX", 7)},
                               {"PackagePushRequestId", make_id("0DV", 2)},
                               {"SubscriberOrganizationKey", make_id("00D", 7)},
                               {"Status", std::string("Created")}});
    ds_.add("PackagePushError", {{"Id", make_id("0DY", 1)},
                                 {"PackagePushJobId", make_id("0DX", 2)},
                                 {"ErrorType", std::string("ApexTestFailure")},
                                 {"ErrorSeverity", std::string("Error")},
                                 {"ErrorTitle", std::string("Test failed")},
                                 {"ErrorMessage", std::string("Assertion \"x\" failed\n at line 3")}});
    ds_.add("PackagePushError", {{"Id", make_id("0DY", 2)},
                                 {"PackagePushJobId", make_id("0DX", 2)},
                                 {"ErrorType", std::string("DeployError")},
                                 {"ErrorSeverity", std::string("Error")}});
    ds_.add("PackagePushError", {{"Id", make_id("0DY", 3)},
                                 {"PackagePushJobId", make_id("0DX", 3)},
                                 {"ErrorType", std::string("LimitExceeded")},
                                 {"ErrorSeverity", std::string("Error")}});
    const char* names[] = {"Acme Corp", "acme_west", "Globex", "Initech", "ACME%East", "Umbrella"};
    const char* org_status[] = {"Active", "Active", "Trial", "Inactive", "Active", "Demo"};
    for (int i = 0; i < 6; ++i) {
      std::vector<std::pair<std::string_view, value>> f = {{"Id", make_id("0Hf", i + 1)},
                                                           {"OrgKey", make_id("00D", i + 1)},
                                                           {"OrgName", std::string(names[i])},
                                                           {"OrgStatus", std::string(org_status[i])},
                                                           {"OrgType", std::string(i % 2 ? "Sandbox" : "Production")},
                                                           {"MetadataPackageVersionId", make_id("04t", i < 3 ? 1 : 2)}};
      if (i % 2) f.emplace_back("ParentOrg", make_id("00D", i));
      ds_.add("PackageSubscriber", std::move(f));
    }
  }

  query_result run(const std::string& q) {
    auto c = prepare_soql(q, push_schema());
    if (auto* e = std::get_if<soql_error>(&c)) {
      ADD_FAILURE() << q << ": " << e->message;
      return {};
    }
    auto compiled = std::get<std::shared_ptr<const compiled_query>>(c);
    eval_stats stats;
    query_result r = evaluate_soql(compiled, ds_, &stats);
    last_used_index_ = stats.used_index;
    last_rows_examined_ = stats.rows_examined;
    // The index is an optimisation only: a full scan must give the very same JSON.
    std::string a, b;
    render_query_result(r, "62.0", a);
    render_query_result(evaluate_soql_scan(compiled, ds_), "62.0", b);
    EXPECT_EQ(a, b) << q;
    return r;
  }
  std::string json(const std::string& q) {
    std::string out;
    render_query_result(run(q), "62.0", out);
    return out;
  }
  // Values of the first column of every record, rendered.
  std::vector<std::string> column(const std::string& q, std::size_t col = 0) {
    std::vector<std::string> out;
    for (const auto& rec : run(q).records) {
      std::string s;
      append_json_value(rec.cells[col].scalar, s);
      out.push_back(s);
    }
    return out;
  }

  memory_data_source ds_;
  bool last_used_index_ = false;
  std::uint64_t last_rows_examined_ = 0;
};

using strings = std::vector<std::string>;

TEST_F(SoqlEval, RendersSalesforceJsonWithCanonicalFieldNames) {
  EXPECT_EQ(json("select id, STATUS, starttime, durationseconds from packagepushjob where id = '0DX000000000001AAA'"),
            "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"PackagePushJob\",\"url\":"
            "\"/services/data/v62.0/sobjects/PackagePushJob/0DX000000000001AAA\"},\"Id\":\"0DX000000000001AAA\","
            "\"Status\":\"Succeeded\",\"StartTime\":\"2026-11-23T10:05:00.000+0000\",\"DurationSeconds\":10}]}");
  EXPECT_TRUE(last_used_index_);
  EXPECT_EQ(last_rows_examined_, 1u);
}

TEST_F(SoqlEval, EscapesStringsInJson) {
  EXPECT_EQ(json("SELECT ErrorMessage FROM PackagePushError WHERE Id = '0DY000000000001AAA'"),
            "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"PackagePushError\",\"url\":"
            "\"/services/data/v62.0/sobjects/PackagePushError/0DY000000000001AAA\"},"
            "\"ErrorMessage\":\"Assertion \\\"x\\\" failed\\n at line 3\"}]}");
}

TEST_F(SoqlEval, FiltersWithEqualityCaseInsensitiveForText) {
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob WHERE Status = 'failed'"),
            (strings{"\"0DX000000000002AAA\"", "\"0DX000000000003AAA\""}));
  EXPECT_TRUE(last_used_index_);
  // Ids compare exactly.
  EXPECT_TRUE(column("SELECT Id FROM PackagePushJob WHERE Id = '0dx000000000002aaa'").empty());
}

TEST_F(SoqlEval, FifteenCharacterIdsMatchTheirEighteenCharacterForm) {
  EXPECT_EQ(salesforce_id18("0DX000000000001"), "0DX000000000001GAA");
  EXPECT_EQ(salesforce_id18("001A0000006Vm9r"), "001A0000006Vm9rIAC");
  ds_.add("PackagePushJob", {{"Id", std::string("0DX000000000001GAA")}, {"Status", std::string("Created")}});
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob WHERE Id IN ('0DX000000000001', '0DX000000000002AAA')"),
            (strings{"\"0DX000000000002AAA\"", "\"0DX000000000001GAA\""}));
}

TEST_F(SoqlEval, InAndNotIn) {
  EXPECT_EQ(column("SELECT SubscriberOrganizationKey FROM PackagePushJob WHERE Status IN ('Pending', 'InProgress')"),
            (strings{"\"00D000000000004AAA\"", "\"00D000000000006AAA\""}));
  EXPECT_TRUE(last_used_index_);
  EXPECT_EQ(column("SELECT Status FROM PackagePushJob WHERE Status NOT IN ('Succeeded', 'Failed', 'Created')"),
            (strings{"\"Pending\"", "\"InProgress\""}));
  EXPECT_FALSE(last_used_index_);
}

TEST_F(SoqlEval, LikeIsCaseInsensitiveWithWildcardsAndEscapes) {
  EXPECT_EQ(column("SELECT OrgName FROM PackageSubscriber WHERE OrgName LIKE 'acme%'"),
            (strings{"\"Acme Corp\"", "\"acme_west\"", "\"ACME%East\""}));
  EXPECT_EQ(column("SELECT OrgName FROM PackageSubscriber WHERE OrgName LIKE 'acme\\_%'"), (strings{"\"acme_west\""}));
  EXPECT_EQ(column("SELECT OrgName FROM PackageSubscriber WHERE OrgName LIKE '%\\%%'"), (strings{"\"ACME%East\""}));
  EXPECT_EQ(column("SELECT OrgName FROM PackageSubscriber WHERE OrgName LIKE '_lobex'"), (strings{"\"Globex\""}));
  EXPECT_EQ(column("SELECT OrgName FROM PackageSubscriber WHERE OrgName LIKE 'Init'"), strings{});
  EXPECT_EQ(column("SELECT OrgName FROM PackageSubscriber WHERE OrgName LIKE '%ella'"), (strings{"\"Umbrella\""}));
  EXPECT_EQ(column("SELECT OrgName FROM PackageSubscriber WHERE OrgName LIKE '%c%r%'"), (strings{"\"Acme Corp\""}));
  EXPECT_EQ(column("SELECT OrgName FROM PackageSubscriber WHERE OrgName LIKE '%E_%T'"),
            (strings{"\"acme_west\"", "\"ACME%East\""}));
}

TEST_F(SoqlEval, NullHandling) {
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob WHERE StartTime = null"),
            (strings{"\"0DX000000000003AAA\"", "\"0DX000000000004AAA\"", "\"0DX000000000007AAA\""}));
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime != null").total_size, 4);
  // != keeps rows whose field is null; < and > never match null.
  EXPECT_EQ(run("SELECT Id FROM PackageSubscriber WHERE ParentOrg != '00D000000000001AAA'").total_size, 5);
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime < 2030-01-01T00:00:00Z").total_size, 4);
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime NOT IN (2026-11-23T10:05:00Z)").total_size, 6);
  EXPECT_EQ(json("SELECT StartTime FROM PackagePushJob WHERE Id = '0DX000000000003AAA'").find("\"StartTime\":null") !=
                std::string::npos,
            true);
}

TEST_F(SoqlEval, DatetimeComparisonsHonourZoneOffsets) {
  // 15:32+05:30 is 10:02Z.
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob WHERE StartTime <= 2026-11-23T15:32:00+05:30 ORDER BY StartTime"),
            (strings{"\"0DX000000000002AAA\"", "\"0DX000000000006AAA\""}));
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob WHERE StartTime > 2026-11-23T10:03:00.000+0000"),
            (strings{"\"0DX000000000001AAA\""}));
}

TEST_F(SoqlEval, RelativeDateLiteralsUseTheDataSourceClock) {
  ds_.set_now(at("2026-11-24T09:00:00Z"));
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime = TODAY").total_size, 0);
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime = YESTERDAY").total_size, 4);
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime != YESTERDAY").total_size, 3);  // nulls included
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime >= LAST_N_DAYS:1").total_size, 4);
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime < TODAY").total_size, 4);
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime > TOMORROW").total_size, 0);
  EXPECT_EQ(run("SELECT Id FROM PackagePushRequest WHERE ScheduledStartTime < NEXT_N_DAYS:3").total_size, 1);
  ds_.set_now(at("2026-11-23T23:59:59Z"));
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE StartTime = TODAY").total_size, 4);
}

TEST_F(SoqlEval, OrderByWithNullsFirstAndLast) {
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob WHERE PackagePushRequestId = '0DV000000000001AAA' "
                   "ORDER BY StartTime NULLS FIRST"),
            (strings{"\"0DX000000000003AAA\"", "\"0DX000000000004AAA\"", "\"0DX000000000002AAA\"",
                     "\"0DX000000000006AAA\"", "\"0DX000000000005AAA\"", "\"0DX000000000001AAA\""}));
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob WHERE PackagePushRequestId = '0DV000000000001AAA' "
                   "ORDER BY StartTime DESC NULLS LAST"),
            (strings{"\"0DX000000000001AAA\"", "\"0DX000000000005AAA\"", "\"0DX000000000006AAA\"",
                     "\"0DX000000000002AAA\"", "\"0DX000000000003AAA\"", "\"0DX000000000004AAA\""}));
  // Defaults: ASC puts nulls first, DESC puts them last.
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob ORDER BY StartTime LIMIT 1"), (strings{"\"0DX000000000003AAA\""}));
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob ORDER BY StartTime DESC").back(), "\"0DX000000000007AAA\"");
  // Multi-key ordering.
  EXPECT_EQ(column("SELECT Status, DurationSeconds FROM PackagePushJob ORDER BY Status DESC, DurationSeconds DESC", 1),
            (strings{"50", "10", "40", "60", "30", "20", "null"}));
}

TEST_F(SoqlEval, LimitAndOffset) {
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob ORDER BY Id LIMIT 2 OFFSET 3"),
            (strings{"\"0DX000000000004AAA\"", "\"0DX000000000005AAA\""}));
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob LIMIT 3").total_size, 3);
  EXPECT_EQ(last_rows_examined_, 3u);  // stops early without ORDER BY
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob ORDER BY Id OFFSET 100").total_size, 0);
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob LIMIT 0").total_size, 0);
}

TEST_F(SoqlEval, GroupByStatusWithCount) {
  EXPECT_EQ(json("SELECT Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = '0DV000000000001AAA' "
                 "GROUP BY Status ORDER BY Status"),
            "{\"totalSize\":4,\"done\":true,\"records\":["
            "{\"attributes\":{\"type\":\"AggregateResult\"},\"Status\":\"Failed\",\"expr0\":2},"
            "{\"attributes\":{\"type\":\"AggregateResult\"},\"Status\":\"InProgress\",\"expr0\":1},"
            "{\"attributes\":{\"type\":\"AggregateResult\"},\"Status\":\"Pending\",\"expr0\":1},"
            "{\"attributes\":{\"type\":\"AggregateResult\"},\"Status\":\"Succeeded\",\"expr0\":2}]}");
  EXPECT_EQ(column("SELECT Status, COUNT(Id) n FROM PackagePushJob GROUP BY Status ORDER BY COUNT(Id) DESC, Status", 1),
            (strings{"2", "2", "1", "1", "1"}));
  EXPECT_NE(json("SELECT Status, COUNT(Id) n FROM PackagePushJob GROUP BY Status").find("\"n\":"), std::string::npos);
}

TEST_F(SoqlEval, AggregatesWithoutGroupBy) {
  EXPECT_EQ(
      json("SELECT COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = '0DV000000000001AAA'"),
      "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"AggregateResult\"},\"expr0\":6}]}");
  EXPECT_EQ(json("SELECT COUNT(Id), MIN(DurationSeconds), MAX(StartTime), SUM(DurationSeconds), "
                 "COUNT_DISTINCT(Status), COUNT(StartTime) FROM PackagePushJob WHERE Status = 'Nope'"),
            "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"AggregateResult\"},\"expr0\":0,"
            "\"expr1\":null,\"expr2\":null,\"expr3\":null,\"expr4\":0,\"expr5\":0}]}");
  EXPECT_EQ(column("SELECT MIN(DurationSeconds), MAX(StartTime), SUM(DurationSeconds), AVG(DurationSeconds), "
                   "COUNT_DISTINCT(Status), COUNT(StartTime) FROM PackagePushJob"),
            (strings{"10"}));
  const auto r =
      run("SELECT MIN(DurationSeconds), MAX(StartTime), SUM(DurationSeconds), AVG(DurationSeconds), "
          "COUNT_DISTINCT(Status), COUNT(StartTime) FROM PackagePushJob");
  std::string s;
  render_record(r, 0, "62.0", s);
  EXPECT_EQ(s,
            "{\"attributes\":{\"type\":\"AggregateResult\"},\"expr0\":10,\"expr1\":\"2026-11-23T10:05:00.000+0000\","
            "\"expr2\":210,\"expr3\":35.0,\"expr4\":5,\"expr5\":4}");
}

TEST_F(SoqlEval, CountStarGivesTotalSizeOnly) {
  EXPECT_EQ(json("SELECT COUNT() FROM PackagePushJob WHERE Status = 'Failed'"),
            "{\"totalSize\":2,\"done\":true,\"records\":[]}");
}

TEST_F(SoqlEval, ParentPathsNestObjects) {
  EXPECT_EQ(json("SELECT Id, PackagePushJob.PackagePushRequest.PackageVersionId, PackagePushJob.Status, "
                 "PackagePushJob.PackagePushRequest.Status FROM PackagePushError WHERE Id = '0DY000000000003AAA'"),
            "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"PackagePushError\",\"url\":"
            "\"/services/data/v62.0/sobjects/PackagePushError/0DY000000000003AAA\"},\"Id\":\"0DY000000000003AAA\","
            "\"PackagePushJob\":{\"attributes\":{\"type\":\"PackagePushJob\",\"url\":"
            "\"/services/data/v62.0/sobjects/PackagePushJob/0DX000000000003AAA\"},"
            "\"PackagePushRequest\":{\"attributes\":{\"type\":\"PackagePushRequest\",\"url\":"
            "\"/services/data/v62.0/sobjects/PackagePushRequest/0DV000000000001AAA\"},"
            "\"PackageVersionId\":\"04t000000000002AAA\",\"Status\":\"InProgress\"},\"Status\":\"Failed\"}}]}");
  EXPECT_EQ(column("SELECT MetadataPackageVersion.MetadataPackage.Name, OrgKey FROM PackageSubscriber "
                   "WHERE OrgKey = '00D000000000004AAA'",
                   1),
            (strings{"\"00D000000000004AAA\""}));
  const auto r =
      run("SELECT PackageVersion.MetadataPackage.Name, PackageVersion.MinorVersion FROM PackagePushRequest "
          "WHERE Id = '0DV000000000002AAA'");
  ASSERT_EQ(r.records.size(), 1u);
  const result_record& version = *r.records[0].cells[0].parent;
  EXPECT_EQ(std::get<std::string>(version.cells[0].parent->cells[0].scalar), "Acme Billing");
  EXPECT_EQ(std::get<std::int64_t>(version.cells[1].scalar), 4);
}

TEST_F(SoqlEval, FiltersOnParentPaths) {
  EXPECT_EQ(column("SELECT Id FROM PackagePushError WHERE PackagePushJob.PackagePushRequestId = '0DV000000000001AAA' "
                   "AND PackagePushJob.Status = 'Failed' ORDER BY Id DESC"),
            (strings{"\"0DY000000000003AAA\"", "\"0DY000000000002AAA\"", "\"0DY000000000001AAA\""}));
  EXPECT_TRUE(last_used_index_);  // through the PackagePushJobId index
  EXPECT_EQ(last_rows_examined_, 3u);
  EXPECT_EQ(column("SELECT Id FROM PackagePushError WHERE PackagePushJob.SubscriberOrganizationKey IN "
                   "('00D000000000003AAA', '00D000000000005AAA')"),
            (strings{"\"0DY000000000003AAA\""}));
  EXPECT_TRUE(last_used_index_);
  EXPECT_EQ(column("SELECT OrgName FROM PackageSubscriber WHERE MetadataPackageVersion.MinorVersion < 4 "
                   "AND OrgStatus = 'Active'"),
            (strings{"\"Acme Corp\"", "\"acme_west\""}));
}

TEST_F(SoqlEval, SalesforceCliReportQuery) {
  EXPECT_EQ(
      json("SELECT PackageVersion.MetadataPackage.Name, PackageVersion.MajorVersion, PackageVersion.MinorVersion, "
           "PackageVersion.MetadataPackage.NamespacePrefix, PackageVersion.MetadataPackageId, PackageVersionId, "
           "PackageVersion.Name, Id, Status, ScheduledStartTime, StartTime, EndTime, DurationSeconds FROM "
           "PackagePushRequest WHERE Id = '0DV000000000001AAA'"),
      "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"PackagePushRequest\",\"url\":"
      "\"/services/data/v62.0/sobjects/PackagePushRequest/0DV000000000001AAA\"},\"PackageVersion\":{"
      "\"attributes\":{\"type\":\"MetadataPackageVersion\",\"url\":"
      "\"/services/data/v62.0/sobjects/MetadataPackageVersion/04t000000000002AAA\"},\"MetadataPackage\":{"
      "\"attributes\":{\"type\":\"MetadataPackage\",\"url\":"
      "\"/services/data/v62.0/sobjects/MetadataPackage/033000000000001AAA\"},\"Name\":\"Acme Billing\","
      "\"NamespacePrefix\":\"acme\"},\"MajorVersion\":2,\"MinorVersion\":4,"
      "\"MetadataPackageId\":\"033000000000001AAA\",\"Name\":\"Summer\"},"
      "\"PackageVersionId\":\"04t000000000002AAA\",\"Id\":\"0DV000000000001AAA\",\"Status\":\"InProgress\","
      "\"ScheduledStartTime\":\"2026-11-23T10:00:00.000+0000\",\"StartTime\":null,\"EndTime\":null,"
      "\"DurationSeconds\":null}]}");
  EXPECT_EQ(column("SELECT Id FROM PackagePushRequest WHERE PackageVersion.MetadataPackageId = '033000000000001AAA' "
                   "AND ScheduledStartTime >= 2026-11-20T10:00:00.123Z"),
            (strings{"\"0DV000000000001AAA\""}));
  EXPECT_TRUE(last_used_index_);
  EXPECT_EQ(column("SELECT Count(Id) FROM PackagePushJob WHERE PackagePushRequestId = '0DV000000000001AAA' AND "
                   "Status = 'Failed' "),
            (strings{"2"}));
}

TEST_F(SoqlEval, SubscribersAsChildrenOfVersions) {
  const auto r =
      run("SELECT Id, (SELECT OrgName FROM PackageSubscribers WHERE OrgStatus = 'Active') FROM "
          "MetadataPackageVersion ORDER BY MinorVersion");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].cells[1].children.size(), 2u);  // Acme Corp, acme_west on 2.3
  EXPECT_EQ(r.records[1].cells[1].children.size(), 1u);  // ACME%East on 2.4
}

TEST_F(SoqlEval, NullParentRendersNull) {
  ds_.add("PackagePushJob", {{"Id", make_id("0DX", 99)}, {"Status", std::string("Created")}});
  EXPECT_NE(json("SELECT Id, PackagePushRequest.Status FROM PackagePushJob WHERE Id = '0DX000000000099AAA'")
                .find("\"PackagePushRequest\":null"),
            std::string::npos);
}

TEST_F(SoqlEval, ChildSubqueriesReturnNestedResultsOrNull) {
  const std::string j = json(
      "SELECT Id, (SELECT ErrorType FROM PackagePushErrors ORDER BY ErrorType DESC) FROM PackagePushJob "
      "WHERE PackagePushRequestId = '0DV000000000001AAA' AND Status != 'Succeeded' ORDER BY Id LIMIT 2");
  EXPECT_EQ(j,
            "{\"totalSize\":2,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"PackagePushJob\",\"url\":"
            "\"/services/data/v62.0/sobjects/PackagePushJob/0DX000000000002AAA\"},\"Id\":\"0DX000000000002AAA\","
            "\"PackagePushErrors\":{\"totalSize\":2,\"done\":true,\"records\":["
            "{\"attributes\":{\"type\":\"PackagePushError\",\"url\":"
            "\"/services/data/v62.0/sobjects/PackagePushError/0DY000000000002AAA\"},\"ErrorType\":\"DeployError\"},"
            "{\"attributes\":{\"type\":\"PackagePushError\",\"url\":"
            "\"/services/data/v62.0/sobjects/PackagePushError/0DY000000000001AAA\"},\"ErrorType\":\"ApexTestFailure\"}"
            "]}},{\"attributes\":{\"type\":\"PackagePushJob\",\"url\":"
            "\"/services/data/v62.0/sobjects/PackagePushJob/0DX000000000003AAA\"},\"Id\":\"0DX000000000003AAA\","
            "\"PackagePushErrors\":{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":"
            "\"PackagePushError\",\"url\":\"/services/data/v62.0/sobjects/PackagePushError/0DY000000000003AAA\"},"
            "\"ErrorType\":\"LimitExceeded\"}]}}]}");
  EXPECT_NE(json("SELECT Id, (SELECT Id FROM PackagePushErrors) FROM PackagePushJob WHERE Id = '0DX000000000001AAA'")
                .find("\"PackagePushErrors\":null"),
            std::string::npos);
  // Subquery filters apply; a filtered-out child set is null too.
  const auto r =
      run("SELECT Id, (SELECT Id FROM PackagePushJobs WHERE Status = 'Failed') FROM PackagePushRequest "
          "ORDER BY Id");
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].cells[1].children.size(), 2u);
  EXPECT_TRUE(r.records[1].cells[1].children.empty());
}

TEST_F(SoqlEval, OrAndNotAndParentheses) {
  EXPECT_EQ(column("SELECT Id FROM PackagePushJob WHERE (Status = 'Pending' OR Status = 'Created') AND NOT "
                   "(SubscriberOrganizationKey = '00D000000000007AAA')"),
            (strings{"\"0DX000000000004AAA\""}));
  EXPECT_EQ(run("SELECT Id FROM PackagePushJob WHERE Status = 'Pending' OR DurationSeconds > 50").total_size, 2);
  EXPECT_FALSE(last_used_index_);
}

TEST_F(SoqlEval, PagesRenderNextRecordsUrl) {
  const auto r = run("SELECT Id FROM PackagePushJob ORDER BY Id");
  std::string out;
  render_query_page(r, 0, 2, "62.0", "/services/data/v62.0/query/01gX-2000", out);
  EXPECT_EQ(out.rfind("{\"totalSize\":7,\"done\":false,\"nextRecordsUrl\":\"/services/data/v62.0/query/01gX-2000\","
                      "\"records\":[",
                      0),
            0u);
  EXPECT_NE(out.find("0DX000000000002AAA"), std::string::npos);
  EXPECT_EQ(out.find("0DX000000000003AAA"), std::string::npos);
}

TEST_F(SoqlEval, DeferredProjectionPagesMatchTheMaterializedResult) {
  const std::string q =
      "SELECT Id, Status, PackagePushRequest.Status, (SELECT ErrorType FROM PackagePushErrors) "
      "FROM PackagePushJob WHERE Status != 'Created' ORDER BY StartTime DESC NULLS LAST";
  const auto c = std::get<std::shared_ptr<const compiled_query>>(prepare_soql(q, push_schema()));
  const query_result whole = evaluate_soql(c, ds_);
  const query_result deferred = evaluate_soql(c, ds_, nullptr, projection_mode::defer);
  EXPECT_TRUE(deferred.records.empty());
  ASSERT_EQ(deferred.total_size, 6);
  ASSERT_EQ(deferred.rows.size(), 6u);
  for (std::size_t first = 0; first < 6; first += 4) {
    const std::size_t n = std::min<std::size_t>(4, 6 - first);
    const auto recs = project_rows(*c, std::span<const row_id>(deferred.rows).subspan(first, n), ds_);
    std::string a, b;
    render_query_page(whole, first, n, "62.0", first == 0 ? "/next" : "", a);
    render_records_page(*c, deferred.total_size, recs, "62.0", first == 0 ? "/next" : "", b);
    EXPECT_EQ(a, b);
  }
}

TEST(SoqlIndex, IndexedLookupMatchesScanOverManyRows) {
  memory_data_source ds(push_schema());
  const char* statuses[] = {"Active", "Trial", "Inactive", "Demo", "Free"};
  for (int i = 0; i < 20000; ++i) {
    ds.add("PackageSubscriber", {{"Id", make_id("0Hf", i)},
                                 {"OrgKey", make_id("00D", i)},
                                 {"OrgName", std::string("Org ") + std::to_string(i)},
                                 {"OrgStatus", std::string(statuses[i % 5])},
                                 {"InstanceName", std::string(i % 7 ? "NA1" : "EU5")}});
  }
  const char* queries[] = {
      "SELECT Id, OrgName FROM PackageSubscriber WHERE OrgKey = '00D000000012345AAA'",
      "SELECT Id FROM PackageSubscriber WHERE OrgKey IN ('00D000000000005AAA', '00D000000000003AAA', 'nope')",
      "SELECT Id FROM PackageSubscriber WHERE OrgStatus = 'trial' AND InstanceName = 'EU5' ORDER BY OrgKey DESC",
      "SELECT COUNT(Id) FROM PackageSubscriber WHERE OrgStatus IN ('Active', 'Demo') AND OrgName LIKE '%7'",
      "SELECT OrgStatus, COUNT(Id) FROM PackageSubscriber WHERE InstanceName = 'EU5' GROUP BY OrgStatus",
  };
  for (const char* q : queries) {
    auto c = std::get<std::shared_ptr<const compiled_query>>(prepare_soql(q, push_schema()));
    eval_stats stats;
    const auto a = evaluate_soql(c, ds, &stats);
    const auto b = evaluate_soql_scan(c, ds);
    std::string ja, jb;
    render_query_result(a, "62.0", ja);
    render_query_result(b, "62.0", jb);
    EXPECT_EQ(ja, jb) << q;
    EXPECT_TRUE(stats.used_index) << q;
    EXPECT_LE(stats.rows_examined, 20000u * 2 / 5) << q;
  }
  auto one = std::get<std::shared_ptr<const compiled_query>>(
      prepare_soql("SELECT Id FROM PackageSubscriber WHERE OrgKey = '00D000000012345AAA'", push_schema()));
  eval_stats stats;
  EXPECT_EQ(evaluate_soql(one, ds, &stats).total_size, 1);
  EXPECT_EQ(stats.rows_examined, 1u);
}

// A memory source whose OrgKey lookups claim to be exact (as the platform's request-id lookups are).
class exact_org_key_source final : public data_source {
 public:
  explicit exact_org_key_source(const memory_data_source& ds) : ds_(ds) {}
  void scan(const object_def& obj, const std::function<void(row_id)>& visit) const override { ds_.scan(obj, visit); }
  value field(const object_def& obj, row_id row, const field_def& f) const override { return ds_.field(obj, row, f); }
  std::optional<std::vector<row_id>> lookup_eq(const object_def& obj, const field_def& f,
                                               const value& v) const override {
    return ds_.lookup_eq(obj, f, v);
  }
  bool lookup_is_exact(const object_def&, const field_def& f, const value&) const override {
    return f.name == "OrgKey";
  }

 private:
  const memory_data_source& ds_;
};

TEST(SoqlIndex, AnExactLookupSkipsOnlyItsOwnConditionAndManyGroupsStayApart) {
  memory_data_source mem(push_schema());
  const char* statuses[] = {"Active", "Trial", "Inactive", "Demo", "Free"};
  for (int i = 0; i < 4000; ++i) {
    mem.add("PackageSubscriber", {{"Id", make_id("0Hf", i)},
                                  {"OrgKey", make_id("00D", i)},
                                  {"OrgName", std::string("Org ") + std::to_string(i % 40)},
                                  {"OrgStatus", std::string(statuses[i % 5])}});
  }
  const exact_org_key_source ds(mem);
  const std::string queries[] = {
      "SELECT Id FROM PackageSubscriber WHERE OrgKey IN ('" + make_id("00D", 3) + "', '" + make_id("00D", 5) + "', '" +
          make_id("00D", 10) + "') AND OrgStatus = 'Active'",
      "SELECT Id FROM PackageSubscriber WHERE OrgKey = '" + make_id("00D", 5) + "'",
      "SELECT OrgName, COUNT(Id) FROM PackageSubscriber GROUP BY OrgName",
      "SELECT OrgName, OrgStatus, COUNT(Id) FROM PackageSubscriber GROUP BY OrgName, OrgStatus ORDER BY OrgName",
  };
  for (const std::string& q : queries) {
    auto c = std::get<std::shared_ptr<const compiled_query>>(prepare_soql(q, push_schema()));
    const auto a = evaluate_soql(c, ds);
    const auto b = evaluate_soql_scan(c, mem);
    std::string ja, jb;
    render_query_result(a, "62.0", ja);
    render_query_result(b, "62.0", jb);
    EXPECT_EQ(ja, jb) << q;
  }
  // The first query's other condition still applies: of the orgs 3, 5 and 10, only 5 and 10 are Active.
  auto first = std::get<std::shared_ptr<const compiled_query>>(prepare_soql(queries[0], push_schema()));
  EXPECT_EQ(evaluate_soql(first, ds).total_size, 2);
  // 40 names, 100 orgs each, in order of first appearance (more groups than the linear lookup holds).
  auto groups = std::get<std::shared_ptr<const compiled_query>>(prepare_soql(queries[2], push_schema()));
  const auto g = evaluate_soql(groups, ds);
  ASSERT_EQ(g.records.size(), 40u);
  for (std::size_t i = 0; i < 40; ++i) {
    EXPECT_EQ(std::get<std::string>(g.records[i].cells[0].scalar), "Org " + std::to_string(i));
    EXPECT_EQ(std::get<std::int64_t>(g.records[i].cells[1].scalar), 100);
  }
}

}  // namespace
}  // namespace pushsim::mock_org::api
