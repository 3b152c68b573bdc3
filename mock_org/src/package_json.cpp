#include "pushsim/mock_org/package_json.hpp"

#include "json_reader.hpp"

namespace pushsim::mock_org {

using detail::child;
using detail::json;
using detail::reader;

namespace {

bool parse_change(reader& r, const json& j, const std::string& ptr, const package& p, change& c) {
  if (!j.is_object()) return r.fail(ptr, "expected an object, found " + detail::json_found(j));
  if (!j.contains("kind")) return r.fail(ptr, "a change needs a \"kind\"");
  std::string s;
  if (!r.string(j["kind"], child(ptr, "kind"), s)) return false;
  const auto kind = parse_change_kind(s);
  if (!kind) {
    return r.fail(child(ptr, "kind"), "unknown change kind \"" + s +
                                          "\" (expected field_type_change, field_removed_from_layouts, "
                                          "new_required_field, picklist_value_removed, new_trigger, "
                                          "post_install_script, required_feature, api_version_retired, "
                                          "new_custom_fields)");
  }
  c.kind = *kind;
  auto need_field = [&]() -> bool {
    if (!j.contains("field")) return r.fail(ptr, std::string(to_string(c.kind)) + " needs a \"field\" (Object.Field)");
    if (!r.string(j["field"], child(ptr, "field"), s)) return false;
    const auto f = p.find_field(s);
    if (!f) return r.fail(child(ptr, "field"), "the package has no managed field \"" + s + "\"");
    c.field = *f;
    return true;
  };
  auto need_object = [&]() -> bool {
    if (!j.contains("object")) return r.fail(ptr, std::string(to_string(c.kind)) + " needs an \"object\"");
    if (!r.string(j["object"], child(ptr, "object"), s)) return false;
    const auto o = p.find_object(s);
    if (!o) return r.fail(child(ptr, "object"), "the package has no managed object \"" + s + "\"");
    c.object = *o;
    return true;
  };
  std::int64_t n = 0;
  switch (c.kind) {
    case change_kind::field_type_change: {
      if (!r.object(j, ptr, {"kind", "field", "new_type"}) || !need_field()) return false;
      if (!j.contains("new_type")) return r.fail(ptr, "field_type_change needs \"new_type\"");
      if (!r.string(j["new_type"], child(ptr, "new_type"), s)) return false;
      const auto t = parse_field_type(s);
      if (!t) return r.fail(child(ptr, "new_type"), "unknown field type \"" + s + "\"");
      c.new_type = *t;
      return true;
    }
    case change_kind::field_removed_from_layouts: return r.object(j, ptr, {"kind", "field"}) && need_field();
    case change_kind::new_required_field:
    case change_kind::new_trigger: return r.object(j, ptr, {"kind", "object"}) && need_object();
    case change_kind::picklist_value_removed:
      if (!r.object(j, ptr, {"kind", "field", "value"}) || !need_field()) return false;
      if (!j.contains("value")) return r.fail(ptr, "picklist_value_removed needs \"value\"");
      return r.string(j["value"], child(ptr, "value"), c.text);
    case change_kind::post_install_script:
      if (!r.object(j, ptr, {"kind", "object", "cost_us_per_record"}) || !need_object()) return false;
      if (!j.contains("cost_us_per_record")) return r.fail(ptr, "post_install_script needs \"cost_us_per_record\"");
      return r.number(j["cost_us_per_record"], child(ptr, "cost_us_per_record"), 0.0, 1e9, c.cost_us_per_record);
    case change_kind::required_feature: {
      if (!r.object(j, ptr, {"kind", "feature"})) return false;
      if (!j.contains("feature")) return r.fail(ptr, "required_feature needs \"feature\"");
      if (!r.string(j["feature"], child(ptr, "feature"), s)) return false;
      const auto f = parse_platform_feature(s);
      if (!f) return r.fail(child(ptr, "feature"), "unknown platform feature \"" + s + "\"");
      c.feature = *f;
      return true;
    }
    case change_kind::api_version_retired:
      if (!r.object(j, ptr, {"kind", "api_version"})) return false;
      if (!j.contains("api_version")) return r.fail(ptr, "api_version_retired needs \"api_version\"");
      if (!r.integer(j["api_version"], child(ptr, "api_version"), 1, 999, n)) return false;
      c.api_version = static_cast<std::uint16_t>(n);
      return true;
    case change_kind::new_custom_fields:
      if (!r.object(j, ptr, {"kind", "object", "count"}) || !need_object()) return false;
      if (!j.contains("count")) return r.fail(ptr, "new_custom_fields needs \"count\"");
      if (!r.integer(j["count"], child(ptr, "count"), 1, 10'000, n)) return false;
      c.count = static_cast<std::uint32_t>(n);
      return true;
  }
  return r.fail(ptr, "unknown change");
}

}  // namespace

parse_result<package> parse_package(const json& j, std::string_view pointer) {
  reader r;
  package p;
  const std::string base(pointer);
  auto done = [&]() -> parse_result<package> {
    if (r.failed) return {std::nullopt, r.err};
    return {std::move(p), {}};
  };
  if (!r.object(j, base, {"name", "namespace", "objects", "versions"})) return done();
  if (j.contains("name") && !r.string(j["name"], child(base, "name"), p.name)) return done();
  if (j.contains("namespace") && !r.string(j["namespace"], child(base, "namespace"), p.namespace_prefix)) return done();
  const std::string op = child(base, "objects");
  if (!j.contains("objects") || !j["objects"].is_array() || j["objects"].empty()) {
    r.fail(j.contains("objects") ? op : base, "a package needs \"objects\": a non-empty array");
    return done();
  }
  for (std::size_t i = 0; i < j["objects"].size(); ++i) {
    const json& o = j["objects"][i];
    const std::string ip = child(op, i);
    if (!r.object(o, ip, {"name", "standard", "fields"})) return done();
    managed_object mo;
    if (!o.contains("name")) {
      r.fail(ip, "an object needs a \"name\"");
      return done();
    }
    if (!r.string(o["name"], child(ip, "name"), mo.api_name)) return done();
    if (p.find_object(mo.api_name)) {
      r.fail(child(ip, "name"), "duplicate object \"" + mo.api_name + "\"");
      return done();
    }
    if (o.contains("standard") && !r.boolean(o["standard"], child(ip, "standard"), mo.standard)) return done();
    p.objects.push_back(mo);
    const auto obj = static_cast<object_index>(p.objects.size() - 1);
    if (!o.contains("fields")) continue;
    const std::string fp = child(ip, "fields");
    if (!o["fields"].is_array()) {
      r.fail(fp, "expected an array of fields");
      return done();
    }
    for (std::size_t k = 0; k < o["fields"].size(); ++k) {
      const json& f = o["fields"][k];
      const std::string kp = child(fp, k);
      if (!r.object(f, kp, {"name", "type", "picklist_values"})) return done();
      managed_field mf;
      mf.object = obj;
      if (!f.contains("name") || !f.contains("type")) {
        r.fail(kp, "a field needs \"name\" and \"type\"");
        return done();
      }
      if (!r.string(f["name"], child(kp, "name"), mf.api_name)) return done();
      if (p.find_field(mo.api_name + "." + mf.api_name)) {
        r.fail(child(kp, "name"), "duplicate field \"" + mf.api_name + "\"");
        return done();
      }
      std::string t;
      if (!r.string(f["type"], child(kp, "type"), t)) return done();
      const auto ft = parse_field_type(t);
      if (!ft) {
        r.fail(child(kp, "type"), "unknown field type \"" + t +
                                      "\" (Text, Number, Currency, Percent, Date, DateTime, Checkbox, Picklist, "
                                      "Lookup, LongTextArea)");
        return done();
      }
      mf.type = *ft;
      if (f.contains("picklist_values")) {
        const std::string pp = child(kp, "picklist_values");
        if (!f["picklist_values"].is_array()) {
          r.fail(pp, "expected an array of strings");
          return done();
        }
        for (std::size_t v = 0; v < f["picklist_values"].size(); ++v) {
          std::string val;
          if (!r.string(f["picklist_values"][v], child(pp, v), val)) return done();
          mf.picklist_values.push_back(std::move(val));
        }
      }
      p.fields.push_back(std::move(mf));
    }
  }
  const std::string vp = child(base, "versions");
  if (!j.contains("versions") || !j["versions"].is_array() || j["versions"].empty()) {
    r.fail(j.contains("versions") ? vp : base, "a package needs \"versions\": a non-empty array");
    return done();
  }
  if (j["versions"].size() >= not_installed) {
    r.fail(vp, "at most 254 versions");
    return done();
  }
  for (std::size_t i = 0; i < j["versions"].size(); ++i) {
    const json& v = j["versions"][i];
    const std::string ip = child(vp, i);
    if (!r.object(v, ip, {"number", "name", "build", "state", "deprecated", "changes"})) return done();
    package_version pv;
    std::string s;
    if (!v.contains("number")) {
      r.fail(ip, "a version needs a \"number\"");
      return done();
    }
    if (!r.string(v["number"], child(ip, "number"), s)) return done();
    const auto num = parse_version_number(s);
    if (!num) {
      r.fail(child(ip, "number"), "expected \"major.minor[.patch]\", got \"" + s + "\"");
      return done();
    }
    pv.number = *num;
    if (!p.versions.empty() && !(p.versions.back().number < pv.number)) {
      r.fail(child(ip, "number"),
             "versions must ascend: " + pv.number.str() + " after " + p.versions.back().number.str());
      return done();
    }
    if (v.contains("name") && !r.string(v["name"], child(ip, "name"), pv.name)) return done();
    std::int64_t n = 0;
    if (v.contains("build")) {
      if (!r.integer(v["build"], child(ip, "build"), 0, 1'000'000, n)) return done();
      pv.build = static_cast<std::uint32_t>(n);
    }
    if (v.contains("state")) {
      if (!r.string(v["state"], child(ip, "state"), s)) return done();
      if (s == "Released") {
        pv.state = release_state::released;
      } else if (s == "Beta") {
        pv.state = release_state::beta;
      } else {
        r.fail(child(ip, "state"), "expected \"Released\" or \"Beta\", got \"" + s + "\"");
        return done();
      }
    }
    if (v.contains("deprecated") && !r.boolean(v["deprecated"], child(ip, "deprecated"), pv.deprecated)) return done();
    if (v.contains("changes")) {
      const std::string cp = child(ip, "changes");
      if (!v["changes"].is_array()) {
        r.fail(cp, "expected an array of changes");
        return done();
      }
      for (std::size_t k = 0; k < v["changes"].size(); ++k) {
        change c;
        if (!parse_change(r, v["changes"][k], child(cp, k), p, c)) return done();
        pv.changes.push_back(std::move(c));
      }
    }
    p.versions.push_back(std::move(pv));
  }
  const std::string err = p.validate();
  if (!err.empty()) r.fail(base, err);
  return done();
}

parse_result<package> parse_package_text(std::string_view text) {
  std::vector<input_error> errors;
  const auto j = parse_json_text(text, "", errors);
  if (!j) return {std::nullopt, errors.front()};
  return parse_package(*j);
}

json package_to_json(const package& p) {
  json j;
  j["name"] = p.name;
  j["namespace"] = p.namespace_prefix;
  j["objects"] = json::array();
  for (std::size_t o = 0; o < p.objects.size(); ++o) {
    json jo;
    jo["name"] = p.objects[o].api_name;
    jo["standard"] = p.objects[o].standard;
    jo["fields"] = json::array();
    for (const auto& f : p.fields) {
      if (f.object != o) continue;
      json jf;
      jf["name"] = f.api_name;
      jf["type"] = std::string(to_string(f.type));
      if (!f.picklist_values.empty()) jf["picklist_values"] = f.picklist_values;
      jo["fields"].push_back(std::move(jf));
    }
    j["objects"].push_back(std::move(jo));
  }
  j["versions"] = json::array();
  for (const auto& v : p.versions) {
    json jv;
    jv["number"] = v.number.str();
    jv["name"] = v.name;
    jv["build"] = v.build;
    jv["state"] = std::string(to_string(v.state));
    jv["deprecated"] = v.deprecated;
    jv["changes"] = json::array();
    for (const auto& c : v.changes) {
      json jc;
      jc["kind"] = std::string(to_string(c.kind));
      switch (c.kind) {
        case change_kind::field_type_change:
          jc["field"] = p.qualified_field_name(c.field);
          jc["new_type"] = std::string(to_string(c.new_type));
          break;
        case change_kind::field_removed_from_layouts: jc["field"] = p.qualified_field_name(c.field); break;
        case change_kind::new_required_field:
        case change_kind::new_trigger: jc["object"] = p.objects[c.object].api_name; break;
        case change_kind::picklist_value_removed:
          jc["field"] = p.qualified_field_name(c.field);
          jc["value"] = c.text;
          break;
        case change_kind::post_install_script:
          jc["object"] = p.objects[c.object].api_name;
          jc["cost_us_per_record"] = c.cost_us_per_record;
          break;
        case change_kind::required_feature: jc["feature"] = std::string(to_string(c.feature)); break;
        case change_kind::api_version_retired: jc["api_version"] = c.api_version; break;
        case change_kind::new_custom_fields:
          jc["object"] = p.objects[c.object].api_name;
          jc["count"] = c.count;
          break;
      }
      jv["changes"].push_back(std::move(jc));
    }
    j["versions"].push_back(std::move(jv));
  }
  return j;
}

}  // namespace pushsim::mock_org
