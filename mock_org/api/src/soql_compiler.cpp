#include "pushsim/mock_org/api/soql_compiler.hpp"

#include <optional>
#include <string>
#include <utility>

#include "pushsim/mock_org/api/soql_parser.hpp"

namespace pushsim::mock_org::api {

namespace {

using ast::aggregate_fn;

bool is_text(field_type t) {
  return t == field_type::id || t == field_type::string || t == field_type::picklist || t == field_type::reference;
}
bool is_numeric(field_type t) { return t == field_type::integer || t == field_type::double_; }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Salesforce Ids: 15 or 18 ASCII letters and digits.
bool valid_id(std::string_view s) {
  if (s.size() != 15 && s.size() != 18) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

bool same_path(const compiled_path& a, const compiled_path& b) {
  if (a.leaf != b.leaf || a.hops.size() != b.hops.size()) return false;
  for (std::size_t i = 0; i < a.hops.size(); ++i) {
    if (a.hops[i].field != b.hops[i].field) return false;
  }
  return true;
}

class compiler {
 public:
  compiler(const schema& s, std::string_view text) : schema_(s), text_(text) {}

  std::optional<soql_error> err;

  std::shared_ptr<const compiled_query> compile(const ast::query& q, const object_def* forced_object) {
    auto out = std::make_shared<compiled_query>();
    const object_def* obj = forced_object;
    if (obj == nullptr) {
      obj = schema_.find_object(q.from);
      if (obj == nullptr) {
        fail("INVALID_TYPE", q.from_pos,
             "sObject type '" + q.from +
                 "' is not supported. If you are attempting to use a custom object, be sure to append the '__c' "
                 "after the entity name. Please reference your WSDL or the describe call for the appropriate names.");
        return nullptr;
      }
    }
    out->object = obj;
    const bool nested = forced_object != nullptr;

    for (const auto& g : q.group_by) {
      auto p = resolve(*obj, g);
      if (!p) return nullptr;
      out->group_by.push_back(std::move(*p));
    }
    out->aggregate = !q.group_by.empty();
    for (const auto& item : q.select) {
      if (item.what == ast::select_item::kind::aggregate) out->aggregate = true;
    }
    if (out->aggregate && nested) {
      fail("MALFORMED_QUERY", q.select.front().pos, "Aggregate queries are not supported in a subquery");
      return nullptr;
    }

    out->select.reserve(q.select.size());
    int expr_index = 0;
    for (const auto& item : q.select) {
      switch (item.what) {
        case ast::select_item::kind::subquery: {
          if (out->aggregate) {
            fail("MALFORMED_QUERY", item.pos, "Nested queries are not supported in aggregate queries");
            return nullptr;
          }
          const child_relationship* rel = obj->find_child_relationship(item.subquery->from);
          if (rel == nullptr) {
            fail("INVALID_TYPE", item.subquery->from_pos,
                 "Didn't understand relationship '" + item.subquery->from +
                     "' in FROM part of query call. If you are attempting to use a custom relationship, be sure to "
                     "append the '__r' after the custom relationship name. Please reference your WSDL or the "
                     "describe call for the appropriate names.");
            return nullptr;
          }
          for (const auto& existing : out->select) {
            if (existing.what == projection::kind::children && existing.relationship == rel) {
              fail("MALFORMED_QUERY", item.pos, "duplicate field selected: " + rel->name);
              return nullptr;
            }
          }
          const object_def* child = schema_.find_object(rel->child_object);
          auto sub = compile(*item.subquery, child);
          if (!sub) return nullptr;
          projection p;
          p.what = projection::kind::children;
          p.name = rel->name;
          p.object = child;
          p.relationship = rel;
          p.subquery = std::move(sub);
          out->select.push_back(std::move(p));
          break;
        }
        case ast::select_item::kind::aggregate: {
          projection p;
          p.what = projection::kind::aggregate;
          p.fn = item.fn;
          if (!item.field.parts.empty()) {
            auto path = resolve(*obj, item.field);
            if (!path) return nullptr;
            const field_type t = path->leaf->type;
            if ((item.fn == aggregate_fn::sum || item.fn == aggregate_fn::avg) && !is_numeric(t)) {
              fail("MALFORMED_QUERY", item.field.pos,
                   "field " + path->leaf->name + " does not support aggregate operator " +
                       (item.fn == aggregate_fn::sum ? "SUM" : "AVG"));
              return nullptr;
            }
            if ((item.fn == aggregate_fn::min || item.fn == aggregate_fn::max) && t == field_type::boolean) {
              fail("MALFORMED_QUERY", item.field.pos,
                   "field " + path->leaf->name + " does not support aggregate operator " +
                       (item.fn == aggregate_fn::min ? "MIN" : "MAX"));
              return nullptr;
            }
            p.argument = std::move(*path);
          } else if (q.select.size() == 1 && q.group_by.empty()) {
            out->count_only = true;
          } else {
            fail("MALFORMED_QUERY", item.pos, "COUNT() must be the only element in the SELECT list");
            return nullptr;
          }
          p.name = item.alias.empty() ? "expr" + std::to_string(expr_index++) : item.alias;
          for (const auto& existing : out->select) {
            if (iequals(existing.name, p.name)) {
              fail("MALFORMED_QUERY", item.pos, "duplicate alias: " + p.name);
              return nullptr;
            }
          }
          out->select.push_back(std::move(p));
          break;
        }
        case ast::select_item::kind::field: {
          auto path = resolve(*obj, item.field);
          if (!path) return nullptr;
          if (out->aggregate) {
            bool grouped = false;
            for (const auto& g : out->group_by) grouped = grouped || same_path(g, *path);
            if (!grouped) {
              fail("MALFORMED_QUERY", item.field.pos, "Field must be grouped or aggregated: " + path->leaf->name);
              return nullptr;
            }
            projection p;
            p.what = projection::kind::aggregate;
            p.group_key = true;
            p.name = path->leaf->name;
            p.argument = std::move(*path);
            out->select.push_back(std::move(p));
          } else if (!add_field(out->select, *path, 0, item.field)) {
            return nullptr;
          }
          break;
        }
      }
    }

    if (q.where) {
      out->where.emplace();
      if (!compile_condition(*obj, *q.where, *out->where)) return nullptr;
    }
    for (const auto& o : q.order_by) {
      compiled_order co;
      co.fn = o.fn;
      co.descending = o.descending;
      co.nulls_first = o.nulls_first.value_or(!o.descending);
      if (!o.field.parts.empty()) {
        auto path = resolve(*obj, o.field);
        if (!path) return nullptr;
        co.field = std::move(*path);
      }
      if (o.fn != aggregate_fn::none && !out->aggregate) {
        fail("MALFORMED_QUERY", o.field.pos, "Aggregate functions in ORDER BY need an aggregate query");
        return nullptr;
      }
      if (out->aggregate && o.fn == aggregate_fn::none) {
        bool grouped = false;
        for (const auto& g : out->group_by) grouped = grouped || same_path(g, co.field);
        if (!grouped) {
          fail("MALFORMED_QUERY", o.field.pos, "Ordered field must be grouped or aggregated: " + co.field.leaf->name);
          return nullptr;
        }
      }
      out->order_by.push_back(std::move(co));
    }
    if (q.offset && *q.offset > 2000) {
      fail("NUMBER_OUTSIDE_VALID_RANGE", q.offset_pos, "Maximum SOQL offset allowed is 2000");
      return nullptr;
    }
    out->limit = q.limit;
    out->offset = q.offset.value_or(0);
    return out;
  }

 private:
  void fail(std::string code, ast::position pos, std::string detail) {
    if (!err) err = detail::make_soql_error(text_, std::move(code), std::move(detail), pos.row, pos.column);
  }

  std::optional<compiled_path> resolve(const object_def& root, const ast::path& p) {
    compiled_path out;
    std::size_t first = 0;
    // A leading qualifier naming the queried object itself ("PackagePushJob.Status" FROM PackagePushJob).
    if (p.parts.size() > 1 && iequals(p.parts[0], root.name) && root.find_parent_relationship(p.parts[0]) == nullptr) {
      first = 1;
    }
    const object_def* cur = &root;
    for (std::size_t i = first; i + 1 < p.parts.size(); ++i) {
      const field_def* ref = cur->find_parent_relationship(p.parts[i]);
      if (ref == nullptr) {
        fail("INVALID_FIELD", p.pos,
             "Didn't understand relationship '" + p.parts[i] +
                 "' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' "
                 "after the custom relationship name. Please reference your WSDL or the describe call for the "
                 "appropriate names.");
        return std::nullopt;
      }
      const object_def* target = schema_.find_object(ref->reference_to);
      out.hops.push_back({ref, target});
      cur = target;
    }
    out.leaf = cur->find_field(p.parts.back());
    if (out.leaf == nullptr) {
      fail("INVALID_FIELD", p.pos,
           "No such column '" + p.parts.back() + "' on entity '" + cur->name +
               "'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field "
               "name. Please reference your WSDL or the describe call for the appropriate names.");
      return std::nullopt;
    }
    return out;
  }

  // Adds a (possibly nested) field to a projection list, merging parents with the same relationship.
  bool add_field(std::vector<projection>& cols, const compiled_path& path, std::size_t hop, const ast::path& src) {
    if (hop == path.hops.size()) {
      for (const auto& c : cols) {
        if (c.what == projection::kind::field && c.field == path.leaf) {
          std::string shown;
          for (std::size_t i = 0; i < src.parts.size(); ++i) shown += (i ? "." : "") + src.parts[i];
          fail("MALFORMED_QUERY", src.pos, "duplicate field selected: " + shown);
          return false;
        }
      }
      projection p;
      p.what = projection::kind::field;
      p.field = path.leaf;
      p.name = path.leaf->name;
      cols.push_back(std::move(p));
      return true;
    }
    const path_hop& h = path.hops[hop];
    for (auto& c : cols) {
      if (c.what == projection::kind::parent && c.via == h.field) return add_field(c.nested, path, hop + 1, src);
    }
    projection p;
    p.what = projection::kind::parent;
    p.via = h.field;
    p.object = h.target;
    p.name = h.field->relationship_name;
    cols.push_back(std::move(p));
    return add_field(cols.back().nested, path, hop + 1, src);
  }

  bool type_error(const ast::literal& l, const field_def& f) {
    const bool quoted = is_text(f.type);
    fail("INVALID_FIELD", l.pos,
         "value of filter criterion for field '" + f.name + "' must be of type " +
             std::string(field_type_name(f.type == field_type::reference ? field_type::id : f.type)) +
             (quoted ? " and should be enclosed in quotes" : " and should not be enclosed in quotes"));
    return false;
  }

  // Converts a literal to the field's type, or reports Salesforce's type mismatch.
  bool convert(const ast::literal& l, const field_def& f, value& out) {
    using K = ast::literal::kind;
    if (l.what == K::null) {
      out = std::monostate{};
      return true;
    }
    switch (f.type) {
      case field_type::id:
      case field_type::reference:
        if (l.what != K::string) return type_error(l, f);
        if (!valid_id(std::get<std::string>(l.v))) {
          fail("INVALID_QUERY_FILTER_OPERATOR", l.pos, "invalid ID field: " + std::get<std::string>(l.v));
          return false;
        }
        out = salesforce_id18(std::get<std::string>(l.v));
        return true;
      case field_type::string:
      case field_type::picklist:
        if (l.what != K::string) return type_error(l, f);
        out = l.v;
        return true;
      case field_type::boolean:
        if (l.what != K::boolean) return type_error(l, f);
        out = l.v;
        return true;
      case field_type::integer:
        if (l.what != K::integer && l.what != K::decimal) return type_error(l, f);
        out = l.v;
        return true;
      case field_type::double_:
        if (l.what == K::integer) {
          out = static_cast<double>(std::get<std::int64_t>(l.v));
          return true;
        }
        if (l.what != K::decimal) return type_error(l, f);
        out = l.v;
        return true;
      case field_type::datetime:
        if (l.what != K::datetime) return type_error(l, f);
        out = l.v;
        return true;
      case field_type::date:
        if (l.what != K::date) return type_error(l, f);
        out = l.v;
        return true;
    }
    return type_error(l, f);
  }

  bool compile_like(const ast::literal& l, like_pattern& out) {
    auto add_text = [&](char c) { out.elements.push_back(static_cast<unsigned char>(lower(c))); };
    const std::string& raw = l.raw;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (c == '%') {
        if (out.elements.empty() || out.elements.back() != like_pattern::any_run) {
          out.elements.push_back(like_pattern::any_run);
        }
      } else if (c == '_') {
        out.elements.push_back(like_pattern::any_one);
      } else if (c == '\\' && i + 1 < raw.size()) {
        const char e = raw[++i];
        switch (e) {
          case 'n': add_text('\n'); break;
          case 'r': add_text('\r'); break;
          case 't': add_text('\t'); break;
          case 'b': add_text('\b'); break;
          case 'f': add_text('\f'); break;
          case 'u': {
            // Validated by the parser: four hex digits.
            unsigned cp = 0;
            for (int h = 0; h < 4 && i + 1 < raw.size(); ++h) {
              const char x = raw[++i];
              cp = cp * 16 + static_cast<unsigned>(x <= '9' ? x - '0' : (lower(x) - 'a' + 10));
            }
            if (cp < 0x80) {
              add_text(static_cast<char>(cp));
            } else if (cp < 0x800) {
              add_text(static_cast<char>(0xC0 | (cp >> 6)));
              add_text(static_cast<char>(0x80 | (cp & 0x3F)));
            } else {
              add_text(static_cast<char>(0xE0 | (cp >> 12)));
              add_text(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
              add_text(static_cast<char>(0x80 | (cp & 0x3F)));
            }
            break;
          }
          default: add_text(e); break;  // \% \_ \' \" \\ stand for the character itself
        }
      } else {
        add_text(c);
      }
    }
    return true;
  }

  bool compile_condition(const object_def& obj, const ast::condition& c, compiled_condition& out) {
    switch (c.what) {
      case ast::condition::kind::and_:
      case ast::condition::kind::or_:
      case ast::condition::kind::not_:
        out.what = c.what == ast::condition::kind::and_  ? compiled_condition::kind::and_
                   : c.what == ast::condition::kind::or_ ? compiled_condition::kind::or_
                                                         : compiled_condition::kind::not_;
        out.operands.resize(c.operands.size());
        for (std::size_t i = 0; i < c.operands.size(); ++i) {
          if (!compile_condition(obj, c.operands[i], out.operands[i])) return false;
        }
        return true;
      case ast::condition::kind::compare: break;
    }
    out.what = compiled_condition::kind::compare;
    out.op = c.op;
    auto path = resolve(obj, c.field);
    if (!path) return false;
    out.field = std::move(*path);
    const field_def& f = *out.field.leaf;
    if (c.op == ast::compare_op::like) {
      const ast::literal& l = c.values.front();
      if (!is_text(f.type)) {
        fail("INVALID_FIELD", c.field.pos,
             "invalid operator on " + std::string(field_type_name(f.type)) + " field: " + f.name);
        return false;
      }
      if (l.what != ast::literal::kind::string) return type_error(l, f);
      return compile_like(l, out.like);
    }
    if (c.values.size() == 1 && c.values[0].what == ast::literal::kind::relative) {
      if (f.type != field_type::date && f.type != field_type::datetime) return type_error(c.values[0], f);
      out.relative = c.values[0].relative;
      out.values.resize(1);
      return true;
    }
    for (const auto& l : c.values) {
      if (l.what == ast::literal::kind::relative) {  // inside IN (...)
        fail("MALFORMED_QUERY", l.pos, "date literals are not supported in IN lists");
        return false;
      }
    }
    out.values.resize(c.values.size());
    for (std::size_t i = 0; i < c.values.size(); ++i) {
      if (!convert(c.values[i], f, out.values[i])) return false;
    }
    return true;
  }

  const schema& schema_;
  std::string_view text_;
};

}  // namespace

soql_result<std::shared_ptr<const compiled_query>> compile_soql(const ast::query& q, const schema& s,
                                                                std::string_view text) {
  compiler c{s, text};
  auto out = c.compile(q, nullptr);
  if (!out) return std::move(*c.err);
  return out;
}

soql_result<std::shared_ptr<const compiled_query>> prepare_soql(std::string_view text, const schema& s) {
  auto parsed = parse_soql(text);
  if (auto* e = std::get_if<soql_error>(&parsed)) return std::move(*e);
  return compile_soql(std::get<ast::query>(parsed), s, text);
}

}  // namespace pushsim::mock_org::api
