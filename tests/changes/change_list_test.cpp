#include "pushsim/changes/change_list.hpp"

#include <gtest/gtest.h>

#include "dx_fixture.hpp"

namespace pushsim::changes {
namespace {

using mock_org::change_kind;
using test::dx_project;

const std::string note = "force-app/main/default/objects/Invoice__c/fields/Note__c.field-meta.xml";
const std::string layout = "force-app/main/default/layouts/Invoice__c-Invoice Layout.layout-meta.xml";
const std::string fields_dir = "force-app/main/default/objects/Invoice__c/fields/";

change_list diff(const dx_project& from, const dx_project& to, diff_options o = {}) {
  return diff_sources(from.load(), to.load(), o);
}

// The only change of `list`, which must be of `kind`.
derived_change only_change(const change_list& list, change_kind kind) {
  EXPECT_EQ(list.changes.size(), 1u);
  if (list.changes.empty()) return {};
  EXPECT_EQ(list.changes[0].kind, kind) << mock_org::to_string(list.changes[0].kind);
  return list.changes[0];
}

TEST(ChangeList, IdenticalVersionsGiveAnEmptyList) {
  dx_project a, b;
  const change_list list = diff(a, b);
  EXPECT_TRUE(list.empty());
  EXPECT_TRUE(list.patch_violations.empty());
}

TEST(ChangeList, TypeChangeIsAFieldTypeChangeWithBothTypesAsEvidence) {
  dx_project a, b;
  b.write(note, test::field_xml("LongTextArea"));
  const derived_change c = only_change(diff(a, b), change_kind::field_type_change);
  EXPECT_EQ(c.field, "Invoice__c.Note__c");
  EXPECT_EQ(c.new_type, mock_org::field_type::long_text);
  ASSERT_EQ(c.seen.size(), 2u);
  EXPECT_EQ(c.seen[0].file, "v/" + note);
  EXPECT_EQ(c.seen[0].line, 4u);
  EXPECT_EQ(c.seen[0].element, "<type>LongTextArea</type>");
}

TEST(ChangeList, TypeChangeToATypeThePackageModelLacksIsUnclassified) {
  dx_project a, b;
  b.write(note, test::field_xml("Email"));
  const change_list list = diff(a, b);
  EXPECT_TRUE(list.changes.empty());
  ASSERT_EQ(list.unclassified.size(), 1u);
  EXPECT_NE(list.unclassified[0].what.find("from Text to Email"), std::string::npos);
}

TEST(ChangeList, FieldOnNoLayoutAnyMoreIsRemovedFromLayouts) {
  dx_project a, b;
  b.write(layout, test::layout_xml({"Name"}));
  const derived_change c = only_change(diff(a, b), change_kind::field_removed_from_layouts);
  EXPECT_EQ(c.field, "Invoice__c.Note__c");
  ASSERT_EQ(c.seen.size(), 1u);
  EXPECT_EQ(c.seen[0].file, "v/" + layout);
  EXPECT_EQ(c.seen[0].element, "<field>Note__c</field>");
}

TEST(ChangeList, FieldTakenOffOneLayoutButOnAnotherIsOnlyUnclassified) {
  dx_project a, b;
  const std::string other = "force-app/main/default/layouts/Invoice__c-Other.layout-meta.xml";
  a.write(other, test::layout_xml({"Note__c"}));
  b.write(other, test::layout_xml({"Note__c"}));
  b.write(layout, test::layout_xml({"Name"}));
  const change_list list = diff(a, b);
  EXPECT_TRUE(list.changes.empty());
  ASSERT_EQ(list.unclassified.size(), 1u);
  EXPECT_NE(list.unclassified[0].what.find("still on another layout"), std::string::npos);
}

TEST(ChangeList, FieldMadeRequiredIsANewRequiredFieldOnItsObject) {
  dx_project a, b;
  b.write(note, test::field_xml("Text", "    <required>true</required>\n"));
  const derived_change c = only_change(diff(a, b), change_kind::new_required_field);
  EXPECT_EQ(c.object, "Invoice__c");
  EXPECT_EQ(c.seen[0].line, 5u);
}

TEST(ChangeList, NewRequiredFieldIsBothNewAndRequired) {
  dx_project a, b;
  b.write(fields_dir + "Due__c.field-meta.xml", test::field_xml("Date", "    <required>true</required>\n"));
  const change_list list = diff(a, b);
  ASSERT_EQ(list.changes.size(), 2u);
  EXPECT_EQ(list.changes[0].kind, change_kind::new_required_field);
  EXPECT_EQ(list.changes[1].kind, change_kind::new_custom_fields);
  EXPECT_EQ(list.changes[1].count, 1u);
}

TEST(ChangeList, NewFieldsAreCountedPerObject) {
  dx_project a, b;
  for (const char* f : {"A__c", "B__c", "C__c"}) b.write(fields_dir + f + ".field-meta.xml", test::field_xml("Number"));
  b.write("force-app/main/default/objects/Account/fields/D__c.field-meta.xml", test::field_xml("Number"));
  const change_list list = diff(a, b);
  ASSERT_EQ(list.changes.size(), 2u);
  EXPECT_EQ(list.changes[0].object, "Account");
  EXPECT_EQ(list.changes[0].count, 1u);
  EXPECT_EQ(list.changes[1].object, "Invoice__c");
  EXPECT_EQ(list.changes[1].count, 3u);
  EXPECT_EQ(list.changes[1].seen.size(), 3u);
}

TEST(ChangeList, RemovedPicklistValueIsListedWithItsLineInTheOlderVersion) {
  dx_project a, b;
  a.write(fields_dir + "Stage__c.field-meta.xml", test::picklist_xml({"Open", "Paid", "Void"}));
  b.write(fields_dir + "Stage__c.field-meta.xml", test::picklist_xml({"Open", "Paid"}));
  const derived_change c = only_change(diff(a, b), change_kind::picklist_value_removed);
  EXPECT_EQ(c.field, "Invoice__c.Stage__c");
  EXPECT_EQ(c.value, "Void");
  EXPECT_EQ(c.seen[0].line, 13u);
}

TEST(ChangeList, ValueRemovedFromAGlobalValueSetIsRemovedFromEveryFieldUsingIt) {
  auto gvs = [](const std::vector<std::string>& values) {
    std::string s = "<GlobalValueSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n";
    for (const auto& v : values) s += "    <customValue>\n        <fullName>" + v + "</fullName>\n    </customValue>\n";
    return s + "</GlobalValueSet>\n";
  };
  const std::string uses =
      test::field_xml("Picklist", "    <valueSet>\n        <valueSetName>Regions</valueSetName>\n    </valueSet>\n");
  dx_project a, b;
  for (dx_project* p : {&a, &b}) {
    p->write(fields_dir + "Region__c.field-meta.xml", uses);
    p->write("force-app/main/default/objects/Account/fields/Region__c.field-meta.xml", uses);
  }
  a.write("force-app/main/default/globalValueSets/Regions.globalValueSet-meta.xml", gvs({"AMER", "EMEA", "APAC"}));
  b.write("force-app/main/default/globalValueSets/Regions.globalValueSet-meta.xml", gvs({"AMER", "APAC"}));
  const change_list list = diff(a, b);
  ASSERT_EQ(list.changes.size(), 2u);
  EXPECT_EQ(list.changes[0].field, "Account.Region__c");
  EXPECT_EQ(list.changes[1].field, "Invoice__c.Region__c");
  EXPECT_EQ(list.changes[1].value, "EMEA");
  EXPECT_EQ(list.changes[1].seen[0].file, "v/force-app/main/default/globalValueSets/Regions.globalValueSet-meta.xml");
}

TEST(ChangeList, NewTriggerNamesItsObject) {
  dx_project a, b;
  b.write("force-app/main/default/triggers/InvoiceTrigger.trigger",
          "trigger InvoiceTrigger on Invoice__c (before insert) {}\n");
  b.write("force-app/main/default/triggers/InvoiceTrigger.trigger-meta.xml", test::meta_xml("ApexTrigger", "59.0"));
  const derived_change c = only_change(diff(a, b), change_kind::new_trigger);
  EXPECT_EQ(c.object, "Invoice__c");
  EXPECT_EQ(c.seen[0].file, "v/force-app/main/default/triggers/InvoiceTrigger.trigger");
}

TEST(ChangeList, PostInstallScriptIsPresentWithoutAnEstimate) {
  dx_project a, b;
  b.project("1.1.0", "", "Setup");
  b.write("force-app/main/default/classes/Setup.cls", "global class Setup implements InstallHandler {}\n");
  b.write("force-app/main/default/classes/Setup.cls-meta.xml", test::meta_xml("ApexClass", "59.0"));
  const change_list list = diff(a, b);
  const derived_change c = only_change(list, change_kind::post_install_script);
  EXPECT_EQ(c.post_install_class, "Setup");
  EXPECT_FALSE(c.cost_us_per_record.has_value());
  EXPECT_TRUE(c.object.empty());
  EXPECT_TRUE(list.unclassified.empty()) << "the post-install class is the script's evidence, not unclassified";
}

TEST(ChangeList, ApiVersionRetiredWhenTheNewVersionLeavesEveryOldOneBehind) {
  dx_project a, b;
  a.write("force-app/main/default/classes/Api.cls", "global class Api {}\n");
  a.write("force-app/main/default/classes/Api.cls-meta.xml", test::meta_xml("ApexClass", "30.0"));
  b.write("force-app/main/default/classes/Api.cls", "global class Api {}\n");
  b.write("force-app/main/default/classes/Api.cls-meta.xml", test::meta_xml("ApexClass", "59.0"));
  const change_list list = diff(a, b, {30, std::nullopt});
  ASSERT_FALSE(list.changes.empty());
  EXPECT_EQ(list.changes[0].kind, change_kind::api_version_retired);
  EXPECT_EQ(list.changes[0].api_version, 30);
  EXPECT_TRUE(diff(a, b).changes.empty()) << "without a retirement line no API version is retired";
}

TEST(ChangeList, ComponentStillOnARetiredApiVersionIsUnclassifiedNotRetired) {
  dx_project a, b;
  for (dx_project* p : {&a, &b}) {
    p->write("force-app/main/default/flows/Old.flow-meta.xml", "<Flow>\n    <apiVersion>28.0</apiVersion>\n</Flow>\n");
  }
  const change_list list = diff(a, b, {30, std::nullopt});
  EXPECT_TRUE(list.changes.empty());
  ASSERT_EQ(list.unclassified.size(), 1u);
  EXPECT_NE(list.unclassified[0].what.find("still on an API version"), std::string::npos);
}

TEST(ChangeList, UnknownElementIsListedAsUnclassified) {
  dx_project a, b;
  b.write(note, test::field_xml("Text", "    <encryptionScheme>None</encryptionScheme>\n"));
  const change_list list = diff(a, b);
  EXPECT_TRUE(list.changes.empty());
  ASSERT_EQ(list.unclassified.size(), 1u);
  EXPECT_EQ(list.unclassified[0].at.element, "<encryptionScheme>");
  EXPECT_EQ(list.unclassified[0].at.line, 5u);
}

TEST(ChangeList, UnknownFileTypeIsListedAsUnclassified) {
  dx_project a, b;
  b.write("force-app/main/default/tabs/Invoice__c.tab-meta.xml", "<CustomTab/>\n");
  const change_list list = diff(a, b);
  ASSERT_EQ(list.unclassified.size(), 1u);
  EXPECT_EQ(list.unclassified[0].at.file, "v/force-app/main/default/tabs/Invoice__c.tab-meta.xml");
}

TEST(ChangeList, PatchWithATypeChangeBreaksThePatchRule) {
  dx_project a("2.3.1"), b("2.3.2");
  b.write(note, test::field_xml("Number"));
  const change_list list = diff(a, b);
  ASSERT_EQ(list.patch_violations.size(), 1u);
  EXPECT_EQ(list.patch_violations[0].rule, "a patch cannot change a field's type");
  EXPECT_TRUE(diff(a, b, {std::nullopt, mock_org::version_number{2, 4, 0}}).patch_violations.empty())
      << "a minor version may change a type";
}

TEST(ChangeList, PatchThatRemovesAFieldOrAddsARequiredOneBreaksThePatchRules) {
  dx_project a("1.0.0"), b("1.0.1");
  b.remove(note);
  b.write(fields_dir + "Due__c.field-meta.xml", test::field_xml("Date", "    <required>true</required>\n"));
  const change_list list = diff(a, b);
  ASSERT_EQ(list.patch_violations.size(), 2u);
  EXPECT_EQ(list.patch_violations[0].rule, "a patch cannot add a required field or make a field required");
  EXPECT_EQ(list.patch_violations[1].rule, "a patch cannot remove a component");
}

TEST(ChangeList, NewTriggerInAPatchIsNotCheckedByThePatchRules) {
  dx_project a("1.0.0"), b("1.0.1");
  b.write("force-app/main/default/triggers/T.trigger", "trigger T on Invoice__c (after insert) {}\n");
  b.write("force-app/main/default/triggers/T.trigger-meta.xml", test::meta_xml("ApexTrigger", "59.0"));
  EXPECT_TRUE(diff(a, b).patch_violations.empty());
}

}  // namespace
}  // namespace pushsim::changes
