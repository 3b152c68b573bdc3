#include "pushsim/changes/changes_command.hpp"

#include <filesystem>
#include <ostream>
#include <system_error>
#include <variant>
#include <vector>

#include "pushsim/base/output_file.hpp"
#include "pushsim/changes/change_list.hpp"
#include "pushsim/changes/change_report.hpp"
#include "pushsim/changes/dx_source.hpp"
#include "pushsim/changes/git_tree.hpp"
#include "pushsim/changes/package_update.hpp"
#include "pushsim/mock_org/package_json.hpp"
#include "xml_file.hpp"

namespace pushsim::changes {

namespace {

namespace fs = std::filesystem;

// A folder, or else a ref of the repository, read as DX source (a ref's extracted copy is gone on return).
std::variant<dx_source, input_error> open_version(const std::string& spec, const std::string& repo) {
  std::error_code ec;
  if (fs::is_directory(spec, ec)) {
    return load_dx_source(spec, spec.ends_with('/') ? spec : spec + "/");
  }
  auto tree = git_tree::extract(repo, spec);
  if (auto* e = std::get_if<input_error>(&tree)) return std::move(*e);
  return load_dx_source(std::get<git_tree>(tree).root(), spec + ":");
}

std::variant<mock_org::package, input_error> read_package(const std::string& path) {
  auto text = detail::read_text(path, path);
  if (auto* e = std::get_if<input_error>(&text)) return std::move(*e);
  auto parsed = mock_org::parse_package_text(std::get<std::string>(text));
  if (!parsed) return input_error{path, 0, parsed.error.to_string()};
  return std::move(*parsed.value);
}

// Flags parsed into typed values (or the first error).
struct parsed_flags {
  std::optional<mock_org::version_number> version;
  std::optional<post_install_estimate> estimate;
  std::optional<mock_org::package> package;
};

std::variant<parsed_flags, std::string> parse_flags(const changes_arguments& a) {
  parsed_flags f;
  if (!a.version.empty()) {
    f.version = mock_org::parse_version_number(a.version);
    if (!f.version) return "--version: expected major.minor.patch (e.g. 2.3.2), got \"" + a.version + "\"";
  }
  if (!a.post_install_estimate.empty()) {
    auto e = parse_post_install_estimate(a.post_install_estimate);
    if (auto* m = std::get_if<std::string>(&e)) return "--post-install-estimate: " + *m;
    f.estimate = std::get<post_install_estimate>(e);
  }
  if (!a.package_json.empty()) {
    auto p = read_package(a.package_json);
    if (auto* e = std::get_if<input_error>(&p)) return e->str();
    f.package = std::get<mock_org::package>(std::move(p));
  }
  return f;
}

void fill_estimates(change_list& list, const changes_arguments& a, const parsed_flags& f) {
  if (f.estimate) apply_estimate(list, *f.estimate, "--post-install-estimate");
  if (f.package && list.version) apply_estimate_from(list, *f.package, *list.version, a.package_json);
}

// The files to write: the JSON report and the updated package; an error when the package cannot take the list.
std::variant<std::vector<output_text>, input_error> render_outputs(const changes_arguments& a, const parsed_flags& f,
                                                                   const change_list& list,
                                                                   const std::vector<fs::path>& targets) {
  std::vector<output_text> files;
  if (!a.json_path.empty()) files.push_back({targets[0], json_report(list, a.from, a.to)});
  if (f.package) {
    if (!list.version) {
      return input_error{a.package_json, 0, "--package-json needs --version (or a versionNumber in sfdx-project.json)"};
    }
    auto text = updated_package_json(*f.package, *list.version, list, a.package_json);
    if (auto* e = std::get_if<input_error>(&text)) return std::move(*e);
    files.push_back({targets[1], std::get<std::string>(std::move(text))});
  }
  return files;
}

void report_written(const mock_org::package& p, const change_list& list, const std::string& file, std::ostream& out) {
  out << "wrote " << list.changes.size() << " change(s) into " << file << " version " << list.version->str() << "\n";
  const auto v = p.find_version(*list.version);
  std::size_t kept = 0;
  for (const mock_org::change& c : p.versions[*v].changes) kept += c.kind == mock_org::change_kind::required_feature;
  if (kept > 0) out << "kept " << kept << " required_feature change(s) already there (metadata does not show them)\n";
}

}  // namespace

int changes_command(const changes_arguments& a, std::ostream& out, std::ostream& err) {
  auto fail = [&](const std::string& message) {
    err << "pushsim changes: " << message << "\n";
    return 2;
  };
  auto checked = check_output_paths({a.json_path, a.package_json}, {});
  if (const auto* errors = std::get_if<std::vector<output_error>>(&checked)) {
    for (const auto& e : *errors) err << "pushsim changes: " << e.to_string() << "\n";
    return 2;
  }
  auto flags = parse_flags(a);
  if (auto* m = std::get_if<std::string>(&flags)) return fail(*m);
  const parsed_flags& f = std::get<parsed_flags>(flags);
  auto from = open_version(a.from, a.repo);
  if (auto* e = std::get_if<input_error>(&from)) return fail(e->str());
  auto to = open_version(a.to, a.repo);
  if (auto* e = std::get_if<input_error>(&to)) return fail(e->str());
  const dx_source& newer = std::get<dx_source>(to);
  const auto version = f.version ? f.version : newer.version;
  auto retired = a.retired_api_version;
  if (!retired && f.package && version) retired = retired_api_version_in(*f.package, *version);
  change_list list = diff_sources(std::get<dx_source>(from), newer, {retired, f.version});
  fill_estimates(list, a, f);
  out << text_report(list, a.from, a.to);
  if (!list.patch_violations.empty()) {
    err << "pushsim changes: patch " << list.version->str() << " breaks " << list.patch_violations.size()
        << " patch rule(s) (structural changes need a major or minor version); nothing written\n";
    return 1;
  }
  auto files = render_outputs(a, f, list, std::get<std::vector<fs::path>>(checked));
  if (auto* e = std::get_if<input_error>(&files)) return fail(e->str());
  if (const auto e = write_all_atomically(std::get<std::vector<output_text>>(files))) return fail(e->to_string());
  if (f.package) report_written(*f.package, list, a.package_json, out);
  return 0;
}

}  // namespace pushsim::changes
