#include "pushsim/harness/study_part.hpp"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "pushsim/base/file_path.hpp"
#include "pushsim/base/json_reader.hpp"
#include "pushsim/base/random.hpp"
#include "pushsim/base/version.hpp"

namespace pushsim::harness {

namespace {

using json = nlohmann::json;

constexpr std::uint64_t shards_max = 1'000'000;
constexpr const char* part_format = "pushsim-study-part-1";

std::optional<std::uint64_t> whole_number(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

json row_json(const replication_row& row) {
  json values = json::array();
  for (const auto& v : row.values) values.push_back(v ? json(*v) : json(nullptr));
  return json::array({row.index, row.seed, row.plan, row.digest, std::move(values)});
}

json point_json(const part_point& point) {
  json rows = json::array();
  for (const auto& row : point.rows) rows.push_back(row_json(row));
  return {{"rows", std::move(rows)}, {"invariant_violations", point.invariant_violations}};
}

std::vector<std::string> strings(const json& v, const std::string& pointer, json_reader& r) {
  std::vector<std::string> out;
  if (!r.array(v, pointer)) return out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (auto s = r.string(v[i], json_child_pointer(pointer, i))) out.push_back(std::move(*s));
  }
  return out;
}

std::vector<sweep_axis> parse_axes(const json& v, const std::string& pointer, json_reader& r) {
  std::vector<sweep_axis> out;
  if (!r.array(v, pointer)) return out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = json_child_pointer(pointer, i);
    if (!r.object(v[i], at, {"pointer", "values"})) continue;
    sweep_axis axis;
    if (const auto* p = r.required(v[i], at, "pointer", "a JSON pointer"))
      axis.pointer = r.string(*p, at + "/pointer").value_or("");
    if (const auto* vs = r.required(v[i], at, "values", "an array of values"); vs && r.array(*vs, at + "/values")) {
      axis.values.assign(vs->begin(), vs->end());
    }
    out.push_back(std::move(axis));
  }
  return out;
}

std::vector<study_expectation> parse_expectation_list(const json& v, const std::string& pointer, json_reader& r) {
  std::vector<study_expectation> out;
  if (!r.array(v, pointer)) return out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = json_child_pointer(pointer, i);
    if (!r.object(v[i], at, {"metric", "key", "bound"})) continue;
    study_expectation e;
    if (const auto* m = r.required(v[i], at, "metric", "a metric name"))
      e.metric = r.string(*m, at + "/metric").value_or("");
    if (const auto* k = r.required(v[i], at, "key", "a bound's key")) e.key = r.string(*k, at + "/key").value_or("");
    if (const auto* b = r.required(v[i], at, "bound", "a number")) e.bound = r.number(*b, at + "/bound").value_or(0.0);
    out.push_back(std::move(e));
  }
  return out;
}

const std::vector<std::string>& identity_keys() {
  static const std::vector<std::string> keys = {
      "pushsim_version", "scenario",   "scenario_file", "input_hashes", "set",   "seed",
      "replications",    "confidence", "vary",          "plans",        "sweep", "expectations"};
  return keys;
}

study_identity parse_identity(const json& v, const std::string& at, json_reader& r) {
  study_identity id;
  if (!r.object(v, at, identity_keys())) return id;
  for (const auto& key : identity_keys()) r.required(v, at, key, "a value");
  const auto get = [&](std::string_view key) -> const json& {
    static const json none;
    const json* m = json_reader::member(v, key);
    return m ? *m : none;
  };
  id.pushsim_version = r.string(get("pushsim_version"), at + "/pushsim_version").value_or("");
  id.scenario_name = r.string(get("scenario"), at + "/scenario").value_or("");
  id.scenario_file = r.string(get("scenario_file"), at + "/scenario_file").value_or("");
  id.input_hashes = strings(get("input_hashes"), at + "/input_hashes", r);
  id.set = strings(get("set"), at + "/set", r);
  id.seed = r.uint64(get("seed"), at + "/seed").value_or(0);
  id.replications = r.uint64(get("replications"), at + "/replications", 2, 10'000'000).value_or(0);
  id.confidence = r.number(get("confidence"), at + "/confidence", 0.5, 0.999).value_or(0.95);
  const auto vary = r.string(get("vary"), at + "/vary");
  if (vary && *vary != "population" && *vary != "platform") r.error(at + "/vary", "expected population or platform");
  id.vary = vary == "platform" ? vary_mode::platform : vary_mode::population;
  id.plans = strings(get("plans"), at + "/plans", r);
  if (id.plans.empty()) r.error(at + "/plans", "expected at least one plan");
  id.sweep = parse_axes(get("sweep"), at + "/sweep", r);
  id.expectations = parse_expectation_list(get("expectations"), at + "/expectations", r);
  return id;
}

