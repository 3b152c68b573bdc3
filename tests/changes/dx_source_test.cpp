#include "pushsim/changes/dx_source.hpp"

#include <gtest/gtest.h>

#include "dx_fixture.hpp"

namespace pushsim::changes {
namespace {

using test::dx_project;

input_error load_error(const dx_project& p) {
  auto s = p.try_load();
  EXPECT_TRUE(std::holds_alternative<input_error>(s)) << "expected the source to be refused";
  return std::holds_alternative<input_error>(s) ? std::get<input_error>(s) : input_error{};
}

TEST(DxSource, ReadsFieldsLayoutsTriggersAndVersion) {
  dx_project p("2.3.2", "");
  p.write("force-app/main/default/triggers/InvoiceTrigger.trigger",
          "// keeps totals\ntrigger InvoiceTrigger on Invoice__c (after insert) {\n}\n");
  p.write("force-app/main/default/triggers/InvoiceTrigger.trigger-meta.xml", test::meta_xml("ApexTrigger", "58.0"));
  const dx_source s = p.load();
  ASSERT_TRUE(s.version.has_value());
  EXPECT_EQ(s.version->str(), "2.3.2");
  ASSERT_TRUE(s.fields.contains("Invoice__c.Note__c"));
  EXPECT_EQ(s.fields.at("Invoice__c.Note__c").type, "Text");
  EXPECT_EQ(s.fields.at("Invoice__c.Note__c").type_at.line, 4u);
  EXPECT_EQ(s.layouts.at("Invoice__c-Invoice Layout").object, "Invoice__c");
  EXPECT_TRUE(s.layouts.at("Invoice__c-Invoice Layout").field_lines.contains("Note__c"));
  EXPECT_EQ(s.triggers.at("InvoiceTrigger").object, "Invoice__c");
  EXPECT_EQ(s.triggers.at("InvoiceTrigger").api_version, 58);
}

TEST(DxSource, GivesCustomNamesTheProjectNamespace) {
  dx_project p("1.0.0", "rrd");
  p.write("force-app/main/default/objects/Opportunity/fields/Total__c.field-meta.xml", test::field_xml("Currency"));
  const dx_source s = p.load();
  EXPECT_TRUE(s.fields.contains("rrd__Invoice__c.rrd__Note__c"));
  EXPECT_TRUE(s.fields.contains("Opportunity.rrd__Total__c"));
  EXPECT_TRUE(s.layouts.at("Invoice__c-Invoice Layout").field_lines.contains("rrd__Note__c"));
}

TEST(DxSource, RefusesAFolderThatIsNotDxSourceAndSaysWhatWasExpected) {
  dx_project p;
  p.remove("sfdx-project.json");
  const input_error e = load_error(p);
  EXPECT_NE(e.message.find("not DX source"), std::string::npos) << e.str();
  EXPECT_NE(e.message.find("sfdx-project.json"), std::string::npos) << e.str();
  EXPECT_NE(e.message.find("force-app/main/default/objects/<Object>/fields"), std::string::npos) << e.str();
}

TEST(DxSource, RefusesAMissingPackageDirectory) {
  dx_project p;
  p.write("sfdx-project.json", "{\"packageDirectories\": [{\"path\": \"src\"}]}");
  const input_error e = load_error(p);
  EXPECT_EQ(e.file, "v/sfdx-project.json");
  EXPECT_NE(e.message.find("\"src\" is not a folder"), std::string::npos) << e.str();
}

TEST(DxSource, RefusesAProjectWithNoMetadata) {
  dx_project p;
  p.remove("force-app/main/default/objects/Invoice__c/fields/Note__c.field-meta.xml");
  p.remove("force-app/main/default/layouts/Invoice__c-Invoice Layout.layout-meta.xml");
  EXPECT_NE(load_error(p).message.find("no metadata found"), std::string::npos);
}

TEST(DxSource, MalformedXmlNamesTheFileAndLine) {
  dx_project p;
  p.write("force-app/main/default/objects/Invoice__c/fields/Note__c.field-meta.xml",
          "<?xml version=\"1.0\"?>\n<CustomField>\n  <type>Text</type>\n  <label>Note</labl>\n</CustomField>\n");
  const input_error e = load_error(p);
  EXPECT_EQ(e.file, "v/force-app/main/default/objects/Invoice__c/fields/Note__c.field-meta.xml");
  EXPECT_EQ(e.line, 4u);
  EXPECT_NE(e.message.find("malformed XML"), std::string::npos) << e.str();
}

TEST(DxSource, RefusesAFieldFileThatIsNotACustomField) {
  dx_project p;
  p.write("force-app/main/default/objects/Invoice__c/fields/Note__c.field-meta.xml", "<Layout/>\n");
  EXPECT_NE(load_error(p).message.find("expected a <CustomField> document, found <Layout>"), std::string::npos);
}

TEST(DxSource, RefusesATriggerWithoutItsObject) {
  dx_project p;
  p.write("force-app/main/default/triggers/T.trigger", "\n\nclass T {}\n");
  p.write("force-app/main/default/triggers/T.trigger-meta.xml", test::meta_xml("ApexTrigger", "58.0"));
  const input_error e = load_error(p);
  EXPECT_EQ(e.line, 3u);
  EXPECT_NE(e.message.find("trigger <Name> on <Object>"), std::string::npos) << e.str();
}

TEST(DxSource, RefusesAnApiVersionThatIsNotOne) {
  dx_project p;
  p.write("force-app/main/default/classes/C.cls", "public class C {}\n");
  p.write("force-app/main/default/classes/C.cls-meta.xml", test::meta_xml("ApexClass", "fifty"));
  const input_error e = load_error(p);
  EXPECT_EQ(e.line, 3u);
  EXPECT_NE(e.message.find("\"fifty\""), std::string::npos) << e.str();
}

}  // namespace
}  // namespace pushsim::changes
