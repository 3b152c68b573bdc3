#pragma once
// The sObject schema the SOQL engine resolves names against: objects, fields (with types and references),
// and child relationships. Names are matched case-insensitively; results use the spelling held here.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pushsim::mock_org::api {

// A field's SOAP type as Salesforce's describe reports it.
enum class field_type { id, string, picklist, boolean, integer, double_, datetime, date, reference };

// "id", "string", "picklist", "boolean", "int", "double", "datetime", "date", "reference".
std::string_view field_type_name(field_type t);

// One field of an object.
struct field_def {
  std::string name;  // canonical spelling, e.g. "PackagePushRequestId"
  field_type type = field_type::string;
  std::size_t index = 0;          // position in object_def::fields (data sources may switch on it)
  std::string reference_to;       // for references: the target object's name
  std::string relationship_name;  // for references: the parent relationship, e.g. "PackagePushRequest"
  bool indexed = false;           // a data source is expected to answer lookup_eq on it quickly
};

// A child relationship: rows of child_object whose field (a reference) points at the parent row.
struct child_relationship {
  std::string name;          // e.g. "PackagePushJobs"
  std::string child_object;  // e.g. "PackagePushJob"
  std::string field;         // e.g. "PackagePushRequestId"
};

// One sObject type.
struct object_def {
  std::string name;        // canonical spelling, e.g. "PackagePushJob"
  std::string key_prefix;  // first three characters of its Ids, e.g. "0DX"
  std::size_t index = 0;   // position in schema::objects()
  std::vector<field_def> fields;
  std::vector<child_relationship> children;

  // Field by name (case-insensitive), or nullptr.
  const field_def* find_field(std::string_view name) const;
  // Reference field whose relationship name matches (case-insensitive), or nullptr.
  const field_def* find_parent_relationship(std::string_view relationship) const;
  // Child relationship by name (case-insensitive), or nullptr.
  const child_relationship* find_child_relationship(std::string_view relationship) const;
  // The "Id" field (every object has one).
  const field_def& id_field() const;
};

// A set of objects. Build with add_object(); object_def pointers stay valid once built (call finish()).
class schema {
 public:
  // Adds an object; its fields get their index. Returns it for further set-up.
  object_def& add_object(object_def obj);
  // Fixes indexes and checks references and child relationships (PUSHSIM_ASSERT on a broken schema).
  void finish();

  // Object by name (case-insensitive), or nullptr.
  const object_def* find_object(std::string_view name) const;
  const std::vector<object_def>& objects() const { return objects_; }

 private:
  std::vector<object_def> objects_;
};

// The push-upgrade objects (PackageSubscriber, MetadataPackage, MetadataPackageVersion, PackagePushRequest,
// PackagePushJob, PackagePushError) plus the Organization, User and ScratchOrgInfo objects the Salesforce
// CLI queries at login. Built once; shared.
const schema& push_schema();

}  // namespace pushsim::mock_org::api
