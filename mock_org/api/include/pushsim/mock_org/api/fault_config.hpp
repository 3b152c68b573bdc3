#pragma once
// fault_config: the seeded faults and simulated latency the REST handler injects (the scenario's platform.faults
// object), parsed once at the input boundary; the handler only ever sees the typed value.
//
//   {"seed": 7,
//    "any":       {"http_503": 0.01, "http_500": 0, "something_bad_400": 0, "unknown_exception_500": 0,
//                  "drop": 0, "empty": 0, "malformed": 0},
//    "query": {...}, "create": {...}, "composite": {...}, "patch": {...}, "bulk": {...}, "other": {...},
//    "latency": {"median_ms": 80, "p99_ms": 600}}
// "any" applies to every call and adds to the class's own rates. Latency is lognormal with that median and 99th
// percentile (both 0: no latency). Every member is optional; unknown keys are errors.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "pushsim/base/input_error.hpp"

namespace pushsim {
class json_reader;
}

namespace pushsim::mock_org::api {

// Endpoint classes faults are configured for.
enum class endpoint_class : std::uint8_t { query, create, composite, patch, bulk, other };

// Probabilities in [0, 1] per call of one endpoint class (their sum must be <= 1).
struct fault_rates {
  double http_503 = 0;               // 503 SERVER_UNAVAILABLE
  double http_500 = 0;               // 500 SERVER_ERROR
  double something_bad_400 = 0;      // 400 UNKNOWN_EXCEPTION "Something bad has happened. Please verify ..."
  double unknown_exception_500 = 0;  // 500 UNKNOWN_EXCEPTION "An unexpected error occurred..."
  double drop = 0;                   // connection closed, nothing sent
  double empty = 0;                  // status and headers, empty body
  double malformed = 0;              // bytes that are not HTTP
  double total() const;
};

// Seeded faults (shape above). seed 0: derived from the run's seed.
struct fault_config {
  std::uint64_t seed = 0;
  fault_rates any;
  std::array<fault_rates, 6> per_class{};  // indexed by endpoint_class
  double latency_ms_median = 0;
  double latency_ms_p99 = 0;
  bool enabled() const;
};

// Parses the faults object found at `pointer` of the reader's input. Errors go to the reader.
std::optional<fault_config> parse_fault_config(const nlohmann::json& j, json_reader& r, const std::string& pointer);

// The same from JSON text (pointers relative to the object; file ""): for tests and tools.
struct fault_config_result {
  fault_config config;
  std::vector<input_error> errors;  // empty: ok
};
fault_config_result parse_fault_config_text(std::string_view json_text);

}  // namespace pushsim::mock_org::api
