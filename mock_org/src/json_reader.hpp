#pragma once
// Private helpers for mock_org's JSON parsers: JSON pointers and a reader that records the first error.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/base/json_text.hpp"
#include "pushsim/mock_org/spec_error.hpp"

namespace pushsim::mock_org::detail {

using nlohmann::json;

inline std::string child(std::string_view ptr, std::string_view key) {
  return std::string(ptr) + "/" + json_pointer_token(key);
}
inline std::string child(std::string_view ptr, std::size_t i) { return std::string(ptr) + "/" + std::to_string(i); }

// Collects the first error; every reader returns false once something failed.
struct reader {
  spec_error err;
  bool failed = false;

  bool fail(std::string ptr, std::string msg) {
    if (!failed) {
      err = {std::move(ptr), std::move(msg)};
      failed = true;
    }
    return false;
  }
  bool object(const json& j, const std::string& ptr, std::initializer_list<std::string_view> allowed) {
    if (!j.is_object()) return fail(ptr, "expected an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return fail(child(ptr, it.key()), "unknown key \"" + it.key() + "\" (allowed: " + list + ")");
      }
    }
    return true;
  }
  bool number(const json& j, const std::string& ptr, double lo, double hi, double& out) {
    if (!j.is_number()) return fail(ptr, "expected a number");
    const double v = j.get<double>();
    if (!std::isfinite(v) || v < lo || v > hi) {
      return fail(ptr, "expected a number in [" + trim(lo) + ", " + trim(hi) + "], got " + j.dump());
    }
    out = v;
    return true;
  }
  bool probability(const json& j, const std::string& ptr, double& out) {
    if (!j.is_number()) return fail(ptr, "expected a probability (a number in [0, 1])");
    return number(j, ptr, 0.0, 1.0, out);
  }
  bool integer(const json& j, const std::string& ptr, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
    if (!j.is_number_integer() && !(j.is_number_float() && std::floor(j.get<double>()) == j.get<double>() &&
                                    std::fabs(j.get<double>()) < 9e15)) {
      return fail(ptr, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    }
    std::int64_t v = 0;
    if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      v = INT64_MAX;
    } else {
      v = j.is_number_float() ? static_cast<std::int64_t>(j.get<double>()) : j.get<std::int64_t>();
    }
    if (v < lo || v > hi) {
      return fail(ptr, "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                           std::to_string(v));
    }
    out = v;
    return true;
  }
  bool string(const json& j, const std::string& ptr, std::string& out) {
    if (!j.is_string()) return fail(ptr, "expected a string");
    out = j.get<std::string>();
    return true;
  }
  bool boolean(const json& j, const std::string& ptr, bool& out) {
    if (!j.is_boolean()) return fail(ptr, "expected true or false");
    out = j.get<bool>();
    return true;
  }
  // A weight map: names resolved by `resolve` (returns false after calling fail with a message).
  template <class T>
  bool weights(const json& j, const std::string& ptr, std::vector<std::pair<T, double>>& out,
               const std::function<std::optional<T>(const std::string& key, const std::string& key_ptr)>& resolve) {
    if (!j.is_object()) return fail(ptr, "expected an object of weights");
    if (j.empty()) return fail(ptr, "expected at least one weight");
    std::vector<std::pair<T, double>> tmp;
    double sum = 0.0;
    bool fractional = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string kp = child(ptr, it.key());
      const auto key = resolve(it.key(), kp);
      if (!key) return false;
      if (!it.value().is_number()) return fail(kp, "expected a weight (a number >= 0)");
      const double w = it.value().get<double>();
      if (!std::isfinite(w) || w < 0) return fail(kp, "expected a weight >= 0, got " + it.value().dump());
      if (w != std::floor(w)) fractional = true;
      sum += w;
      tmp.emplace_back(*key, w);
    }
    if (!(sum > 0)) return fail(ptr, "weights must not all be zero");
    if (fractional && std::fabs(sum - 1.0) > 1e-3) {
      return fail(ptr, "weights with fractions are shares and must sum to 1, these sum to " + trim(sum) +
                           " (use shares summing to 1, or integer ratios)");
    }
    out = std::move(tmp);
    return true;
  }
  static std::string trim(double v) {
    std::string s = std::to_string(v);
    if (s.find('.') != std::string::npos) {
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
  }
};

}  // namespace pushsim::mock_org::detail
