#include "pushsim/mock_org/api/api_handler.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

namespace pushsim::mock_org::api {

using json = nlohmann::json;

double fault_rates::total() const {
  return http_503 + http_500 + something_bad_400 + unknown_exception_500 + drop + empty + malformed;
}

bool fault_config::enabled() const {
  if (any.total() > 0 || latency_median_ms > 0) return true;
  for (const auto& r : per_class) {
    if (r.total() > 0) return true;
  }
  return false;
}

fault_config_result parse_fault_config(std::string_view text) {
  fault_config_result out;
  const json j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    out.error = "/: expected a JSON object";
    return out;
  }
  static constexpr std::pair<std::string_view, double fault_rates::*> rate_names[] = {
      {"http_503", &fault_rates::http_503},
      {"http_500", &fault_rates::http_500},
      {"something_bad_400", &fault_rates::something_bad_400},
      {"unknown_exception_500", &fault_rates::unknown_exception_500},
      {"drop", &fault_rates::drop},
      {"empty", &fault_rates::empty},
      {"malformed", &fault_rates::malformed}};
  static constexpr std::string_view class_names[] = {"query", "create", "composite", "patch", "bulk", "other"};
  auto read_rates = [&](const json& o, const std::string& ptr, fault_rates& r) -> bool {
    if (!o.is_object()) {
      out.error = ptr + ": expected an object of rates";
      return false;
    }
    for (const auto& [k, v] : o.items()) {
      bool known = false;
      for (const auto& [n, m] : rate_names) {
        if (k == n) {
          known = true;
          if (!v.is_number() || v.get<double>() < 0 || v.get<double>() > 1) {
            out.error = ptr + "/" + k + ": expected a probability in [0, 1]";
            return false;
          }
          r.*m = v.get<double>();
        }
      }
      if (!known) {
        out.error = ptr + "/" + k + ": unknown fault kind";
        return false;
      }
    }
    if (r.total() > 1) {
      out.error = ptr + ": rates add up to more than 1";
      return false;
    }
    return true;
  };
  for (const auto& [k, v] : j.items()) {
    if (k == "seed") {
      if (!v.is_number_unsigned()) {
        out.error = "/seed: expected a non-negative integer";
        return out;
      }
      out.config.seed = v.get<std::uint64_t>();
    } else if (k == "any") {
      if (!read_rates(v, "/any", out.config.any)) return out;
    } else if (k == "latency") {
      if (!v.is_object()) {
        out.error = "/latency: expected {\"median_ms\", \"p99_ms\"}";
        return out;
      }
      for (const auto& [lk, lv] : v.items()) {
        if ((lk != "median_ms" && lk != "p99_ms") || !lv.is_number() || lv.get<double>() < 0) {
          out.error = "/latency/" + lk + ": expected median_ms or p99_ms, a number >= 0";
          return out;
        }
        (lk == "median_ms" ? out.config.latency_median_ms : out.config.latency_p99_ms) = lv.get<double>();
      }
      if (out.config.latency_p99_ms < out.config.latency_median_ms) out.config.latency_p99_ms = out.config.latency_median_ms;
    } else {
      bool known = false;
      for (std::size_t c = 0; c < std::size(class_names); ++c) {
        if (k == class_names[c]) {
          known = true;
          if (!read_rates(v, "/" + k, out.config.per_class[c])) return out;
        }
      }
      if (!known) {
        out.error = "/" + k + ": unknown member (expected seed, any, latency, query, create, composite, patch, bulk, "
                    "other)";
        return out;
      }
    }
  }
  for (const auto& r : out.config.per_class) {
    if (r.total() + out.config.any.total() > 1) {
      out.error = "/any: any + class rates add up to more than 1";
      return out;
    }
  }
  return out;
}

}  // namespace pushsim::mock_org::api
