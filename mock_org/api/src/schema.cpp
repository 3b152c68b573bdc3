#include "pushsim/mock_org/api/schema.hpp"

#include <utility>

#include "pushsim/base/assert.hpp"
#include "pushsim/mock_org/api/value.hpp"

namespace pushsim::mock_org::api {

std::string_view field_type_name(field_type t) {
  switch (t) {
    case field_type::id: return "id";
    case field_type::string: return "string";
    case field_type::picklist: return "picklist";
    case field_type::boolean: return "boolean";
    case field_type::integer: return "int";
    case field_type::double_: return "double";
    case field_type::datetime: return "dateTime";
    case field_type::date: return "date";
    case field_type::reference: return "reference";
  }
  return "string";
}

const field_def* object_def::find_field(std::string_view n) const {
  for (const auto& f : fields) {
    if (iequals(f.name, n)) return &f;
  }
  return nullptr;
}

const field_def* object_def::find_parent_relationship(std::string_view relationship) const {
  for (const auto& f : fields) {
    if (f.type == field_type::reference && iequals(f.relationship_name, relationship)) return &f;
  }
  return nullptr;
}

const child_relationship* object_def::find_child_relationship(std::string_view relationship) const {
  for (const auto& c : children) {
    if (iequals(c.name, relationship)) return &c;
  }
  return nullptr;
}

const field_def& object_def::id_field() const {
  PUSHSIM_ASSERT(!fields.empty() && fields.front().type == field_type::id, "every object starts with its Id field");
  return fields.front();
}

object_def& schema::add_object(object_def obj) {
  objects_.push_back(std::move(obj));
  return objects_.back();
}

void schema::finish() {
  for (std::size_t i = 0; i < objects_.size(); ++i) {
    auto& o = objects_[i];
    o.index = i;
    for (std::size_t k = 0; k < o.fields.size(); ++k) o.fields[k].index = k;
    PUSHSIM_ASSERT(!o.fields.empty() && o.fields.front().name == "Id", "first field must be Id: " + o.name);
  }
  for (const auto& o : objects_) {
    for (const auto& f : o.fields) {
      if (f.type == field_type::reference) {
        PUSHSIM_ASSERT(find_object(f.reference_to) != nullptr, "reference to unknown object: " + f.reference_to);
        PUSHSIM_ASSERT(!f.relationship_name.empty(), "reference without relationship name: " + f.name);
      }
    }
    for (const auto& c : o.children) {
      const object_def* child = find_object(c.child_object);
      PUSHSIM_ASSERT(child != nullptr, "child relationship to unknown object: " + c.child_object);
      const field_def* ref = child->find_field(c.field);
      PUSHSIM_ASSERT(ref != nullptr && ref->type == field_type::reference && ref->reference_to == o.name,
                     "child relationship field must reference the parent: " + c.name);
    }
  }
}

const object_def* schema::find_object(std::string_view n) const {
  for (const auto& o : objects_) {
    if (iequals(o.name, n)) return &o;
  }
  return nullptr;
}

namespace {

field_def fld(std::string name, field_type t, bool indexed = false) {
  field_def f;
  f.name = std::move(name);
  f.type = t;
  f.indexed = indexed;
  return f;
}

field_def ref(std::string name, std::string target, std::string relationship, bool indexed = true) {
  field_def f = fld(std::move(name), field_type::reference, indexed);
  f.reference_to = std::move(target);
  f.relationship_name = std::move(relationship);
  return f;
}

schema build_push_schema() {
  using T = field_type;
  schema s;
  s.add_object({"MetadataPackage",
                "033",
                0,
                {fld("Id", T::id, true), fld("Name", T::string), fld("NamespacePrefix", T::string),
                 fld("PackageCategory", T::picklist), fld("SystemModstamp", T::datetime)},
                {}});
  s.add_object({"MetadataPackageVersion",
                "04t",
                0,
                {fld("Id", T::id, true), fld("Name", T::string),
                 ref("MetadataPackageId", "MetadataPackage", "MetadataPackage"), fld("ReleaseState", T::picklist),
                 fld("MajorVersion", T::integer), fld("MinorVersion", T::integer), fld("PatchVersion", T::integer),
                 fld("BuildNumber", T::integer), fld("IsDeprecated", T::boolean), fld("SystemModstamp", T::datetime)},
                {{"PackageSubscribers", "PackageSubscriber", "MetadataPackageVersionId"}}});
  s.add_object(
      {"PackageSubscriber",
       "0Hf",
       0,
       {fld("Id", T::id, true), fld("OrgKey", T::string, true), fld("OrgName", T::string),
        fld("OrgType", T::picklist, true), fld("OrgStatus", T::picklist, true), fld("InstanceName", T::string, true),
        fld("ParentOrg", T::string), fld("InstalledStatus", T::picklist, true),
        ref("MetadataPackageId", "MetadataPackage", "MetadataPackage"),
        ref("MetadataPackageVersionId", "MetadataPackageVersion", "MetadataPackageVersion"),
        fld("SystemModstamp", T::datetime)},
       {}});
  s.add_object({"PackagePushRequest",
                "0DV",
                0,
                {fld("Id", T::id, true), ref("PackageVersionId", "MetadataPackageVersion", "PackageVersion"),
                 fld("ScheduledStartTime", T::datetime), fld("Status", T::picklist, true),
                 fld("StartTime", T::datetime), fld("EndTime", T::datetime), fld("DurationSeconds", T::integer),
                 fld("IsMigration", T::boolean), fld("CreatedDate", T::datetime), fld("SystemModstamp", T::datetime)},
                {{"PackagePushJobs", "PackagePushJob", "PackagePushRequestId"}}});
  s.add_object({"PackagePushJob",
                "0DX",
                0,
                {fld("Id", T::id, true), ref("PackagePushRequestId", "PackagePushRequest", "PackagePushRequest"),
                 fld("SubscriberOrganizationKey", T::string, true), fld("Status", T::picklist, true),
                 fld("StartTime", T::datetime), fld("EndTime", T::datetime), fld("DurationSeconds", T::integer),
                 fld("CreatedDate", T::datetime), fld("SystemModstamp", T::datetime)},
                {{"PackagePushErrors", "PackagePushError", "PackagePushJobId"}}});
  s.add_object({"PackagePushError",
                "0DY",
                0,
                {fld("Id", T::id, true), ref("PackagePushJobId", "PackagePushJob", "PackagePushJob"),
                 fld("ErrorSeverity", T::picklist), fld("ErrorType", T::picklist, true), fld("ErrorTitle", T::string),
                 fld("ErrorMessage", T::string), fld("ErrorDetails", T::string), fld("SystemModstamp", T::datetime)},
                {}});
  s.add_object(
      {"Organization",
       "00D",
       0,
       {fld("Id", T::id, true), fld("Name", T::string), fld("IsSandbox", T::boolean),
        fld("TrialExpirationDate", T::datetime), fld("NamespacePrefix", T::string),
        fld("OrganizationType", T::picklist), fld("InstanceName", T::string), fld("DefaultLocaleSidKey", T::picklist),
        fld("LanguageLocaleKey", T::picklist), fld("TimeZoneSidKey", T::picklist)},
       {}});
  s.add_object({"User",
                "005",
                0,
                {fld("Id", T::id, true), fld("Username", T::string, true), fld("Name", T::string),
                 fld("FirstName", T::string), fld("LastName", T::string), fld("Email", T::string),
                 fld("IsActive", T::boolean), fld("TimeZoneSidKey", T::picklist), fld("LanguageLocaleKey", T::picklist),
                 fld("LocaleSidKey", T::picklist), fld("UserType", T::picklist)},
                {}});
  s.add_object({"ScratchOrgInfo",
                "2SR",
                0,
                {fld("Id", T::id, true), fld("ScratchOrg", T::string, true), fld("SignupUsername", T::string),
                 fld("OrgName", T::string), fld("Edition", T::picklist), fld("Status", T::picklist),
                 fld("ExpirationDate", T::date), fld("CreatedDate", T::datetime)},
                {}});
  s.finish();
  return s;
}

}  // namespace

const schema& push_schema() {
  static const schema s = build_push_schema();
  return s;
}

}  // namespace pushsim::mock_org::api
