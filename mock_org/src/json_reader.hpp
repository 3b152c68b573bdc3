#pragma once
// Private helpers for mock_org's JSON parsers: JSON pointers and a reader that records the first error.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/base/json_reader.hpp"
#include "pushsim/base/json_text.hpp"
#include "pushsim/mock_org/spec_error.hpp"

namespace pushsim::mock_org::detail {

using nlohmann::json;
using pushsim::json_found;

inline std::string child(std::string_view ptr, std::string_view key) {
  return std::string(ptr) + "/" + json_pointer_token(key);
}
inline std::string child(std::string_view ptr, std::size_t i) { return std::string(ptr) + "/" + std::to_string(i); }

// Keeps the first error; every read returns false once something failed. Type, range and unknown-key checks
// (and their wording) are the shared json_reader's.
struct reader {
  spec_error err;
  bool failed = false;

  bool fail(std::string ptr, std::string msg) {
    if (!failed) {
      err = {"", std::move(ptr), std::move(msg)};
      failed = true;
    }
    return false;
  }
  // Runs one shared-reader check; true when it added no error.
  template <class Read>
  bool check(Read&& read) {
    std::vector<input_error> errors;
    json_reader jr("", errors);
    const bool ok = read(jr) && errors.empty();
    if (!errors.empty()) fail(errors.front().pointer, errors.front().message);
    return ok;
  }
  bool object(const json& j, const std::string& ptr, std::initializer_list<std::string_view> allowed) {
    return check([&](json_reader& jr) { return jr.object(j, ptr, allowed); });
  }
  bool object(const json& j, const std::string& ptr, const std::vector<std::string>& allowed) {
    return check([&](json_reader& jr) { return jr.object(j, ptr, allowed); });
  }
  bool number(const json& j, const std::string& ptr, double lo, double hi, double& out) {
    return check([&](json_reader& jr) { return assign(jr.number(j, ptr, lo, hi), out); });
  }
  bool probability(const json& j, const std::string& ptr, double& out) { return number(j, ptr, 0.0, 1.0, out); }
  bool integer(const json& j, const std::string& ptr, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
    return check([&](json_reader& jr) { return assign(jr.int64(j, ptr, lo, hi), out); });
  }
  bool string(const json& j, const std::string& ptr, std::string& out) {
    return check([&](json_reader& jr) { return assign(jr.string(j, ptr), out); });
  }
  bool boolean(const json& j, const std::string& ptr, bool& out) {
    return check([&](json_reader& jr) { return assign(jr.boolean(j, ptr), out); });
  }
  template <class T, class U>
  static bool assign(const std::optional<T>& v, U& out) {
    if (v) out = static_cast<U>(*v);
    return v.has_value();
  }
  // A weight map: names resolved by `resolve` (returns false after calling fail with a message).
  template <class T>
  bool weights(const json& j, const std::string& ptr, std::vector<std::pair<T, double>>& out,
               const std::function<std::optional<T>(const std::string& key, const std::string& key_ptr)>& resolve) {
    if (!j.is_object()) return fail(ptr, "expected an object of weights, found " + json_found(j));
    if (j.empty()) return fail(ptr, "expected at least one weight");
    std::vector<std::pair<T, double>> tmp;
    double sum = 0.0;
    bool fractional = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string kp = child(ptr, it.key());
      const auto key = resolve(it.key(), kp);
      if (!key) return false;
      double w = 0;
      if (!number(it.value(), kp, 0.0, std::numeric_limits<double>::max(), w)) return false;
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
