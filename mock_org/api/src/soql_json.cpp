#include "pushsim/mock_org/api/soql_json.hpp"

#include <charconv>
#include <cmath>

namespace pushsim::mock_org::api {

namespace {

void append_int(std::int64_t v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_attributes(std::string_view type, std::string_view id, std::string_view api_version, std::string& out) {
  out += "{\"attributes\":{\"type\":\"";
  out += type;
  out += '"';
  if (!id.empty()) {
    out += ",\"url\":\"/services/data/v";
    out += api_version;
    out += "/sobjects/";
    out += type;
    out += '/';
    out += id;
    out += '"';
  }
  out += '}';
}

void render_records(const std::vector<projection>& cols, std::string_view type, std::span<const result_record> recs,
                    std::size_t first, std::size_t count, std::string_view api_version, std::string& out);

void render_one(const std::vector<projection>& cols, std::string_view type, const result_record& rec,
                std::string_view api_version, std::string& out) {
  append_attributes(type, rec.id, api_version, out);
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const projection& p = cols[i];
    const result_cell& c = rec.cells[i];
    out += ",\"";
    out += p.name;
    out += "\":";
    switch (p.what) {
      case projection::kind::field:
      case projection::kind::aggregate: append_json_value(c.scalar, out); break;
      case projection::kind::parent:
        if (c.parent) {
          render_one(p.nested, p.object->name, *c.parent, api_version, out);
        } else {
          out += "null";
        }
        break;
      case projection::kind::children:
        if (c.children.empty()) {
          out += "null";
        } else {
          out += "{\"totalSize\":";
          append_int(static_cast<std::int64_t>(c.children.size()), out);
          out += ",\"done\":true,\"records\":[";
          render_records(p.subquery->select, p.object->name, c.children, 0, c.children.size(), api_version, out);
          out += "]}";
        }
        break;
    }
  }
  out += '}';
}

void render_records(const std::vector<projection>& cols, std::string_view type, std::span<const result_record> recs,
                    std::size_t first, std::size_t count, std::string_view api_version, std::string& out) {
  const std::size_t end = first + count < recs.size() ? first + count : recs.size();
  for (std::size_t i = first; i < end; ++i) {
    if (i != first) out += ',';
    const std::size_t before = out.size();
    render_one(cols, type, recs[i], api_version, out);
    // Room for the rest at the first record's size and a quarter more: a 2,000-row page grows once, not ~12 times.
    if (i == first) out.reserve(out.size() + (out.size() - before + 1) * (end - i - 1) * 5 / 4);
  }
}

std::string_view type_of(const compiled_query& q) {
  return q.aggregate ? std::string_view{"AggregateResult"} : std::string_view{q.object->name};
}

void page_head(std::int64_t total_size, std::string_view next_records_url, std::string& out) {
  out += "{\"totalSize\":";
  append_int(total_size, out);
  out += ",\"done\":";
  out += next_records_url.empty() ? "true" : "false";
  if (!next_records_url.empty()) {
    out += ",\"nextRecordsUrl\":";
    append_json_string(next_records_url, out);
  }
  out += ",\"records\":[";
}

}  // namespace

void append_json_value(const value& v, std::string& out) {
  switch (v.index()) {
    case 0: out += "null"; break;
    case 1: out += std::get<bool>(v) ? "true" : "false"; break;
    case 2: append_int(std::get<std::int64_t>(v), out); break;
    case 3: {
      const double d = std::get<double>(v);
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      char buf[40];
      const auto r = std::to_chars(buf, buf + sizeof buf, d);
      const std::string_view text{buf, static_cast<std::size_t>(r.ptr - buf)};
      out += text;
      if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
      break;
    }
    case 4: append_json_string(std::get<std::string>(v), out); break;
    case 5:
      out += '"';
      out += format_salesforce(std::get<time_point>(v));
      out += '"';
      break;
    case 6:
      out += '"';
      out += format_date(std::get<date_value>(v));
      out += '"';
      break;
    default: out += "null"; break;
  }
}

void render_record(const query_result& r, std::size_t i, std::string_view api_version, std::string& out) {
  render_one(r.query->select, type_of(*r.query), r.records[i], api_version, out);
}

void render_query_page(const query_result& r, std::size_t first, std::size_t count, std::string_view api_version,
                       std::string_view next_records_url, std::string& out) {
  page_head(r.total_size, next_records_url, out);
  if (first < r.records.size()) {
    render_records(r.query->select, type_of(*r.query), r.records, first, count, api_version, out);
  }
  out += "]}";
}

void render_records_page(const compiled_query& q, std::int64_t total_size, std::span<const result_record> records,
                         std::string_view api_version, std::string_view next_records_url, std::string& out) {
  page_head(total_size, next_records_url, out);
  render_records(q.select, type_of(q), records, 0, records.size(), api_version, out);
  out += "]}";
}

void render_query_result(const query_result& r, std::string_view api_version, std::string& out) {
  render_query_page(r, 0, r.records.size(), api_version, {}, out);
}

}  // namespace pushsim::mock_org::api
