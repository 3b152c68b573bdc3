#include "pushsim/mock_org/api/soql_evaluator.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <span>

#include "soql_counted_groups.hpp"

namespace pushsim::mock_org::api {

namespace {

using ast::aggregate_fn;
using ast::compare_op;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool case_insensitive(field_type t) { return t == field_type::string || t == field_type::picklist; }

// Three-way comparison of two non-null values of one field. Text of string/picklist fields ignores case.
int compare_values(const value& a, const value& b, field_type t) {
  if (const auto* x = std::get_if<std::string>(&a)) {
    const auto* y = std::get_if<std::string>(&b);
    if (y == nullptr) return -1;
    if (case_insensitive(t)) return icompare(*x, *y);
    const int c = x->compare(*y);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  auto num = [](const value& v, double& out) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) {
      out = static_cast<double>(*i);
      return true;
    }
    if (const auto* d = std::get_if<double>(&v)) {
      out = *d;
      return true;
    }
    return false;
  };
  if (const auto* i = std::get_if<std::int64_t>(&a)) {
    if (const auto* j = std::get_if<std::int64_t>(&b)) return *i < *j ? -1 : *i > *j ? 1 : 0;
  }
  double x = 0, y = 0;
  if (num(a, x) && num(b, y)) return x < y ? -1 : x > y ? 1 : 0;
  if (const auto* p = std::get_if<bool>(&a)) {
    const bool q = std::get<bool>(b);
    return *p == q ? 0 : (*p ? 1 : -1);
  }
  if (const auto* p = std::get_if<time_point>(&a)) {
    const auto q = std::get<time_point>(b);
    return *p < q ? -1 : *p > q ? 1 : 0;
  }
  if (const auto* p = std::get_if<date_value>(&a)) {
    const auto q = std::get<date_value>(b).day;
    return p->day < q ? -1 : p->day > q ? 1 : 0;
  }
  return a.index() < b.index() ? -1 : a.index() > b.index() ? 1 : 0;
}

// Compare with nulls (null smallest) for grouping and distinct counts.
int compare_nullable(const value& a, const value& b, field_type t) {
  const bool an = is_null(a), bn = is_null(b);
  if (an || bn) return an == bn ? 0 : (an ? -1 : 1);
  return compare_values(a, b, t);
}

// Advances past one UTF-8 character.
std::size_t next_char(std::string_view s, std::size_t i) {
  ++i;
  while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  return i;
}

// Wildcard matching, O(text x pattern) worst case: on a mismatch, retry from the last '%' one character later.
bool like_match(std::string_view s, const std::vector<int>& p) {
  std::size_t si = 0, pi = 0;
  std::size_t star_pi = SIZE_MAX, star_si = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == like_pattern::any_run) {
      star_pi = pi++;
      star_si = si;
    } else if (pi < p.size() && p[pi] == like_pattern::any_one) {
      ++pi;
      si = next_char(s, si);
    } else if (pi < p.size() && p[pi] == static_cast<unsigned char>(lower(s[si]))) {
      ++pi;
      ++si;
    } else if (star_pi != SIZE_MAX) {
      pi = star_pi + 1;
      star_si = next_char(s, star_si);
      si = star_si;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == like_pattern::any_run) ++pi;
  return pi == p.size();
}

class evaluator {
 public:
  evaluator(const data_source& ds, bool use_index, eval_stats* stats) : ds_(ds), use_index_(use_index), stats_(stats) {}

  query_result run(const std::shared_ptr<const compiled_query>& q, projection_mode mode) {
    if (use_index_) {
      if (auto counted = detail::counted_groups(*q, ds_)) {
        if (stats_) stats_->used_index = true;
        counted->query = q;
        return std::move(*counted);
      }
    }
    query_result r;
    r.query = q;
    std::vector<row_id> rows = select_rows(*q, nullptr);
    if (mode == projection_mode::defer && !q->aggregate && !q->count_only) {
      order_and_window(*q, rows);
      r.total_size = static_cast<std::int64_t>(rows.size());
      r.rows = std::move(rows);
      return r;
    }
    finish(*q, std::move(rows), r.records, r.total_size);
    return r;
  }

