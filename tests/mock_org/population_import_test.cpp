// Importing a partner's exports: the shipped example files (scenarios/data/) join into the orgs they describe,
// the population keeps every imported attribute, and each kind of bad input names file, line and column.
#include "pushsim/mock_org/population_import.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pushsim/mock_org/package_json.hpp"
#include "pushsim/mock_org/population_spec.hpp"

using namespace pushsim::mock_org;

namespace {

const std::string data_dir = std::string(PUSHSIM_SOURCE_DIR) + "/scenarios/data/";

package rollup_package() {
  std::ifstream in(std::string(PUSHSIM_SOURCE_DIR) + "/scenarios/packages/revenue_rollup_dashboard.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto p = parse_package_text(ss.str());
  EXPECT_TRUE(p) << p.error.to_string();
  return *p.value;
}

std::vector<std::string> example_files() {
  std::vector<std::string> out;
  for (const char* f : {"subscribers.csv", "versions.json", "licenses.csv", "subscriber_snapshot.csv",
                        "package_usage_log.csv", "push_jobs.csv", "push_fails.csv"}) {
    out.push_back(data_dir + f);
  }
  return out;
}

const imported_org& org_named(const population_import& im, std::string_view key15) {
  for (const auto& o : im.orgs) {
    if (o.key.view() == key15) return o;
  }
  ADD_FAILURE() << "no org " << key15;
  return im.orgs.front();
}

// Writes files into a fresh folder and imports them; the errors are returned.
class ImportFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pushsim_import_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::vector<pushsim::input_error> import(const std::vector<std::string>& paths) {
    std::vector<pushsim::input_error> errors;
    const auto im = import_population(paths, paths, pkg_, errors);
    EXPECT_EQ(im.has_value(), errors.empty());
    return errors;
  }
  std::filesystem::path dir_;
  package pkg_ = rollup_package();
};

const std::string subscriber_header =
    "OrgKey,OrgName,OrgType,OrgStatus,InstanceName,ParentOrg,MetadataPackageVersionId,InstalledStatus\n";

}  // namespace

TEST(PopulationImport, ExampleFilesJoinOnTheOrgId) {
  const package pkg = rollup_package();
  std::vector<pushsim::input_error> errors;
  const auto im = import_population(example_files(), example_files(), pkg, errors);
  ASSERT_TRUE(im) << errors.front().to_string();
  EXPECT_EQ(im->orgs.size(), 12u);
  EXPECT_EQ(im->summary.history_orgs_absent, 1u);  // Kilo Labs is only in the push history
  EXPECT_EQ(im->summary.unknown_editions, 1u);     // "Government Cloud Edition"
  EXPECT_EQ(im->summary.files[1].second, import_kind::package_version);

  const auto& acme = org_named(*im, "00D5g000004AcmE");
  EXPECT_EQ(acme.name, "Acme Corp");
  EXPECT_EQ(im->instances.name(*acme.instance), "NA142");
  EXPECT_EQ(pkg.versions[*acme.installed_version].number.str(), "2.3.1");
  EXPECT_EQ(acme.users, 420u);                   // LMA used licenses
  EXPECT_EQ(acme.edition, edition::enterprise);  // "Enterprise Edition"
  // The latest snapshot per package object (Revenue_Schedule, Forecast); Account is not the package's.
  EXPECT_EQ(acme.records, (std::vector<std::pair<object_index, std::uint32_t>>{{1, 52000}, {2, 2600}}));
  EXPECT_EQ(im->summary.snapshot_rows_unknown_object, 6u);
  const auto& core = org_named(*im, "00D5g000004CoRe");
  EXPECT_TRUE(core.threw_exceptions);
  EXPECT_EQ(core.users, 88u);  // licensed users win over the 2 seen active
  EXPECT_EQ(im->zones.name(*core.zone), "America/Chicago");
  const auto& iron = org_named(*im, "00D5g000004IrOn");
  EXPECT_EQ(iron.installed_version, not_installed);
  EXPECT_EQ(iron.users, 3u);  // distinct users in the usage log
  EXPECT_EQ(org_named(*im, "00D5g000004HiLl").edition, edition::other);
  EXPECT_EQ(org_named(*im, "00D5g000004HiLl").always_fails, true);  // failed both its pushes
  EXPECT_EQ(org_named(*im, "00D5g000004JaDe").always_fails, false);
  EXPECT_EQ(org_named(*im, "00DCs000000AcmE").parent, acme.key);
}

TEST(PopulationImport, PopulationKeepsWhatTheFilesSayAndDrawsTheRestFromTheSeed) {
  const package pkg = rollup_package();
  std::vector<pushsim::input_error> errors;
  auto im = import_population(example_files(), example_files(), pkg, errors);
  ASSERT_TRUE(im);
  population_spec spec = default_population_spec(pkg);
  spec.count = im->orgs.size();
  spec.imported = std::make_shared<const population_import>(std::move(*im));
  const population a = generate_population(spec, pkg, 1);
  const population b = generate_population(spec, pkg, 1);
  ASSERT_EQ(a.size(), 12u);
  for (const auto& in : spec.imported->orgs) {
    const auto i = a.find(in.key);
    ASSERT_TRUE(i) << in.key.str();
    const org o = a.get(*i);
    if (in.type) {
      EXPECT_EQ(o.type, *in.type);
    }
    if (in.status) {
      EXPECT_EQ(o.status, *in.status);
    }
    if (in.instance) {
      EXPECT_EQ(o.instance, spec.imported->instances.name(*in.instance));
    }
    if (in.installed_version) {
      EXPECT_EQ(o.installed_version, *in.installed_version);
    }
    if (in.users) {
      EXPECT_EQ(o.users, *in.users);
    }
    EXPECT_EQ(o.customizations, b.get(*b.find(in.key)).customizations);
  }
  const org sandbox = a.get(*a.find(*parse_org_key("00DCs000000AcmE")));
  const org parent = a.get(*a.find(*parse_org_key("00D5g000004AcmE")));
  EXPECT_EQ(sandbox.time_zone, parent.time_zone);  // a sandbox shares its production org's zone
  EXPECT_EQ(sandbox.edition, parent.edition);
}

