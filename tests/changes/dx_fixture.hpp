#pragma once
// Test helper: a DX project written into a temporary folder, file by file, and removed afterwards.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "pushsim/changes/dx_source.hpp"

namespace pushsim::changes::test {

inline std::string field_xml(const std::string& type, const std::string& extra = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<CustomField xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n"
         "    <label>A field</label>\n"
         "    <type>" +
         type + "</type>\n" + extra + "</CustomField>\n";
}

inline std::string picklist_xml(const std::vector<std::string>& values) {
  std::string s = "    <valueSet>\n        <valueSetDefinition>\n";
  for (const auto& v : values) {
    s += "            <value>\n                <fullName>" + v + "</fullName>\n            </value>\n";
  }
  return field_xml("Picklist", s + "        </valueSetDefinition>\n    </valueSet>\n");
}

inline std::string meta_xml(const std::string& root, const std::string& api_version) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + root +
         " xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <apiVersion>" + api_version +
         "</apiVersion>\n    <status>Active</status>\n</" + root + ">\n";
}

inline std::string layout_xml(const std::vector<std::string>& fields) {
  std::string s =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Layout xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n"
      "    <layoutSections>\n        <layoutColumns>\n";
  for (const auto& f : fields) {
    s += "            <layoutItems>\n                <field>" + f + "</field>\n            </layoutItems>\n";
  }
  return s + "        </layoutColumns>\n    </layoutSections>\n</Layout>\n";
}

// A small DX project: sfdx-project.json (version `version`, namespace `ns`) and one object Invoice__c with a
// text field Note__c on a layout.
class dx_project {
 public:
  explicit dx_project(const std::string& version = "1.1.0", const std::string& ns = "") {
    std::string pattern = (std::filesystem::temp_directory_path() / "pushsim-dx-test-XXXXXX").string();
    EXPECT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    project(version, ns, "");
    write("force-app/main/default/objects/Invoice__c/fields/Note__c.field-meta.xml", field_xml("Text"));
    write("force-app/main/default/layouts/Invoice__c-Invoice Layout.layout-meta.xml", layout_xml({"Name", "Note__c"}));
  }
  ~dx_project() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  dx_project(const dx_project&) = delete;
  dx_project& operator=(const dx_project&) = delete;

  void project(const std::string& version, const std::string& ns, const std::string& post_install) {
    const std::string script = post_install.empty() ? "" : ", \"postInstallScript\": \"" + post_install + "\"";
    write("sfdx-project.json", "{\"packageDirectories\": [{\"path\": \"force-app\", \"versionNumber\": \"" + version +
                                   ".NEXT\"" + script + "}], \"namespace\": \"" + ns + "\"}\n");
  }
  void write(const std::string& rel, const std::string& text) {
    const auto path = root_ / rel;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }
  void remove(const std::string& rel) { std::filesystem::remove(root_ / rel); }
  const std::filesystem::path& root() const { return root_; }

  std::variant<dx_source, input_error> try_load() const { return load_dx_source(root_, "v/"); }
  dx_source load() const {
    auto s = try_load();
    if (auto* e = std::get_if<input_error>(&s)) ADD_FAILURE() << e->str();
    return std::get<dx_source>(std::move(s));
  }

 private:
  std::filesystem::path root_;
};

}  // namespace pushsim::changes::test