// One row [index, seed, plan, "digest", [values]]; `expected_index`/`expected_plan` are where it must stand.
bool parse_row(const json& v, const std::string& at, std::uint64_t expected_index, std::size_t expected_plan,
               replication_row& row, json_reader& r) {
  const std::size_t width = study_metrics().size();
  if (!v.is_array() || v.size() != 5) return r.expected(v, at, "[index, seed, plan, digest, [values]]");
  if (!v[0].is_number_unsigned() || v[0].get<std::uint64_t>() != expected_index) {
    return r.expected(v[0], at + "/0",
                      "replication " + std::to_string(expected_index) + " (the shard's block, in order)");
  }
  if (!v[1].is_number_unsigned()) return r.expected(v[1], at + "/1", "a seed");
  if (!v[2].is_number_unsigned() || v[2].get<std::uint64_t>() != expected_plan) {
    return r.expected(v[2], at + "/2", "plan " + std::to_string(expected_plan));
  }
  if (!v[3].is_string()) return r.expected(v[3], at + "/3", "a digest");
  const json& values = v[4];
  if (!values.is_array() || values.size() != width) {
    return r.expected(values, at + "/4", "an array of " + std::to_string(width) + " metric values");
  }
  row.index = expected_index;
  row.seed = v[1].get<std::uint64_t>();
  row.plan = expected_plan;
  row.digest = v[3].get<std::string>();
  row.values.reserve(width);
  for (std::size_t m = 0; m < width; ++m) {
    const json& x = values[m];
    if (x.is_null()) {
      row.values.emplace_back();
    } else if (x.is_number()) {
      row.values.emplace_back(x.get<double>());
    } else {
      return r.expected(x, at + "/4/" + std::to_string(m), "a number or null (" + study_metrics()[m].name + ")");
    }
  }
  return true;
}

part_point parse_point(const json& v, const std::string& at, const replication_range& range, std::size_t plans,
                       json_reader& r) {
  part_point point;
  if (!r.object(v, at, {"rows", "invariant_violations"})) return point;
  const json* rows = r.required(v, at, "rows", "an array of rows");
  if (const json* iv = r.required(v, at, "invariant_violations", "an array of strings")) {
    point.invariant_violations = strings(*iv, at + "/invariant_violations", r);
  }
  if (!rows || !r.array(*rows, at + "/rows")) return point;
  if (rows->size() != range.count * plans) {
    r.error(at + "/rows", "expected " + std::to_string(range.count * plans) + " rows (" + std::to_string(range.count) +
                              " replications x " + std::to_string(plans) + " plans), found " +
                              std::to_string(rows->size()));
    return point;
  }
  point.rows.resize(rows->size());
  for (std::size_t i = 0; i < rows->size(); ++i) {
    if (!parse_row((*rows)[i], at + "/rows/" + std::to_string(i), range.first + i / plans, i % plans, point.rows[i],
                   r)) {
      break;
    }
  }
  return point;
}

}  // namespace

std::optional<shard_spec> parse_shard(const std::string& text, std::string& error) {
  const auto slash = text.find('/');
  const auto k = slash == std::string::npos ? std::nullopt : whole_number(std::string_view(text).substr(0, slash));
  const auto n = slash == std::string::npos ? std::nullopt : whole_number(std::string_view(text).substr(slash + 1));
  if (!k || !n || *n < 1 || *n > shards_max || *k < 1 || *k > *n) {
    error = "--shard: expected K/N with 1 <= K <= N <= 1000000, found '" + text + "'";
    return std::nullopt;
  }
  return shard_spec{*k, *n};
}