// An org the push history shows pushed (an ended job) was pushable: even a mix where every org is blocked leaves it
// unblocked, and the orgs with no ended job still draw theirs.
TEST(PopulationImport, AnOrgWithAnEndedPushJobDrawsNoPushBlock) {
  const package pkg = rollup_package();
  std::vector<pushsim::input_error> errors;
  auto im = import_population(example_files(), example_files(), pkg, errors);
  ASSERT_TRUE(im);
  population_spec spec = default_population_spec(pkg);
  spec.count = im->orgs.size();
  spec.push_blocked_probability = 1.0;
  spec.imported = std::make_shared<const population_import>(std::move(*im));
  const population pop = generate_population(spec, pkg, 1);
  std::size_t pushed = 0;
  for (const auto& in : spec.imported->orgs) {
    EXPECT_EQ(pop.get(*pop.find(in.key)).push_blocked, !in.pushed) << in.key.str();
    pushed += in.pushed ? 1 : 0;
  }
  EXPECT_GT(pushed, 0u);
  EXPECT_LT(pushed, spec.imported->orgs.size());
}

TEST_F(ImportFiles, MissingColumnNamesLineOneAndTheKindTheFileLooksLike) {
  const auto errors =
      import({write("s.csv", "OrgKey,OrgName,OrgType,InstanceName\n00D5g000004AcmE,a,Production,NA142\n")});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "line 1");
  EXPECT_NE(errors[0].message.find("missing column OrgStatus"), std::string::npos) << errors[0].message;
  EXPECT_NE(errors[0].message.find("looks like a PackageSubscriber export"), std::string::npos);
}

TEST_F(ImportFiles, BadChecksumNamesLineAndColumn) {
  const auto errors =
      import({write("s.csv", subscriber_header + "00D5g000004AcmEAAA,a,Production,Active,NA142,,,u\n")});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "line 2, column 1 (OrgKey)");
  EXPECT_NE(errors[0].message.find("not an org id"), std::string::npos);
}

TEST_F(ImportFiles, ConflictNamesBothFilesAndLines) {
  const auto a = write("a.csv", subscriber_header + "00D5g000004AcmE,a,Production,Active,NA142,,,u\n");
  const auto b = write("b.csv", "sfLma__Subscriber_Org_ID__c,sfLma__Org_Instance__c\n\n00D5g000004AcmE,EU45\n");
  const auto errors = import({a, b});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, b);
  EXPECT_EQ(errors[0].pointer, "line 3, column 2 (sfLma__Org_Instance__c)");
  EXPECT_NE(errors[0].message.find("\"EU45\" here, but \"NA142\" in " + a + ": line 2, column 5 (InstanceName)"),
            std::string::npos)
      << errors[0].message;
}

TEST_F(ImportFiles, QuotedNewlinesAndCrlfAndBomAreRead) {
  const auto errors =
      import({write("s.csv", "\xEF\xBB\xBF" + std::string("OrgKey,OrgName,OrgType,OrgStatus,InstanceName\r\n") +
                                 "00D5g000004AcmE,\"Acme, \"\"North\"\"\r\nDivision\",Production,Weird,NA142\r\n")});
  EXPECT_TRUE(errors.empty()) << errors.front().to_string();
}

TEST_F(ImportFiles, UnknownStatusAndEditionAreKeptAsOtherAndCounted) {
  const auto a = write("s.csv", subscriber_header + "00D5g000004AcmE,a,Production,Suspended,NA142,,,u\n");
  const auto b = write("l.csv", "sfLma__Subscriber_Org_ID__c,sfLma__Org_Edition__c\n00D5g000004AcmE,Starter Edition\n");
  std::vector<pushsim::input_error> errors;
  const auto im = import_population({a, b}, {a, b}, pkg_, errors);
  ASSERT_TRUE(im);
  EXPECT_EQ(im->orgs[0].status, org_status::other);
  EXPECT_EQ(im->orgs[0].edition, edition::other);
  EXPECT_EQ(im->summary.unknown_statuses, 1u);
  EXPECT_EQ(im->summary.unknown_editions, 1u);
}

TEST_F(ImportFiles, AFileOfNoKnownKindSaysSo) {
  const auto errors = import({write("x.csv", "name,seed\nfoo,1\n")});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("match none of PackageSubscriber"), std::string::npos);
  const auto json_errors = import({write("x.json", "{\"name\": \"a scenario\", \"seed\": 1}")});
  ASSERT_EQ(json_errors.size(), 1u);
  EXPECT_NE(json_errors[0].message.find("expected a REST query result"), std::string::npos);
}

TEST_F(ImportFiles, JsonRecordsNameTheirPointer) {
  const auto errors = import({write("s.json", R"({"totalSize": 1, "done": true, "records": [
    {"attributes": {"type": "PackageSubscriber"}, "OrgKey": "00D5g000004AcmE", "OrgType": "Production",
     "OrgStatus": "Active", "InstanceName": "NOPE1"}]})")});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "/records/0/InstanceName");
}

TEST_F(ImportFiles, UnterminatedQuoteNamesLineAndColumn) {
  const auto errors = import({write("s.csv", subscriber_header + "00D5g000004AcmE,\"open,Production\n")});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "line 2, column 2");
}