  std::vector<result_record> project(const compiled_query& q, std::span<const row_id> rows) {
    std::vector<result_record> out;
    out.reserve(rows.size());
    for (row_id r : rows) out.push_back(build(q.select, *q.object, r));
    return out;
  }

 private:
  value get(const object_def& obj, row_id row, const compiled_path& p) const {
    const object_def* o = &obj;
    row_id r = row;
    for (const auto& h : p.hops) {
      const auto parent = ds_.parent(*o, r, *h.field, *h.target);
      if (!parent) return std::monostate{};
      o = h.target;
      r = *parent;
    }
    return ds_.field(*o, r, *p.leaf);
  }

  bool match(const object_def& obj, row_id row, const compiled_condition& c) const {
    using K = compiled_condition::kind;
    switch (c.what) {
      case K::and_:
        for (const auto& o : c.operands) {
          if (!match(obj, row, o)) return false;
        }
        return true;
      case K::or_:
        for (const auto& o : c.operands) {
          if (match(obj, row, o)) return true;
        }
        return false;
      case K::not_: return !match(obj, row, c.operands.front());
      case K::compare: break;
    }
    const value v = get(obj, row, c.field);
    const field_type t = c.field.leaf->type;
    const bool vnull = is_null(v);
    if (c.relative) return match_relative(v, *c.relative, c.op);
    switch (c.op) {
      case compare_op::eq:
        if (is_null(c.values[0]) || vnull) return vnull && is_null(c.values[0]);
        return compare_values(v, c.values[0], t) == 0;
      case compare_op::ne:
        if (is_null(c.values[0]) || vnull) return vnull != is_null(c.values[0]);
        return compare_values(v, c.values[0], t) != 0;
      case compare_op::lt:
      case compare_op::le:
      case compare_op::gt:
      case compare_op::ge: {
        if (vnull || is_null(c.values[0])) return false;
        const int k = compare_values(v, c.values[0], t);
        return c.op == compare_op::lt   ? k < 0
               : c.op == compare_op::le ? k <= 0
               : c.op == compare_op::gt ? k > 0
                                        : k >= 0;
      }
      case compare_op::like:
        if (vnull) return false;
        return like_match(std::get<std::string>(v), c.like.elements);
      case compare_op::in:
      case compare_op::not_in: {
        bool found = false;
        for (const auto& x : c.values) {
          if (is_null(x) ? vnull : (!vnull && compare_values(v, x, t) == 0)) {
            found = true;
            break;
          }
        }
        return c.op == compare_op::in ? found : !found;
      }
    }
    return false;
  }

  // `field op RELATIVE_DATE`: the literal is the UTC day span [first, last); = means inside it.
  bool match_relative(const value& v, const ast::relative_date& r, compare_op op) const {
    if (is_null(v)) return op == compare_op::ne;
    using R = ast::relative_date::kind;
    using std::chrono::days;
    const auto today = std::chrono::floor<days>(ds_.now());
    std::chrono::sys_days first = today, last = today + days{1};
    switch (r.what) {
      case R::today: break;
      case R::yesterday:
        first = today - days{1};
        last = today;
        break;
      case R::tomorrow:
        first = today + days{1};
        last = today + days{2};
        break;
      case R::last_n_days: first = today - days{r.n}; break;
      case R::next_n_days:
        first = today + days{1};
        last = today + days{1 + r.n};
        break;
    }
    // Compare in microseconds (datetime) or days (date).
    std::int64_t x = 0, a = 0, b = 0;
    if (const auto* tp = std::get_if<time_point>(&v)) {
      x = to_us(*tp);
      a = to_us(time_point{first});
      b = to_us(time_point{last});
    } else {
      x = std::get<date_value>(v).day.time_since_epoch().count();
      a = first.time_since_epoch().count();
      b = last.time_since_epoch().count();
    }
    switch (op) {
      case compare_op::eq: return x >= a && x < b;
      case compare_op::ne: return x < a || x >= b;
      case compare_op::lt: return x < a;
      case compare_op::le: return x < b;
      case compare_op::gt: return x >= b;
      case compare_op::ge: return x >= a;
      default: return false;
    }
  }

