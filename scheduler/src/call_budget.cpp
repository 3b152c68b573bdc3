#include "call_budget.hpp"

#include <algorithm>

namespace pushsim::scheduler::detail {

namespace {
constexpr auto budget_window = std::chrono::hours{24};
}

void call_budget::forget_before(time_point now) {
  while (!window_.empty() && window_.front() <= now - budget_window) window_.pop_front();
}

bool call_budget::allows(time_point now, bool essential) {
  if (now < paused_until_) return false;
  if (!limited()) return true;
  forget_before(now);
  const std::int64_t limit = *cfg_.calls_per_24h - (essential ? 0 : cfg_.reserve);
  return static_cast<std::int64_t>(window_.size()) < limit;
}

time_point call_budget::free_at(time_point now) {
  time_point t = std::max(paused_until_, now);
  if (!limited() || window_.empty()) return t;
  forget_before(now);
  const std::int64_t limit = *cfg_.calls_per_24h - cfg_.reserve;
  if (static_cast<std::int64_t>(window_.size()) >= limit && !window_.empty()) {
    // The call that must leave the window before one more fits.
    const auto excess = static_cast<std::size_t>(static_cast<std::int64_t>(window_.size()) - limit);
    t = std::max(t, window_[std::min(excess, window_.size() - 1)] + budget_window + duration{1});
  }
  return t;
}

void call_budget::spend(time_point now) {
  if (limited()) window_.push_back(now);
}

time_point call_budget::pause(time_point now) {
  paused_until_ = std::max(paused_until_, now + cfg_.limit_exceeded_wait);
  return paused_until_;
}

}  // namespace pushsim::scheduler::detail