replication_range shard_range(const shard_spec& shard, std::uint64_t replications) {
  // k <= 1,000,000 shards and replications <= 10,000,000: the product stays far below 2^64.
  const auto edge = [&](std::uint64_t k) { return k * replications / shard.count; };
  const std::uint64_t first = edge(shard.index - 1);
  return {first, edge(shard.index) - first};
}

const std::string& pushsim_version_text() {
  static const std::string text(version());
  return text;
}

std::optional<std::string> file_hash_hex(const std::string& path) {
  const auto bytes = read_file(path);
  if (!bytes) return std::nullopt;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash_name(*bytes)));
  return text;
}

nlohmann::json identity_json(const study_identity& id) {
  json sweep = json::array();
  for (const auto& axis : id.sweep) sweep.push_back({{"pointer", axis.pointer}, {"values", axis.values}});
  json expectations = json::array();
  for (const auto& e : id.expectations)
    expectations.push_back({{"metric", e.metric}, {"key", e.key}, {"bound", e.bound}});
  return {{"pushsim_version", id.pushsim_version},
          {"scenario", id.scenario_name},
          {"scenario_file", id.scenario_file},
          {"input_hashes", id.input_hashes},
          {"set", id.set},
          {"seed", id.seed},
          {"replications", id.replications},
          {"confidence", id.confidence},
          {"vary", to_string(id.vary)},
          {"plans", id.plans},
          {"sweep", std::move(sweep)},
          {"expectations", std::move(expectations)}};
}

std::string render_study_part(const study_part& part) {
  json points = json::array();
  for (const auto& point : part.points) points.push_back(point_json(point));
  const json j = {{"format", part_format},
                  {"shard", {{"index", part.shard.index}, {"count", part.shard.count}}},
                  {"identity", identity_json(part.identity)},
                  {"points", std::move(points)}};
  return j.dump() + "\n";
}

std::optional<study_part> parse_study_part(std::string_view text, const std::string& file,
                                           std::vector<input_error>& errors) {
  const std::size_t before = errors.size();
  auto doc = parse_json_text(text, file, errors);
  if (!doc) return std::nullopt;
  json_reader r(file, errors);
  if (!r.object(*doc, "", {"format", "shard", "identity", "points"})) return std::nullopt;
  const json* format = r.required(*doc, "", "format", std::string("\"") + part_format + "\"");
  if (format && (!format->is_string() || *format != part_format))
    r.expected(*format, "/format", std::string("\"") + part_format + "\"");
  study_part part;
  if (const json* s = r.required(*doc, "", "shard", "{\"index\", \"count\"}");
      s && r.object(*s, "/shard", {"index", "count"})) {
    const json* n = r.required(*s, "/shard", "count", "the number of shards");
    const json* k = r.required(*s, "/shard", "index", "the shard's number");
    if (n) part.shard.count = r.uint64(*n, "/shard/count", 1, shards_max).value_or(1);
    if (k) part.shard.index = r.uint64(*k, "/shard/index", 1, part.shard.count).value_or(1);
  }
  if (const json* id = r.required(*doc, "", "identity", "the study's identity"))
    part.identity = parse_identity(*id, "/identity", r);
  if (errors.size() != before) return std::nullopt;
  const json* points = r.required(*doc, "", "points", "an array of grid points");
  if (!points || !r.array(*points, "/points")) return std::nullopt;
  const std::size_t grid = sweep_grid(part.identity.sweep).size();
  if (points->size() != grid) {
    r.error("/points", "expected " + std::to_string(grid) + " grid points, found " + std::to_string(points->size()));
    return std::nullopt;
  }
  const auto range = shard_range(part.shard, part.identity.replications);
  for (std::size_t g = 0; g < grid && errors.size() == before; ++g) {
    part.points.push_back(
        parse_point((*points)[g], "/points/" + std::to_string(g), range, part.identity.plans.size(), r));
  }
  if (errors.size() != before) return std::nullopt;
  return part;
}

}  // namespace pushsim::harness
