#include "query_csv.hpp"

#include <nlohmann/json.hpp>
#include <span>
#include <variant>
#include <vector>

#include "pushsim/base/csv_text.hpp"

namespace pushsim::mock_org::api::detail {

namespace {

using json = nlohmann::json;

// A value as the Bulk APIs' result CSV writes it: empty for null, datetimes as 2026-11-23T10:00:00.000Z.
std::string cell_text(const value& v) {
  struct visitor {
    std::string operator()(std::monostate) const { return {}; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      std::string s = json(d).dump();
      return s;
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(time_point t) const {
      std::string s = format_salesforce(t);
      if (s.size() > 5 && s.ends_with("+0000")) s.replace(s.size() - 5, 5, "Z");
      return s;
    }
    std::string operator()(date_value d) const { return format_date(d); }
  };
  return std::visit(visitor{}, v);
}

// Column headers of a plain query: field names, parents flattened as "PackageVersion.Name".
void append_headers(const std::vector<projection>& select, const std::string& prefix, std::vector<std::string>& out) {
  for (const projection& p : select) {
    if (p.what == projection::kind::parent) {
      append_headers(p.nested, prefix + p.name + ".", out);
    } else {
      out.push_back(prefix + p.name);
    }
  }
}

// The cells of one record in header order (a null parent gives empty cells for all its columns).
void append_cells(const std::vector<projection>& select, const result_record* rec, std::vector<std::string>& out) {
  for (std::size_t i = 0; i < select.size(); ++i) {
    const projection& p = select[i];
    if (p.what == projection::kind::parent) {
      append_cells(p.nested, rec != nullptr ? rec->cells[i].parent.get() : nullptr, out);
    } else {
      out.push_back(rec != nullptr ? cell_text(rec->cells[i].scalar) : std::string());
    }
  }
}

void append_csv_line(const std::vector<std::string>& cells, const std::string& nl, std::string& out) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i != 0) out += ',';
    out += csv_field(cells[i], csv_quoting::always);
  }
  out += nl;
}

}  // namespace

std::string bulk_unsupported(const compiled_query& q) {
  if (q.aggregate || q.count_only) return "Aggregate queries are not supported by the Bulk API";
  for (const projection& p : q.select) {
    if (p.what == projection::kind::children) return "Relationship subqueries are not supported by the Bulk API";
  }
  return {};
}

std::string query_csv(const query_result& res, std::size_t first, std::size_t count, const data_source& ds,
                      const std::string& nl) {
  const compiled_query& q = *res.query;
  std::vector<std::string> cells;
  append_headers(q.select, "", cells);
  std::string out;
  append_csv_line(cells, nl, out);
  for (const result_record& rec : project_rows(q, std::span<const row_id>(res.rows).subspan(first, count), ds)) {
    cells.clear();
    append_cells(q.select, &rec, cells);
    append_csv_line(cells, nl, out);
  }
  return out;
}

}  // namespace pushsim::mock_org::api::detail
