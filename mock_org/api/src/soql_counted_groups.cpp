#include "soql_counted_groups.hpp"

#include <algorithm>
#include <vector>

namespace pushsim::mock_org::api::detail {

namespace {

// The WHERE clause as one F = v or F IN (...) on a field of the queried object, or null.
const compiled_condition* single_filter(const compiled_query& q) {
  if (!q.where || q.where->what != compiled_condition::kind::compare || !q.where->field.hops.empty()) return nullptr;
  const auto op = q.where->op;
  return op == ast::compare_op::eq || op == ast::compare_op::in ? &*q.where : nullptr;
}

// The one grouped field other than the filter field (GROUP BY G or GROUP BY F, G in any order), or null.
const field_def* counted_field(const compiled_query& q, const field_def* filter) {
  const field_def* group = nullptr;
  for (const auto& g : q.group_by) {
    if (!g.hops.empty()) return nullptr;
    if (g.leaf == filter) continue;
    if (group != nullptr) return nullptr;
    group = g.leaf;
  }
  return group;
}

// Every column is a grouped field or COUNT() / COUNT(Id).
bool counts_only(const compiled_query& q) {
  return std::all_of(q.select.begin(), q.select.end(), [](const projection& p) {
    if (p.what != projection::kind::aggregate) return false;
    if (p.group_key) return p.argument.hops.empty();
    return p.fn == ast::aggregate_fn::count && p.argument.hops.empty() &&
           (p.argument.leaf == nullptr || p.argument.leaf->type == field_type::id);
  });
}

// One output record for the group (filter value, group value) with count rows.
result_record group_record(const compiled_query& q, const field_def* filter, const value& v, const group_count& g) {
  result_record rec;
  rec.cells.resize(q.select.size());
  for (std::size_t i = 0; i < q.select.size(); ++i) {
    const projection& p = q.select[i];
    if (!p.group_key) {
      rec.cells[i].scalar = g.count;
    } else {
      rec.cells[i].scalar = p.argument.leaf == filter ? v : g.key;
    }
  }
  return rec;
}

}  // namespace

std::optional<query_result> counted_groups(const compiled_query& q, const data_source& ds) {
  if (!q.aggregate || q.count_only || !q.order_by.empty() || q.limit || q.offset != 0) return std::nullopt;
  const compiled_condition* where = single_filter(q);
  if (where == nullptr || !counts_only(q)) return std::nullopt;
  const field_def* filter = where->field.leaf;
  const field_def* group = counted_field(q, filter);
  if (group == nullptr) return std::nullopt;
  std::vector<const value*> seen;  // IN ('a', 'a') counts a's rows once
  query_result r;
  for (const value& v : where->values) {
    if (std::any_of(seen.begin(), seen.end(), [&](const value* s) { return *s == v; })) continue;
    seen.push_back(&v);
    if (!ds.lookup_is_exact(*q.object, *filter, v)) return std::nullopt;
    auto groups = ds.counts_by(*q.object, *filter, v, *group);
    if (!groups) return std::nullopt;
    for (const group_count& g : *groups) r.records.push_back(group_record(q, filter, v, g));
  }
  r.total_size = static_cast<std::int64_t>(r.records.size());
  return r;
}

}  // namespace pushsim::mock_org::api::detail