  // Rows of obj whose (direct) field f equals any of values, ascending; nullopt when f is not indexed.
  std::optional<std::vector<row_id>> lookup_any(const object_def& obj, const field_def& f,
                                                const std::vector<value>& values) const {
    std::optional<std::vector<row_id>> rows;
    bool sorted = true;
    for (const auto& v : values) {
      if (is_null(v)) return std::nullopt;
      auto part = ds_.lookup_eq(obj, f, v);
      if (!part) return std::nullopt;
      if (!rows) {
        rows = std::move(part);
        continue;
      }
      // Concatenated, and sorted once at the end: merging value by value was quadratic in a long IN list.
      if (!part->empty() && !rows->empty() && part->front() <= rows->back()) sorted = false;
      rows->insert(rows->end(), part->begin(), part->end());
    }
    if (rows && !sorted) {
      std::sort(rows->begin(), rows->end());
      rows->erase(std::unique(rows->begin(), rows->end()), rows->end());
    }
    return rows;
  }

  // Candidate rows for one `path = v` / `path IN (...)` conjunct: a direct indexed field, or one hop through an
  // indexed reference to an indexed parent field (PackagePushJob.PackagePushRequestId = '0DV...').
  std::optional<std::vector<row_id>> lookup_conjunct(const compiled_query& q, const compiled_condition& c) const {
    if (c.what != compiled_condition::kind::compare || !c.field.leaf->indexed || c.relative) return std::nullopt;
    if (c.op != compare_op::eq && c.op != compare_op::in) return std::nullopt;
    if (c.field.hops.empty()) return lookup_any(*q.object, *c.field.leaf, c.values);
    if (c.field.hops.size() != 1 || !c.field.hops[0].field->indexed) return std::nullopt;
    const path_hop& h = c.field.hops[0];
    auto parents = lookup_any(*h.target, *c.field.leaf, c.values);
    if (!parents) return std::nullopt;
    std::vector<value> ids;
    ids.reserve(parents->size());
    for (row_id p : *parents) ids.push_back(ds_.field(*h.target, p, h.target->id_field()));
    if (ids.empty()) return std::vector<row_id>{};
    return lookup_any(*q.object, *h.field, ids);
  }

  // Rows from an index when the WHERE clause allows it: the smallest candidate set of its top-level conjuncts,
  // and the conjunct that gave it when the data source says that lookup was exact (it need not be re-checked).
  struct candidates {
    std::vector<row_id> rows;
    const compiled_condition* exact = nullptr;
  };
  std::optional<candidates> indexed_candidates(const compiled_query& q) const {
    if (!use_index_ || !q.where) return std::nullopt;
    const compiled_condition& w = *q.where;
    std::vector<const compiled_condition*> conj;
    if (w.what == compiled_condition::kind::and_) {
      for (const auto& o : w.operands) conj.push_back(&o);
    } else {
      conj.push_back(&w);
    }
    // Direct fields first: they cost one lookup each.
    std::stable_partition(conj.begin(), conj.end(), [](const compiled_condition* c) {
      return c->what == compiled_condition::kind::compare && c->field.hops.empty();
    });
    std::optional<candidates> best;
    for (const auto* c : conj) {
      auto rows = lookup_conjunct(q, *c);
      if (!rows) continue;
      if (!best || rows->size() < best->rows.size()) best = candidates{std::move(*rows), c};
      if (best->rows.size() <= 1) break;
    }
    if (best && !exact_lookup(q, *best->exact)) best->exact = nullptr;
    return best;
  }

  bool exact_lookup(const compiled_query& q, const compiled_condition& c) const {
    if (!c.field.hops.empty()) return false;
    return std::all_of(c.values.begin(), c.values.end(),
                       [&](const value& v) { return ds_.lookup_is_exact(*q.object, *c.field.leaf, v); });
  }

