#include "pushsim/mock_org/api/fault_config.hpp"

#include <iterator>
#include <utility>

#include "pushsim/base/json_reader.hpp"

namespace pushsim::mock_org::api {

namespace {

using nlohmann::json;

constexpr std::pair<std::string_view, double fault_rates::*> rate_names[] = {
    {"http_503", &fault_rates::http_503},
    {"http_500", &fault_rates::http_500},
    {"something_bad_400", &fault_rates::something_bad_400},
    {"unknown_exception_500", &fault_rates::unknown_exception_500},
    {"drop", &fault_rates::drop},
    {"empty", &fault_rates::empty},
    {"malformed", &fault_rates::malformed}};
constexpr std::string_view class_names[] = {"query", "create", "composite", "patch", "bulk", "other"};

bool read_rates(const json& o, json_reader& r, const std::string& ptr, fault_rates& out) {
  std::vector<std::string> keys;
  for (const auto& [name, member] : rate_names) keys.emplace_back(name);
  if (!r.object(o, ptr, keys)) return false;
  bool ok = true;
  for (const auto& [name, member] : rate_names) {
    const json* v = json_reader::member(o, name);
    if (!v) continue;
    const auto p = r.number(*v, json_child_pointer(ptr, name), 0.0, 1.0);
    if (p) out.*member = *p;
    ok = ok && p.has_value();
  }
  if (ok && out.total() > 1) ok = r.error(ptr, "rates add up to more than 1");
  return ok;
}

void read_latency(const json& o, json_reader& r, const std::string& ptr, fault_config& out) {
  if (!r.object(o, ptr, {"median_ms", "p99_ms"})) return;
  if (const json* v = json_reader::member(o, "median_ms")) {
    if (const auto x = r.number(*v, ptr + "/median_ms", 0.0)) out.latency_ms_median = *x;
  }
  if (const json* v = json_reader::member(o, "p99_ms")) {
    if (const auto x = r.number(*v, ptr + "/p99_ms", 0.0)) out.latency_ms_p99 = *x;
  }
  if (out.latency_ms_p99 < out.latency_ms_median) out.latency_ms_p99 = out.latency_ms_median;
}

}  // namespace

double fault_rates::total() const {
  return http_503 + http_500 + something_bad_400 + unknown_exception_500 + drop + empty + malformed;
}

bool fault_config::enabled() const {
  if (any.total() > 0 || latency_ms_median > 0) return true;
  for (const auto& r : per_class) {
    if (r.total() > 0) return true;
  }
  return false;
}

std::optional<fault_config> parse_fault_config(const json& j, json_reader& r, const std::string& pointer) {
  const std::size_t errors_before = r.error_count();
  std::vector<std::string> keys = {"seed", "any", "latency"};
  for (const auto name : class_names) keys.emplace_back(name);
  if (!r.object(j, pointer, keys)) return std::nullopt;
  fault_config out;
  if (const json* v = json_reader::member(j, "seed")) {
    if (const auto s = r.uint64(*v, pointer + "/seed")) out.seed = *s;
  }
  bool rates_ok = true;
  if (const json* v = json_reader::member(j, "any")) rates_ok = read_rates(*v, r, pointer + "/any", out.any);
  if (const json* v = json_reader::member(j, "latency")) read_latency(*v, r, pointer + "/latency", out);
  for (std::size_t c = 0; c < std::size(class_names); ++c) {
    const json* v = json_reader::member(j, class_names[c]);
    if (v && !read_rates(*v, r, json_child_pointer(pointer, class_names[c]), out.per_class[c])) rates_ok = false;
  }
  for (const auto& rates : out.per_class) {
    if (rates_ok && rates.total() + out.any.total() > 1) {
      r.error(pointer + "/any", "any + class rates add up to more than 1");
      break;
    }
  }
  if (r.error_count() != errors_before) return std::nullopt;
  return out;
}

fault_config_result parse_fault_config_text(std::string_view text) {
  fault_config_result out;
  const auto j = parse_json_text(text, "", out.errors);
  if (!j) return out;
  json_reader r("", out.errors);
  if (auto c = parse_fault_config(*j, r, "")) out.config = *c;
  return out;
}

}  // namespace pushsim::mock_org::api
