#pragma once
// Durations as people write them in plan files: "30m", "6h", "2d", "1h30m", "45s", "1w", or a plain number of
// seconds.

#include <optional>
#include <string_view>

#include "pushsim/base/time.hpp"

namespace pushsim::scheduler {

// Parses "<int><unit>..." with units s, m, h, d, w (summed, e.g. "1h30m") or a bare non-negative integer
// (seconds). Empty optional when malformed or negative.
std::optional<duration> parse_duration_text(std::string_view text);

// The shortest spelling of a whole-second duration in the units above ("90m" -> "1h30m").
std::string format_duration_text(duration d);

}  // namespace pushsim::scheduler
