#include "query_columns.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api_response.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

using json = nlohmann::json;

// Salesforce's Apex type name of a field type.
const char* apex_type(field_type t) {
  switch (t) {
    case field_type::id: return "Id";
    case field_type::reference: return "Id";
    case field_type::string:
    case field_type::picklist: return "String";
    case field_type::boolean: return "Boolean";
    case field_type::integer: return "Integer";
    case field_type::double_: return "Double";
    case field_type::datetime: return "Datetime";
    case field_type::date: return "Date";
  }
  return "String";
}

const char* function_name(ast::aggregate_fn fn) {
  switch (fn) {
    case ast::aggregate_fn::count: return "COUNT";
    case ast::aggregate_fn::count_distinct: return "COUNT_DISTINCT";
    case ast::aggregate_fn::min: return "MIN";
    case ast::aggregate_fn::max: return "MAX";
    case ast::aggregate_fn::sum: return "SUM";
    case ast::aggregate_fn::avg: return "AVG";
    case ast::aggregate_fn::none: break;
  }
  return "";
}

// "PackagePushRequest.Status" for a path (empty for COUNT()'s missing argument).
std::string path_text(const compiled_path& p) {
  std::string out;
  for (const path_hop& h : p.hops) out += h.field->relationship_name + ".";
  if (p.leaf != nullptr) out += p.leaf->name;
  return out;
}

// "expr0", "expr12": the name SOQL gives an aggregate without an alias.
bool is_expr_name(std::string_view name) {
  if (name.size() < 5 || name.substr(0, 4) != "expr") return false;
  return name.substr(4).find_first_not_of("0123456789") == std::string_view::npos;
}

// One column entry with the flags of field type t (no type: a relationship or an aggregate over none).
json column(const std::string& name, const std::string& display, const field_def* f, bool aggregate) {
  const field_type t = f != nullptr ? f->type : field_type::string;
  const bool number = t == field_type::integer || t == field_type::double_;
  const bool text = t == field_type::string || t == field_type::picklist;
  return {{"aggregate", aggregate},
          {"apexType", f != nullptr ? json(apex_type(t)) : json(nullptr)},
          {"booleanType", f != nullptr && t == field_type::boolean},
          {"columnName", name},
          {"custom", false},
          {"displayName", display},
          {"foreignKeyName", f != nullptr && t == field_type::reference ? json(f->relationship_name) : json(nullptr)},
          {"insertable", false},
          {"joinColumns", json::array()},
          {"numberType", f != nullptr && number},
          {"textType", f != nullptr && text},
          {"updatable", false}};
}

json columns_of(const std::vector<projection>& select);

json column_of(const projection& p) {
  switch (p.what) {
    case projection::kind::field: return column(p.name, p.name, p.field, false);
    case projection::kind::parent: {
      json c = column(p.name, p.name, nullptr, false);
      c["joinColumns"] = columns_of(p.nested);
      return c;
    }
    case projection::kind::children: {
      json c = column(p.name, p.name, nullptr, true);
      if (p.subquery) c["joinColumns"] = columns_of(p.subquery->select);
      return c;
    }
    case projection::kind::aggregate: {
      const std::string arg = path_text(p.argument);
      if (p.group_key) return column(p.name, arg.empty() ? p.name : arg, p.argument.leaf, false);
      // An aliased aggregate shows its alias; an unnamed one (expr0, expr1...) its function text.
      const std::string display = is_expr_name(p.name) ? std::string(function_name(p.fn)) + "(" + arg + ")" : p.name;
      return column(p.name, display, p.argument.leaf, true);
    }
  }
  return column(p.name, p.name, nullptr, false);
}

json columns_of(const std::vector<projection>& select) {
  json out = json::array();
  for (const projection& p : select) out.push_back(column_of(p));
  return out;
}

bool id_selected(const compiled_query& q) {
  for (const projection& p : q.select) {
    if (p.what == projection::kind::field && p.field != nullptr && p.field->type == field_type::id) return true;
  }
  return false;
}

}  // namespace

rest_response query_columns_response(const compiled_query& q) {
  const json body = {{"columnMetadata", columns_of(q.select)},
                     {"entityName", q.aggregate ? std::string("AggregateResult") : q.object->name},
                     {"groupBy", !q.group_by.empty()},
                     {"idSelected", id_selected(q)},
                     {"keyPrefix", q.aggregate ? json(nullptr) : json(q.object->key_prefix)}};
  return json_response(200, body.dump());
}

}  // namespace pushsim::mock_org::api::detail
