#include "gates.hpp"

namespace pushsim::scheduler::detail {

void gate_tally::add_failed(const std::string& error_type, bool transient) {
  ++failed_;
  if (!transient) seen_error_types_.insert(error_type);
}

void gate_tally::accept_reviewed() {
  reviewed_succeeded_ = succeeded_;
  reviewed_failed_ = failed_;
  reviewed_broken_ = static_cast<std::int64_t>(broken_orgs_.size());
  accept_seen_error_types();
}

std::optional<std::string> gate_tally::failure_rate_verdict(const gate_config& g) const {
  const std::int64_t failed = failed_ - reviewed_failed_;
  const std::int64_t finished = succeeded_ - reviewed_succeeded_ + failed;
  if (finished < g.min_samples || finished <= 0) return std::nullopt;
  const double rate = static_cast<double>(failed) / static_cast<double>(finished);
  if (rate <= g.max_failure_rate) return std::nullopt;
  return "failure rate " + std::to_string(failed) + "/" + std::to_string(finished) + " exceeds " +
         std::to_string(g.max_failure_rate);
}

std::optional<std::string> gate_tally::new_error_type_verdict() const {
  for (const auto& t : seen_error_types_) {
    if (!known_error_types_.contains(t)) return "new ErrorType " + t;
  }
  return std::nullopt;
}

std::optional<std::string> gate_tally::verdict(const gate_config& g) const {
  if (auto why = failure_rate_verdict(g)) return why;
  const std::int64_t failed = failed_ - reviewed_failed_;
  if (g.max_failed_orgs && failed > *g.max_failed_orgs) {
    return std::to_string(failed) + " failed orgs exceed " + std::to_string(*g.max_failed_orgs);
  }
  const auto broken = static_cast<std::int64_t>(broken_orgs_.size()) - reviewed_broken_;
  if (g.max_broken_signals && broken > *g.max_broken_signals) {
    return std::to_string(broken) + " broken-org signals exceed " + std::to_string(*g.max_broken_signals);
  }
  if (g.halt_on_new_error_type) return new_error_type_verdict();
  return std::nullopt;
}

}  // namespace pushsim::scheduler::detail
