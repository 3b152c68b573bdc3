#include "pushsim/base/json_reader.hpp"

#include <algorithm>
#include <cmath>

#include "pushsim/base/json_text.hpp"

namespace pushsim {

namespace {

using nlohmann::json;

// Deepest bracket nesting of JSON text, counting only brackets outside strings; stops past depth_max.
bool text_deeper_than(std::string_view text, std::size_t depth_max) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > depth_max) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// A bound as a reader writes it: 1 rather than 1.0.
std::string bound_text(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<std::int64_t>(v));
  return json(v).dump();
}

std::string range_text(double lo, double hi) {
  const bool open_lo = lo == std::numeric_limits<double>::lowest();
  const bool open_hi = hi == std::numeric_limits<double>::max();
  if (open_lo && open_hi) return "";
  if (open_hi) return " >= " + bound_text(lo);
  if (open_lo) return " <= " + bound_text(hi);
  return " in [" + bound_text(lo) + ", " + bound_text(hi) + "]";
}

template <class Int>
std::string int_range_text(Int lo, Int hi) {
  return "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
}

}  // namespace

std::optional<json> parse_json_text(std::string_view text, const std::string& file, std::vector<input_error>& errors) {
  if (text_deeper_than(text, json_depth_max)) {
    errors.push_back({file, "", "nested deeper than " + std::to_string(json_depth_max) + " levels"});
    return std::nullopt;
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    errors.push_back({file, "", std::string("not valid JSON: ") + e.what()});
    return std::nullopt;
  }
}

bool json_deeper_than(const json& v, std::size_t depth_max) {
  if (!v.is_structured()) return false;
  if (depth_max == 0) return true;
  for (const auto& e : v) {
    if (json_deeper_than(e, depth_max - 1)) return true;
  }
  return false;
}

std::string json_child_pointer(std::string_view pointer, std::string_view key) {
  return std::string(pointer) + "/" + json_pointer_token(key);
}
std::string json_child_pointer(std::string_view pointer, std::size_t index) {
  return std::string(pointer) + "/" + std::to_string(index);
}

std::string json_found(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_null()) return "null";
  std::string text = v.dump(-1, ' ', false, json::error_handler_t::replace);  // never throws on bad UTF-8
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  if (v.is_string()) return "string " + text;
  if (v.is_boolean()) return text;
  return "number " + text;
}

bool json_reader::error(const std::string& pointer, std::string message) {
  errors_->push_back({file_, pointer, std::move(message)});
  return false;
}

bool json_reader::expected(const json& v, const std::string& pointer, std::string_view what) {
  return error(pointer, "expected " + std::string(what) + ", found " + json_found(v));
}

bool json_reader::object(const json& v, const std::string& pointer, std::initializer_list<std::string_view> keys) {
  return object(v, pointer, std::vector<std::string>(keys.begin(), keys.end()));
}

bool json_reader::object(const json& v, const std::string& pointer, const std::vector<std::string>& keys) {
  if (!v.is_object()) return expected(v, pointer, "an object");
  for (const auto& [k, value] : v.items()) {
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) continue;
    std::string known;
    for (const auto& key : keys) known += (known.empty() ? "" : ", ") + key;
    error(json_child_pointer(pointer, k), "unknown key \"" + k + "\" (known keys: " + known + ")");
  }
  return true;
}

bool json_reader::array(const json& v, const std::string& pointer) {
  return v.is_array() || expected(v, pointer, "an array");
}

std::optional<std::string> json_reader::string(const json& v, const std::string& pointer) {
  if (!v.is_string()) return expected(v, pointer, "a string"), std::nullopt;
  return v.get<std::string>();
}

std::optional<bool> json_reader::boolean(const json& v, const std::string& pointer) {
  if (!v.is_boolean()) return expected(v, pointer, "true or false"), std::nullopt;
  return v.get<bool>();
}

std::optional<double> json_reader::number(const json& v, const std::string& pointer, double lo, double hi) {
  const std::string what = "a number" + range_text(lo, hi);
  if (!v.is_number()) return expected(v, pointer, what), std::nullopt;
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < lo || x > hi) return expected(v, pointer, what), std::nullopt;
  return x;
}

std::optional<std::int64_t> json_reader::int64(const json& v, const std::string& pointer, std::int64_t lo,
                                               std::int64_t hi) {
  const std::string what = int_range_text(lo, hi);
  if (v.is_number_unsigned()) {
    const auto x = v.get<std::uint64_t>();
    if (x > static_cast<std::uint64_t>(hi)) return expected(v, pointer, what), std::nullopt;
    if (static_cast<std::int64_t>(x) < lo) return expected(v, pointer, what), std::nullopt;
    return static_cast<std::int64_t>(x);
  }
  if (v.is_number_integer()) {
    const auto x = v.get<std::int64_t>();
    if (x < lo || x > hi) return expected(v, pointer, what), std::nullopt;
    return x;
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    // 2^63 is the first double past int64's range.
    if (std::floor(d) != d || !(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
      return expected(v, pointer, what), std::nullopt;
    }
    const auto x = static_cast<std::int64_t>(d);
    if (x < lo || x > hi) return expected(v, pointer, what), std::nullopt;
    return x;
  }
  return expected(v, pointer, what), std::nullopt;
}

std::optional<std::uint64_t> json_reader::uint64(const json& v, const std::string& pointer, std::uint64_t lo,
                                                 std::uint64_t hi) {
  const std::string what = int_range_text(lo, hi);
  std::optional<std::uint64_t> x;
  if (v.is_number_unsigned()) {
    x = v.get<std::uint64_t>();
  } else if (v.is_number_integer()) {
    if (v.get<std::int64_t>() >= 0) x = static_cast<std::uint64_t>(v.get<std::int64_t>());
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    // 2^64 is the first double past uint64's range.
    if (std::floor(d) == d && d >= 0 && d < 18446744073709551616.0) x = static_cast<std::uint64_t>(d);
  }
  if (!x || *x < lo || *x > hi) return expected(v, pointer, what), std::nullopt;
  return x;
}

const json* json_reader::member(const json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(std::string(key));
  return it == obj.end() ? nullptr : &*it;
}

const json* json_reader::required(const json& obj, const std::string& pointer, std::string_view key,
                                  std::string_view what) {
  const json* v = member(obj, key);
  if (!v && obj.is_object()) error(json_child_pointer(pointer, key), "missing; expected " + std::string(what));
  return v;
}

}  // namespace pushsim
