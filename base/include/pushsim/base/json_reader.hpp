#pragma once
// json_reader: the one strict reader of JSON input. Every parser of user input reads through it, so a wrong
// type, an out-of-range number, an unknown key or too deep a nesting is reported the same way everywhere: an
// input_error naming the file, the JSON pointer and what was expected. Nothing here throws.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/base/input_error.hpp"

namespace pushsim {

// Deepest nesting of arrays and objects any input may have (deeper is an error, not a stack overflow).
inline constexpr std::size_t json_depth_max = 64;

// Parses JSON text: invalid JSON (with its position) or nesting deeper than json_depth_max is an error naming
// `file`. Returns the document, or nothing after appending the error.
std::optional<nlohmann::json> parse_json_text(std::string_view text, const std::string& file,
                                              std::vector<input_error>& errors);

// True when v nests arrays/objects deeper than depth_max (a scalar has depth 0, [] depth 1).
bool json_deeper_than(const nlohmann::json& v, std::size_t depth_max = json_depth_max);

// "pointer/token" with the key escaped as one JSON-pointer token (~0, ~1).
std::string json_child_pointer(std::string_view pointer, std::string_view key);
std::string json_child_pointer(std::string_view pointer, std::size_t index);

// A short rendering of a found value for messages: "string \"abc\"", "number -1", "object" (long text cut).
std::string json_found(const nlohmann::json& v);

// Reads typed values out of one input, appending every problem to `errors` with the input's file name. Each
// read returns the value, or nothing after recording why ("expected ..., found ..."). Pointers are absolute
// JSON pointers into the input ("" is the whole document).
class json_reader {
 public:
  json_reader(std::string file, std::vector<input_error>& errors) : file_(std::move(file)), errors_(&errors) {}

  // An object whose keys are all in `keys`; each other key is an "unknown key" error. False when v is no object.
  bool object(const nlohmann::json& v, const std::string& pointer, std::initializer_list<std::string_view> keys);
  bool object(const nlohmann::json& v, const std::string& pointer, const std::vector<std::string>& keys);
  // An array (its elements are read by the caller).
  bool array(const nlohmann::json& v, const std::string& pointer);

  std::optional<std::string> string(const nlohmann::json& v, const std::string& pointer);
  std::optional<bool> boolean(const nlohmann::json& v, const std::string& pointer);
  // A finite number in [lo, hi].
  std::optional<double> number(const nlohmann::json& v, const std::string& pointer,
                               double lo = std::numeric_limits<double>::lowest(),
                               double hi = std::numeric_limits<double>::max());
  // An integral number in [lo, hi] (1.0 counts as 1; 1.5, 1e300 and out-of-range values are errors).
  std::optional<std::int64_t> int64(const nlohmann::json& v, const std::string& pointer,
                                    std::int64_t lo = std::numeric_limits<std::int64_t>::min(),
                                    std::int64_t hi = std::numeric_limits<std::int64_t>::max());
  std::optional<std::uint64_t> uint64(const nlohmann::json& v, const std::string& pointer, std::uint64_t lo = 0,
                                      std::uint64_t hi = std::numeric_limits<std::uint64_t>::max());

  // The member `key` of object `obj` (nullptr when absent or obj is no object). `required`: absence is an error
  // "missing; expected <what>".
  static const nlohmann::json* member(const nlohmann::json& obj, std::string_view key);
  const nlohmann::json* required(const nlohmann::json& obj, const std::string& pointer, std::string_view key,
                                 std::string_view what);

  // Records an error at `pointer`; always returns false (so `return r.error(...)` reads well).
  bool error(const std::string& pointer, std::string message);
  // "expected <what>, found <value>" at `pointer`.
  bool expected(const nlohmann::json& v, const std::string& pointer, std::string_view what);

  const std::string& file() const { return file_; }
  std::size_t error_count() const { return errors_->size(); }

 private:
  std::string file_;
  std::vector<input_error>* errors_;
};

}  // namespace pushsim
