#include "pushsim/harness/import_command.hpp"

#include <ostream>

#include "pushsim/base/csv_text.hpp"
#include "pushsim/base/output_file.hpp"
#include "pushsim/harness/scenario_file.hpp"

namespace pushsim::harness {

void print_import_summary(const mock_org::population_import& im, std::ostream& out) {
  for (const auto& [file, kind] : im.summary.files) out << file << ": " << mock_org::to_string(kind) << "\n";
  std::size_t known[8] = {};
  for (const auto& o : im.orgs) {
    known[0] += o.type ? 1 : 0;
    known[1] += o.status ? 1 : 0;
    known[2] += o.instance ? 1 : 0;
    known[3] += o.installed_version ? 1 : 0;
    known[4] += o.zone ? 1 : 0;
    known[5] += o.edition ? 1 : 0;
    known[6] += o.users ? 1 : 0;
    known[7] += o.records.empty() ? 0 : 1;
  }
  out << "orgs: " << im.orgs.size() << " (" << im.summary.push_jobs << " push jobs in the history, "
      << im.summary.orgs_always_failing << " orgs failed their last " << mock_org::always_fails_last_pushes
      << " pushes)\n";
  const char* names[8] = {"type",      "status",  "instance", "installed version",
                          "time zone", "edition", "users",    "records"};
  out << "known (the rest drawn from the scenario):";
  for (std::size_t i = 0; i < 8; ++i) out << (i ? ", " : " ") << names[i] << " " << known[i];
  out << "\n";
  for (const auto& w : im.summary.warnings()) out << "warning: " << w << "\n";
}

std::string imported_orgs_csv(const mock_org::population_import& im, const mock_org::package& pkg,
                              const redactor* redact) {
  std::string out = "OrgKey,OrgName,OrgType,OrgStatus,InstanceName,ParentOrg,InstalledVersion,Edition,TimeZone,Users\n";
  const auto opt = [](const auto& v, auto f) { return v ? std::string(f(*v)) : std::string(); };
  const auto key_text = [&](const std::string& key) { return redact ? redact->org_key(key) : key; };
  const auto name_text = [&](const std::string& name) { return redact ? redact->org_name(name) : name; };
  for (const auto& o : im.orgs) {
    const std::string version = opt(o.installed_version, [&](mock_org::version_index v) {
      return v == mock_org::not_installed ? std::string("none") : pkg.versions[v].number.str();
    });
    const std::vector<std::string> fields = {key_text(o.key.str()),
                                             name_text(o.name),
                                             opt(o.type, [](auto v) { return mock_org::to_string(v); }),
                                             opt(o.status, [](auto v) { return mock_org::to_string(v); }),
                                             opt(o.instance, [&](auto v) { return im.instances.name(v); }),
                                             opt(o.parent, [&](const auto& v) { return key_text(v.str()); }),
                                             version,
                                             opt(o.edition, [](auto v) { return mock_org::to_string(v); }),
                                             opt(o.zone, [&](auto v) { return im.zones.name(v); }),
                                             opt(o.users, [](auto v) { return std::to_string(v); })};
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\n";
  }
  return out;
}

int import_command(const import_arguments& args, std::ostream& out, std::ostream& err) {
  const auto loaded = args.scenario ? load_scenario_file(*args.scenario) : load_default_scenario();
  if (!loaded.value) {
    for (const auto& e : loaded.errors) err << e.to_string() << "\n";
    return 2;
  }
  std::optional<std::filesystem::path> target;
  if (!args.orgs_csv_path.empty()) {
    auto checked = check_output_path(args.orgs_csv_path, args.files);
    if (auto* e = std::get_if<output_error>(&checked)) {
      err << "pushsim import: " << e->to_string() << "\n";
      return 2;
    }
    target = std::get<std::filesystem::path>(checked);
  }
  auto made = make_redactor(args.redact);
  if (const auto* why = std::get_if<std::string>(&made)) {
    err << "pushsim import: " << *why << "\n";
    return 2;
  }
  const auto& redact = std::get<std::optional<redactor>>(made);
  std::vector<input_error> errors;
  const auto im = mock_org::import_population(args.files, args.files, loaded.value->pkg, errors);
  if (!im) {
    for (const auto& e : errors) err << (redact ? redact->text(e.to_string()) : e.to_string()) << "\n";
    return 2;
  }
  print_import_summary(*im, out);
  if (target) {
    const auto csv = imported_orgs_csv(*im, loaded.value->pkg, redact ? &*redact : nullptr);
    if (const auto e = write_atomically(*target, csv)) {
      err << "pushsim import: " << e->to_string() << "\n";
      return 2;
    }
  }
  return 0;
}

}  // namespace pushsim::harness
