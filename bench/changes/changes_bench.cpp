// Diffing two versions of a 2,000-component package (issue 16's target: <= 1 s). The package: 40 objects with 45
// fields each (1,800 field files; every sixth a picklist of 8 values), 40 object files, 40 layouts, 60 triggers
// and 60 classes; the newer version changes 30 field types, removes 20 picklist values, takes 15 fields off their
// layouts, makes 10 fields required, adds 3 triggers and 24 fields.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include <benchmark/benchmark.h>

#include "pushsim/changes/change_list.hpp"
#include "pushsim/changes/dx_source.hpp"

namespace {

namespace fs = std::filesystem;
using namespace pushsim::changes;

constexpr int objects = 40, fields_per_object = 45, triggers = 60;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string field(int o, int f, bool newer) {
  const int n = o * fields_per_object + f;
  std::string type = f % 6 == 0 ? "Picklist" : (f % 3 == 0 ? "Number" : "Text");
  if (newer && n % 60 == 1) type = "LongTextArea";
  const bool required = newer && n % 180 == 2;
  std::string s =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<CustomField xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n"
      "    <fullName>F" +
      std::to_string(f) + "__c</fullName>\n    <label>Field " + std::to_string(f) +
      "</label>\n    <description>A generated field.</description>\n    <required>" + (required ? "true" : "false") +
      "</required>\n    <type>" + type + "</type>\n";
  if (type == "Picklist") {
    s += "    <valueSet>\n        <valueSetDefinition>\n";
    const int values = newer && n % 90 == 0 ? 7 : 8;
    for (int v = 0; v < values; ++v) {
      s += "            <value><fullName>V" + std::to_string(v) + "</fullName></value>\n";
    }
    s += "        </valueSetDefinition>\n    </valueSet>\n";
  }
  return s + "</CustomField>\n";
}

void write_version(const fs::path& root, bool newer) {
  const std::string version = newer ? "3.1.0" : "3.0.0";
  write(root / "sfdx-project.json", "{\"packageDirectories\": [{\"path\": \"force-app\", \"versionNumber\": \"" +
                                        version + ".NEXT\"}], \"namespace\": \"big\"}\n");
  const fs::path d = root / "force-app/main/default";
  for (int o = 0; o < objects; ++o) {
    const std::string obj = "Obj" + std::to_string(o) + "__c";
    write(d / "objects" / obj / (obj + ".object-meta.xml"),
          "<CustomObject><label>" + obj + "</label></CustomObject>\n");
    const int count = fields_per_object + (newer && o < 8 ? 3 : 0);
    std::string layout = "<Layout><layoutSections><layoutColumns>\n";
    for (int f = 0; f < count; ++f) {
      write(d / "objects" / obj / "fields" / ("F" + std::to_string(f) + "__c.field-meta.xml"), field(o, f, newer));
      const bool dropped = newer && (o * fields_per_object + f) % 120 == 5;
      if (!dropped) layout += "<layoutItems><field>F" + std::to_string(f) + "__c</field></layoutItems>\n";
    }
    write(d / "layouts" / (obj + "-Main.layout-meta.xml"), layout + "</layoutColumns></layoutSections></Layout>\n");
  }
  for (int t = 0; t < triggers + (newer ? 3 : 0); ++t) {
    const std::string name = "T" + std::to_string(t);
    const std::string object = "Obj" + std::to_string(t % objects) + "__c";
    write(d / "triggers" / (name + ".trigger"), "trigger " + name + " on " + object + " (after insert) {}\n");
    write(d / "triggers" / (name + ".trigger-meta.xml"), "<ApexTrigger><apiVersion>59.0</apiVersion></ApexTrigger>\n");
    write(d / "classes" / ("C" + std::to_string(t) + ".cls"), "public class C" + std::to_string(t) + " {}\n");
    write(d / "classes" / ("C" + std::to_string(t) + ".cls-meta.xml"),
          "<ApexClass><apiVersion>59.0</apiVersion></ApexClass>\n");
  }
}

// The two versions, written once per process under the temporary folder and removed at exit.
struct temp_package {
  fs::path dir;
  temp_package() {
    std::string pattern = (fs::temp_directory_path() / "pushsim-changes-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    dir = pattern;
    write_version(dir / "old", false);
    write_version(dir / "new", true);
  }
  ~temp_package() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const fs::path& package_dir() {
  static const temp_package package;
  return package.dir;
}

dx_source load(const char* version) {
  auto s = load_dx_source(package_dir() / version, std::string(version) + "/");
  if (std::holds_alternative<input_error>(s)) std::abort();
  return std::get<dx_source>(std::move(s));
}

// What `pushsim changes --from old --to new` does before printing: read both versions and diff them.
void bm_load_and_diff_2000_components(benchmark::State& state) {
  package_dir();
  std::size_t changes = 0;
  for (auto _ : state) {
    const change_list list = diff_sources(load("old"), load("new"), {});
    changes = list.changes.size();
    benchmark::DoNotOptimize(changes);
  }
  state.counters["changes"] = static_cast<double>(changes);
}
BENCHMARK(bm_load_and_diff_2000_components)->Unit(benchmark::kMillisecond);

// The diff alone, both versions already read.
void bm_diff_only_2000_components(benchmark::State& state) {
  const dx_source from = load("old"), to = load("new");
  for (auto _ : state) benchmark::DoNotOptimize(diff_sources(from, to, {}).changes.size());
}
BENCHMARK(bm_diff_only_2000_components)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