  // Rows matching q's WHERE, in row order; given (child rows) replaces the scan. Stops early when no
  // ORDER BY or aggregation needs all of them.
  std::vector<row_id> select_rows(const compiled_query& q, const std::vector<row_id>* given) {
    std::vector<row_id> out;
    std::uint64_t wanted = UINT64_MAX;
    if (!q.aggregate && q.order_by.empty() && q.limit) {
      wanted = static_cast<std::uint64_t>(*q.limit) + static_cast<std::uint64_t>(q.offset);
    }
    const compiled_condition* skip = nullptr;          // a conjunct every candidate satisfies already
    std::vector<const compiled_condition*> conjuncts;  // what a row must still pass, cheapest first
    auto matches = [&](row_id r) {
      return std::all_of(conjuncts.begin(), conjuncts.end(),
                         [&](const compiled_condition* c) { return match(*q.object, r, *c); });
    };
    auto consider = [&](row_id r) {
      if (out.size() >= wanted) return;
      if (stats_) ++stats_->rows_examined;
      if (matches(r)) out.push_back(r);
    };
    if (given != nullptr) {
      conjuncts = cheap_first(q, nullptr);
      for (row_id r : *given) consider(r);
      return out;
    }
    if (auto cand = indexed_candidates(q)) {
      if (stats_) stats_->used_index = true;
      skip = cand->exact;
      conjuncts = cheap_first(q, skip);
      for (row_id r : cand->rows) consider(r);
      return out;
    }
    conjuncts = cheap_first(q, nullptr);
    ds_.scan(*q.object, [&](row_id r) { consider(r); });
    return out;
  }

  // The conjuncts of q's WHERE but skip, comparisons of direct non-text fields first: a row's time or number is
  // had without building a string, and a conjunction's result does not depend on its order.
  static std::vector<const compiled_condition*> cheap_first(const compiled_query& q, const compiled_condition* skip) {
    std::vector<const compiled_condition*> out;
    if (!q.where) return out;
    if (q.where->what != compiled_condition::kind::and_) {
      if (&*q.where != skip) out.push_back(&*q.where);
      return out;
    }
    for (const auto& o : q.where->operands) {
      if (&o != skip) out.push_back(&o);
    }
    std::stable_partition(out.begin(), out.end(), [](const compiled_condition* c) {
      if (c->what != compiled_condition::kind::compare || !c->field.hops.empty() || c->relative) return false;
      const field_type t = c->field.leaf->type;
      return t == field_type::boolean || t == field_type::integer || t == field_type::double_ ||
             t == field_type::datetime || t == field_type::date;
    });
    return out;
  }

  value aggregate(const compiled_query& q, aggregate_fn fn, const compiled_path& arg,
                  const std::vector<row_id>& rows) const {
    if (fn == aggregate_fn::none) return rows.empty() ? value{} : get(*q.object, rows.front(), arg);
    if (arg.leaf == nullptr) return static_cast<std::int64_t>(rows.size());
    // COUNT(Id): Id is never null.
    if (fn == aggregate_fn::count && arg.hops.empty() && arg.leaf->type == field_type::id) {
      return static_cast<std::int64_t>(rows.size());
    }
    const field_type t = arg.leaf->type;
    std::vector<value> vals;
    vals.reserve(rows.size());
    for (row_id r : rows) {
      value v = get(*q.object, r, arg);
      if (!is_null(v)) vals.push_back(std::move(v));
    }
    switch (fn) {
      case aggregate_fn::count: return static_cast<std::int64_t>(vals.size());
      case aggregate_fn::count_distinct: {
        std::sort(vals.begin(), vals.end(),
                  [&](const value& a, const value& b) { return compare_values(a, b, t) < 0; });
        const auto end = std::unique(vals.begin(), vals.end(),
                                     [&](const value& a, const value& b) { return compare_values(a, b, t) == 0; });
        return static_cast<std::int64_t>(end - vals.begin());
      }
      case aggregate_fn::min:
      case aggregate_fn::max: {
        if (vals.empty()) return std::monostate{};
        std::size_t best = 0;
        for (std::size_t i = 1; i < vals.size(); ++i) {
          const int k = compare_values(vals[i], vals[best], t);
          if (fn == aggregate_fn::min ? k < 0 : k > 0) best = i;
        }
        return vals[best];
      }
      case aggregate_fn::sum:
      case aggregate_fn::avg: {
        if (vals.empty()) return std::monostate{};
        if (t == field_type::integer && fn == aggregate_fn::sum) {
          std::int64_t s = 0;
          bool overflow = false;
          for (const auto& v : vals) overflow = overflow || __builtin_add_overflow(s, std::get<std::int64_t>(v), &s);
          if (!overflow) return s;  // else fall through to a double sum
        }
        double s = 0;
        for (const auto& v : vals) {
          s += std::holds_alternative<double>(v) ? std::get<double>(v) : static_cast<double>(std::get<std::int64_t>(v));
        }
        return fn == aggregate_fn::sum ? s : s / static_cast<double>(vals.size());
      }
      case aggregate_fn::none: break;
    }
    return std::monostate{};
  }

