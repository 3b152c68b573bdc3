// Table-driven tests of SOQL parsing and compiling: good queries compile, bad ones fail with Salesforce's
// errorCode at the right row and column.

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "pushsim/mock_org/api/schema.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/api/soql_parser.hpp"

namespace pushsim::mock_org::api {
namespace {

TEST(SoqlParser, AcceptsTheSubset) {
  const char* good[] = {
      "SELECT Id FROM PackagePushJob",
      "select id from packagepushjob",
      "SELECT Id, Status, SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = '0DV000000000001AAA'",
      "SELECT Id FROM PackagePushJob WHERE Status IN ('Pending', 'InProgress') AND StartTime != null",
      "SELECT Id FROM PackagePushJob WHERE Status NOT IN ('Succeeded') ORDER BY StartTime DESC NULLS LAST, Id",
      "SELECT Id FROM PackagePushJob WHERE (Status = 'Failed' OR Status = 'Canceled') AND NOT (Id = '0DX000000000001')",
      "SELECT Id FROM PackagePushJob WHERE NOT Status = 'Failed'",
      "SELECT Id FROM PackagePushJob WHERE StartTime > 2026-11-23T10:00:00Z",
      "SELECT Id FROM PackagePushJob WHERE StartTime >= 2026-11-23T10:00:00.000+0000",
      "SELECT Id FROM PackagePushJob WHERE StartTime < 2026-11-23T10:00:00+05:30",
      "SELECT Id FROM PackagePushJob WHERE StartTime <= 2026-11-23T10:00:00-08:00 AND EndTime = null",
      "SELECT Id FROM ScratchOrgInfo WHERE ExpirationDate > 2026-11-23",
      "SELECT Id FROM PackagePushJob WHERE DurationSeconds > 10 AND DurationSeconds <> 20",
      // NOLINTNEXTLINE(bugprone-suspicious-missing-comma): one query over two lines
      "SELECT Id FROM MetadataPackageVersion WHERE IsDeprecated = false AND ReleaseState = 'Released' "
      "AND MajorVersion >= 2 ORDER BY MajorVersion DESC, MinorVersion DESC LIMIT 1",
      "SELECT Id FROM MetadataPackageVersion WHERE IsDeprecated = TRUE",
      "SELECT Id FROM PackageSubscriber WHERE OrgName LIKE 'Acme\\_%' AND OrgKey LIKE '00D%'",
      "SELECT Id FROM PackageSubscriber WHERE OrgName = 'O\\'Brien \\\"x\\\" \\\\ \\n\\t\\r\\b\\f \\u00e9'",
      "SELECT Id, PackagePushJob.PackagePushRequest.PackageVersionId FROM PackagePushError",
      "SELECT Id, MetadataPackageVersion.MetadataPackage.Name FROM PackageSubscriber",
      "SELECT Id, PackageVersion.MetadataPackage.Name, PackageVersion.MajorVersion FROM PackagePushRequest",
      "SELECT PackagePushJob.Id FROM PackagePushError WHERE PackagePushJob.PackagePushRequestId = '0DV000000000001'",
      "SELECT Id, (SELECT ErrorType, ErrorMessage FROM PackagePushErrors) FROM PackagePushJob",
      "SELECT Id, (SELECT Id FROM PackagePushJobs WHERE Status = 'Failed' ORDER BY Id LIMIT 5) FROM PackagePushRequest",
      "SELECT COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = '0DV000000000001AAA'",
      "SELECT COUNT() FROM PackagePushJob",
      "SELECT Status, COUNT(Id) FROM PackagePushJob GROUP BY Status",
      "SELECT Status, COUNT(Id) n FROM PackagePushJob GROUP BY Status ORDER BY COUNT(Id) DESC",
      "SELECT MIN(StartTime), MAX(EndTime), SUM(DurationSeconds), AVG(DurationSeconds), COUNT_DISTINCT(Status) "
      "FROM PackagePushJob",
      "SELECT Id FROM PackagePushJob LIMIT 10 OFFSET 20",
      "SELECT PackagePushJob.Status FROM PackagePushJob",
      "SELECT Id, Name, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType, InstanceName "
      "FROM Organization",
      "SELECT Id, Username, Name, Email FROM User WHERE Username = 'admin@example.com'",
      "SELECT Id FROM PackagePushJob WHERE Id IN ('0DX000000000001AAA', '0DX000000000002AAA') ORDER BY Status NULLS FIRST",
      "  SELECT\n  Id\nFROM\n  PackagePushJob\n",
      "SELECT Id FROM PackagePushJob WHERE DurationSeconds > -5.5",
      "SELECT Id FROM PackagePushJob WHERE StartTime = TODAY OR StartTime = YESTERDAY OR EndTime < tomorrow",
      "SELECT Id FROM PackagePushRequest WHERE ScheduledStartTime >= LAST_N_DAYS:7 AND EndTime < NEXT_N_DAYS:30",
      "SELECT Id FROM ScratchOrgInfo WHERE ExpirationDate > TODAY",
      // What the Salesforce CLI (sf package push-upgrade list/report) sends.
      "SELECT Id, PackageVersionId, PackageVersion.Name, PackageVersion.MajorVersion, PackageVersion.MinorVersion, "
      "Status, ScheduledStartTime, StartTime, EndTime FROM PackagePushRequest WHERE PackageVersion.MetadataPackageId "
      "= '033000000000001AAA' AND Status = 'Pending' AND ScheduledStartTime >= 2026-11-20T10:00:00.123Z",
      "SELECT PackageVersion.MetadataPackage.Name, PackageVersion.MajorVersion, PackageVersion.MinorVersion, "
      "PackageVersion.MetadataPackage.NamespacePrefix, PackageVersion.MetadataPackageId, PackageVersionId, "
      "PackageVersion.Name, Id, Status, ScheduledStartTime, StartTime, EndTime, DurationSeconds FROM "
      "PackagePushRequest WHERE Id = '0DV000000000001AAA'",
      "SELECT Count(Id) FROM PackagePushJob WHERE PackagePushRequestId = '0DV000000000001AAA' AND Status = 'Failed' ",
      "SELECT ErrorMessage, ErrorDetails, ErrorTitle, ErrorSeverity, ErrorType from PackagePushError WHERE "
      "PackagePushJob.PackagePushRequestId = '0DV000000000001AAA' ",
      "Select Id, ReleaseState, MajorVersion, MinorVersion, PatchVersion, MetadataPackageId, (SELECT Id, OrgKey, "
      "OrgName, OrgStatus, OrgType, InstanceName, ParentOrg from PackageSubscribers WHERE InstalledStatus = 'i') From "
      "MetadataPackageVersion Where MetadataPackageId = '033000000000001AAA' and ReleaseState = 'Released' AND "
      "(MajorVersion < 2 OR (MajorVersion = 2 and MinorVersion < 4)) Order by MajorVersion",
  };
  for (const char* q : good) {
    const auto r = prepare_soql(q, push_schema());
    const auto* e = std::get_if<soql_error>(&r);
    EXPECT_EQ(e, nullptr) << q << "\n -> " << (e ? e->error_code + e->message : "");
  }
}

struct bad_case {
  const char* query;
  const char* error_code;
  int row;
  int column;
  const char* detail_part;
};

TEST(SoqlParser, RejectsBadQueriesWithSalesforceErrorsAndPositions) {
  const bad_case bad[] = {
      {"SELECT Id FORM PackagePushJob", "MALFORMED_QUERY", 1, 11, "unexpected token: 'FORM'"},
      {"SELECT Id FROM", "MALFORMED_QUERY", 1, 15, "unexpected token: '<EOF>'"},
      {"", "MALFORMED_QUERY", 1, 1, "unexpected token: '<EOF>'"},
      {"SELECT FROM PackagePushJob", "MALFORMED_QUERY", 1, 8, "unexpected token: 'FROM'"},
      {"SELECT Id, FROM PackagePushJob", "MALFORMED_QUERY", 1, 12, "unexpected token: 'FROM'"},
      {"SELECT Id FROM PackagePushJob WHERE", "MALFORMED_QUERY", 1, 36, "'<EOF>'"},
      {"SELECT Id FROM PackagePushJob WHERE Status = 'a' AND Status = 'b' OR Id = 'c'", "MALFORMED_QUERY", 1, 67,
       "unexpected token: 'OR'"},
      {"SELECT Id FROM PackagePushJob WHERE Status = 'Failed", "MALFORMED_QUERY", 1, 46, "mismatched character"},
      {"SELECT Id FROM PackagePushJob WHERE Status == 'x'", "MALFORMED_QUERY", 1, 45, "unexpected token: '='"},
      {"SELECT Id FROM PackagePushJob LIMIT -1", "MALFORMED_QUERY", 1, 37, "unexpected token: '-1'"},
      {"SELECT Id FROM PackagePushJob LIMIT 1.5", "MALFORMED_QUERY", 1, 37, "'1.5'"},
      {"SELECT Id FROM PackagePushJob ORDER Status", "MALFORMED_QUERY", 1, 37, "unexpected token: 'Status'"},
      {"SELECT Id FROM PackagePushJob WHERE Status IN 'x'", "MALFORMED_QUERY", 1, 47, "unexpected token: ''x''"},
      {"SELECT Id FROM PackagePushJob WHERE Status IN ('a',)", "MALFORMED_QUERY", 1, 52, "unexpected token: ')'"},
      {"SELECT Id FROM PackagePushJob WHERE Status = 'a\\q'", "MALFORMED_QUERY", 1, 46, "Illegal character sequence"},
      {"SELECT Id FROM PackagePushJob WHERE Status = #", "MALFORMED_QUERY", 1, 46, "unexpected token: '#'"},
      {"SELECT Id FROM PackagePushJob extra", "MALFORMED_QUERY", 1, 31, "unexpected token: 'extra'"},
      {"SELECT Id FROM PackagePushJob WHERE NOT", "MALFORMED_QUERY", 1, 40, "'<EOF>'"},
      {"SELECT Id FROM PackagePushJob WHERE (Status = 'x'", "MALFORMED_QUERY", 1, 50, "'<EOF>'"},
      {"SELECT Id FROM PackagePushJob ORDER BY Status NULLS MIDDLE", "MALFORMED_QUERY", 1, 53, "'MIDDLE'"},
      {"SELECT Id FROM PackagePushJob WHERE StartTime > 2026-13-45T10:00:00Z", "MALFORMED_QUERY", 1, 49,
       "2026-13-45T10:00:00Z"},
      {"SELECT Id FROM Foo", "INVALID_TYPE", 1, 16, "sObject type 'Foo' is not supported."},
      {"SELECT Foo FROM PackagePushJob", "INVALID_FIELD", 1, 8,
       "No such column 'Foo' on entity 'PackagePushJob'. If you are attempting to use a custom field, be sure to "
       "append the '__c' after the custom field name."},
      {"SELECT Id, PackagePushRequest.Foo FROM PackagePushJob", "INVALID_FIELD", 1, 12,
       "No such column 'Foo' on entity 'PackagePushRequest'"},
      {"SELECT Bogus.Status FROM PackagePushJob", "INVALID_FIELD", 1, 8,
       "Didn't understand relationship 'Bogus' in field path."},
      {"SELECT Id, (SELECT Id FROM Bogus) FROM PackagePushJob", "INVALID_TYPE", 1, 28,
       "Didn't understand relationship 'Bogus' in FROM part of query call."},
      {"SELECT Id FROM PackagePushJob WHERE StartTime > '2026-11-23T10:00:00Z'", "INVALID_FIELD", 1, 49,
       "value of filter criterion for field 'StartTime' must be of type dateTime and should not be enclosed in "
       "quotes"},
      {"SELECT Id FROM PackagePushJob WHERE Status = 5", "INVALID_FIELD", 1, 46,
       "field 'Status' must be of type picklist and should be enclosed in quotes"},
      {"SELECT Id FROM MetadataPackageVersion WHERE IsDeprecated = 'false'", "INVALID_FIELD", 1, 60,
       "must be of type boolean and should not be enclosed in quotes"},
      {"SELECT Id FROM PackagePushJob WHERE DurationSeconds = 'x'", "INVALID_FIELD", 1, 55, "must be of type int"},
      {"SELECT Id FROM PackagePushJob WHERE StartTime > 2026-11-23", "INVALID_FIELD", 1, 49, "type dateTime"},
      {"SELECT Id FROM PackagePushJob WHERE Id = 'abc'", "INVALID_QUERY_FILTER_OPERATOR", 1, 42,
       "invalid ID field: abc"},
      {"SELECT Id FROM PackagePushJob WHERE PackagePushRequestId IN ('0DV000000000001AAA', '0DV-0000')",
       "INVALID_QUERY_FILTER_OPERATOR", 1, 84, "invalid ID field: 0DV-0000"},
      {"SELECT Id FROM PackagePushJob LIMIT 5 OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE", 1, 46,
       "Maximum SOQL offset allowed is 2000"},
      {"SELECT Id FROM PackagePushJob WHERE StartTime > LAST_N_DAYS 7", "MALFORMED_QUERY", 1, 61, "'7'"},
      {"SELECT Id FROM PackagePushJob WHERE StartTime > NEXT_N_DAYS:-1", "MALFORMED_QUERY", 1, 61, "'-1'"},
      {"SELECT Id FROM PackagePushJob WHERE StartTime > SOMEDAY", "MALFORMED_QUERY", 1, 49, "'SOMEDAY'"},
      {"SELECT Id FROM PackagePushJob WHERE Status = TODAY", "INVALID_FIELD", 1, 46, "type picklist"},
      {"SELECT Status, COUNT(Id) FROM PackagePushJob", "MALFORMED_QUERY", 1, 8,
       "Field must be grouped or aggregated: Status"},
      {"SELECT Id\nFROM PackagePushJob\nWHERE Foo = 'x'", "INVALID_FIELD", 3, 7, "No such column 'Foo'"},
      {"SELECT Id\n  FROM PackagePushJob\n  WHERE Status = 'x' xyz", "MALFORMED_QUERY", 3, 22, "'xyz'"},
      {"SELECT Id, Id FROM PackagePushJob", "MALFORMED_QUERY", 1, 12, "duplicate field selected: Id"},
      {"SELECT Id FROM PackagePushJob WHERE Status LIKE 5", "INVALID_FIELD", 1, 49, "enclosed in quotes"},
      {"SELECT Id FROM PackagePushJob WHERE DurationSeconds LIKE '5'", "INVALID_FIELD", 1, 37, "invalid operator"},
      {"SELECT COUNT(), Id FROM PackagePushJob", "MALFORMED_QUERY", 1, 8, "COUNT()"},
      {"SELECT SUM(Status) FROM PackagePushJob", "MALFORMED_QUERY", 1, 12, "does not support aggregate operator SUM"},
      {"SELECT Status FROM PackagePushJob GROUP BY Status ORDER BY Id", "MALFORMED_QUERY", 1, 60,
       "Ordered field must be grouped or aggregated: Id"},
      {"SELECT Id, (SELECT Id, (SELECT Id FROM PackagePushErrors) FROM PackagePushJobs) FROM PackagePushRequest",
       "MALFORMED_QUERY", 1, 24, "unexpected token: '('"},
      {"SELECT Id FROM PackagePushJob WHERE Id IN (SELECT Id FROM PackagePushJob)", "MALFORMED_QUERY", 1, 44,
       "unexpected token: 'SELECT'"},
  };
  EXPECT_GE(std::size(bad), 25u);
  for (const auto& b : bad) {
    const auto r = prepare_soql(b.query, push_schema());
    const auto* e = std::get_if<soql_error>(&r);
    ASSERT_NE(e, nullptr) << b.query;
    EXPECT_EQ(e->error_code, b.error_code) << b.query << "\n" << e->message;
    EXPECT_EQ(e->row, b.row) << b.query << "\n" << e->message;
    EXPECT_EQ(e->column, b.column) << b.query << "\n" << e->message;
    EXPECT_NE(e->detail.find(b.detail_part), std::string::npos) << b.query << "\n" << e->message;
    const std::string where = "ERROR at Row:" + std::to_string(b.row) + ":Column:" + std::to_string(b.column);
    EXPECT_NE(e->message.find(where), std::string::npos) << e->message;
  }
}

TEST(SoqlParser, MessageEchoesTheLineWithACaret) {
  const auto r = parse_soql("SELECT Id FORM PackagePushJob");
  const auto& e = std::get<soql_error>(r);
  EXPECT_EQ(e.message,
            "\nSELECT Id FORM PackagePushJob\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FORM'");
}

TEST(SoqlParser, DecodesEscapesAndLiterals) {
  const auto r = parse_soql(
      "SELECT Id FROM X WHERE A = 'a\\'b\\n\\\\c\\u00e9' AND B = 12 AND C = -1.5 AND D = true "
      "AND E = null AND F = 2026-11-23T10:00:00+05:30 AND G = 2026-11-23");
  const auto& q = std::get<ast::query>(r);
  ASSERT_TRUE(q.where);
  const auto& ops = q.where->operands;
  ASSERT_EQ(ops.size(), 7u);
  EXPECT_EQ(std::get<std::string>(ops[0].values[0].v), "a'b\n\\c\xc3\xa9");
  EXPECT_EQ(std::get<std::int64_t>(ops[1].values[0].v), 12);
  EXPECT_EQ(std::get<double>(ops[2].values[0].v), -1.5);
  EXPECT_EQ(std::get<bool>(ops[3].values[0].v), true);
  EXPECT_TRUE(is_null(ops[4].values[0].v));
  EXPECT_EQ(format_salesforce(std::get<time_point>(ops[5].values[0].v)), "2026-11-23T04:30:00.000+0000");
  EXPECT_EQ(format_date(std::get<date_value>(ops[6].values[0].v)), "2026-11-23");
}

TEST(SoqlParser, DeepNestingIsAnErrorNotACrash) {
  std::string q = "SELECT Id FROM PackagePushJob WHERE ";
  for (int i = 0; i < 5000; ++i) q += "(";
  const auto r = parse_soql(q);
  ASSERT_TRUE(std::holds_alternative<soql_error>(r));
  EXPECT_EQ(std::get<soql_error>(r).error_code, "MALFORMED_QUERY");
}

}  // namespace
}  // namespace pushsim::mock_org::api
