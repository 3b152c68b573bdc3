// libFuzzer target for the SOQL engine: any input must parse or fail with a well-formed error; whatever
// compiles is evaluated over a small data set and rendered. Crashes, sanitizer reports, hangs = bugs.
// Build: see tests/fuzz/README.md.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "pushsim/base/assert.hpp"
#include "pushsim/mock_org/api/memory_data_source.hpp"
#include "pushsim/mock_org/api/schema.hpp"
#include "pushsim/mock_org/api/soql_compiler.hpp"
#include "pushsim/mock_org/api/soql_evaluator.hpp"
#include "pushsim/mock_org/api/soql_json.hpp"

namespace {

using namespace pushsim::mock_org::api;

const memory_data_source& data() {
  static const memory_data_source ds = [] {
    memory_data_source d(push_schema());
    d.add("MetadataPackage", {{"Id", std::string("033000000000001AAA")}, {"Name", std::string("Pkg")}});
    d.add("MetadataPackageVersion", {{"Id", std::string("04t000000000001AAA")},
                                     {"MetadataPackageId", std::string("033000000000001AAA")},
                                     {"MajorVersion", std::int64_t{1}}});
    d.add("PackagePushRequest", {{"Id", std::string("0DV000000000001AAA")},
                                 {"PackageVersionId", std::string("04t000000000001AAA")},
                                 {"Status", std::string("Pending")}});
    const char* statuses[] = {"Succeeded", "Failed", "Pending"};
    for (int i = 0; i < 6; ++i) {
      const std::string id = "0DX00000000000" + std::to_string(i) + "AAA";
      d.add("PackagePushJob", {{"Id", id},
                               {"PackagePushRequestId", std::string("0DV000000000001AAA")},
                               {"SubscriberOrganizationKey", "00D00000000000" + std::to_string(i) + "AAA"},
                               {"Status", std::string(statuses[i % 3])},
                               {"DurationSeconds", std::int64_t{i}}});
      if (i % 3 == 1) {
        d.add("PackagePushError", {{"Id", "0DY00000000000" + std::to_string(i) + "AAA"},
                                   {"PackagePushJobId", id},
                                   {"ErrorType", std::string("DeployError")}});
      }
    }
    d.add("PackageSubscriber", {{"Id", std::string("0Hf000000000001AAA")},
                                {"OrgKey", std::string("00D000000000001AAA")},
                                {"OrgName", std::string("Acme")},
                                {"MetadataPackageVersionId", std::string("04t000000000001AAA")}});
    return d;
  }();
  return ds;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(bytes), size};
  auto r = prepare_soql(text, push_schema());
  if (const auto* e = std::get_if<soql_error>(&r)) {
    PUSHSIM_ASSERT(e->row >= 1 && e->column >= 1, "error position must be 1-based");
    PUSHSIM_ASSERT(!e->error_code.empty() && !e->detail.empty(), "error must carry a code and a detail");
    return 0;
  }
  const auto& q = std::get<std::shared_ptr<const compiled_query>>(r);
  const query_result a = evaluate_soql(q, data());
  const query_result b = evaluate_soql_scan(q, data());
  std::string ja, jb;
  render_query_result(a, "62.0", ja);
  render_query_result(b, "62.0", jb);
  PUSHSIM_ASSERT(ja == jb, "indexed and scanned evaluation must agree");
  return 0;
}