  // Sorts items (row handles or group indexes) by precomputed keys.
  template <class Item>
  void sort_by_keys(const compiled_query& q, std::vector<Item>& items, std::vector<std::vector<value>>& keys) {
    std::vector<std::size_t> order(items.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      for (std::size_t k = 0; k < q.order_by.size(); ++k) {
        const auto& o = q.order_by[k];
        const value& x = keys[a][k];
        const value& y = keys[b][k];
        const bool xn = is_null(x), yn = is_null(y);
        if (xn || yn) {
          if (xn == yn) continue;
          return xn == o.nulls_first;
        }
        const field_type t = o.field.leaf ? o.field.leaf->type : field_type::integer;
        const int c = compare_values(x, y, t);
        if (c != 0) return o.descending ? c > 0 : c < 0;
      }
      return false;
    });
    std::vector<Item> sorted;
    sorted.reserve(items.size());
    for (std::size_t i : order) sorted.push_back(std::move(items[i]));
    items = std::move(sorted);
  }

  template <class Item>
  void window(const compiled_query& q, std::vector<Item>& items) const {
    const auto off = static_cast<std::size_t>(std::max<std::int64_t>(q.offset, 0));
    if (off >= items.size()) {
      items.clear();
    } else if (off > 0) {
      items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(off));
    }
    if (q.limit && items.size() > static_cast<std::size_t>(*q.limit)) items.resize(static_cast<std::size_t>(*q.limit));
  }

  void finish(const compiled_query& q, std::vector<row_id> rows, std::vector<result_record>& out, std::int64_t& total) {
    if (q.count_only) {
      window(q, rows);
      total = static_cast<std::int64_t>(rows.size());
      return;
    }
    if (q.aggregate) {
      finish_aggregate(q, rows, out);
      total = static_cast<std::int64_t>(out.size());
      return;
    }
    order_and_window(q, rows);
    out.reserve(rows.size());
    for (row_id r : rows) out.push_back(build(q.select, *q.object, r));
    total = static_cast<std::int64_t>(out.size());
  }

  void order_and_window(const compiled_query& q, std::vector<row_id>& rows) {
    if (!q.order_by.empty()) {
      std::vector<std::vector<value>> keys(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        keys[i].reserve(q.order_by.size());
        for (const auto& o : q.order_by) keys[i].push_back(get(*q.object, rows[i], o.field));
      }
      sort_by_keys(q, rows, keys);
    }
    window(q, rows);
  }

  void finish_aggregate(const compiled_query& q, const std::vector<row_id>& rows, std::vector<result_record>& out) {
    // Groups in order of first appearance; keys compared as SOQL compares values.
    std::vector<std::vector<row_id>> groups;
    if (q.group_by.empty()) {
      groups.push_back(rows);
    } else {
      auto less = [&](const std::vector<value>& a, const std::vector<value>& b) {
        for (std::size_t k = 0; k < a.size(); ++k) {
          const int c = compare_nullable(a[k], b[k], q.group_by[k].leaf->type);
          if (c != 0) return c < 0;
        }
        return false;
      };
      auto same = [&](const std::vector<value>& a, const std::vector<value>& b) {
        for (std::size_t k = 0; k < a.size(); ++k) {
          if (compare_nullable(a[k], b[k], q.group_by[k].leaf->type) != 0) return false;
        }
        return true;
      };
      // Few groups (a status count has at most six): look the key up among the keys seen so far, and build a
      // map only once there are many.
      constexpr std::size_t linear_max = 16;
      std::vector<std::vector<value>> keys;
      std::map<std::vector<value>, std::size_t, decltype(less)> index(less);
      std::vector<value> key(q.group_by.size());
      for (row_id r : rows) {
        for (std::size_t k = 0; k < key.size(); ++k) key[k] = get(*q.object, r, q.group_by[k]);
        std::size_t g = keys.size();
        if (keys.size() <= linear_max) {
          for (std::size_t i = 0; i < keys.size(); ++i) {
            if (same(keys[i], key)) {
              g = i;
              break;
            }
          }
        } else if (const auto it = index.find(key); it != index.end()) {
          g = it->second;
        }
        if (g == keys.size()) {
          keys.push_back(key);
          groups.emplace_back();
          if (keys.size() > linear_max) {
            if (index.empty()) {
              for (std::size_t i = 0; i < keys.size(); ++i) index.emplace(keys[i], i);
            } else {
              index.emplace(key, g);
            }
          }
        }
        groups[g].push_back(r);
      }
    }
    if (!q.order_by.empty()) {
      std::vector<std::vector<value>> keys(groups.size());
      for (std::size_t i = 0; i < groups.size(); ++i) {
        for (const auto& o : q.order_by) keys[i].push_back(aggregate(q, o.fn, o.field, groups[i]));
      }
      sort_by_keys(q, groups, keys);
    }
    window(q, groups);
    out.reserve(groups.size());
    for (const auto& g : groups) {
      result_record rec;
      rec.cells.resize(q.select.size());
      for (std::size_t i = 0; i < q.select.size(); ++i) {
        const projection& p = q.select[i];
        rec.cells[i].scalar = aggregate(q, p.group_key ? aggregate_fn::none : p.fn, p.argument, g);
      }
      out.push_back(std::move(rec));
    }
  }

  result_record build(const std::vector<projection>& cols, const object_def& obj, row_id row) {
    result_record rec;
    if (auto id = ds_.field(obj, row, obj.id_field()); auto* s = std::get_if<std::string>(&id)) rec.id = std::move(*s);
    rec.cells.resize(cols.size());
    for (std::size_t i = 0; i < cols.size(); ++i) {
      const projection& p = cols[i];
      result_cell& cell = rec.cells[i];
      switch (p.what) {
        case projection::kind::field: cell.scalar = ds_.field(obj, row, *p.field); break;
        case projection::kind::parent:
          if (auto parent = ds_.parent(obj, row, *p.via, *p.object)) {
            cell.parent = std::make_unique<result_record>(build(p.nested, *p.object, *parent));
          }
          break;
        case projection::kind::children: {
          const std::vector<row_id> kids = ds_.children(obj, row, *p.relationship, *p.object);
          if (kids.empty()) break;
          std::vector<row_id> matched = select_rows(*p.subquery, &kids);
          std::int64_t ignored = 0;
          finish(*p.subquery, std::move(matched), cell.children, ignored);
          break;
        }
        case projection::kind::aggregate: break;
      }
    }
    return rec;
  }

  const data_source& ds_;
  bool use_index_;
  eval_stats* stats_;
};

}  // namespace

query_result evaluate_soql(const std::shared_ptr<const compiled_query>& q, const data_source& ds, eval_stats* stats,
                           projection_mode mode) {
  return evaluator{ds, true, stats}.run(q, mode);
}

query_result evaluate_soql_scan(const std::shared_ptr<const compiled_query>& q, const data_source& ds) {
  return evaluator{ds, false, nullptr}.run(q, projection_mode::materialize);
}

std::vector<result_record> project_rows(const compiled_query& q, std::span<const row_id> rows, const data_source& ds) {
  return evaluator{ds, true, nullptr}.project(q, rows);
}

}  // namespace pushsim::mock_org::api
