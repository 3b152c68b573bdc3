#include "pushsim/scheduler/rest/driver.hpp"

#include <algorithm>
#include <utility>

namespace pushsim::scheduler::rest {

driver::driver(rollout& ro, transport& tr, clock& clk, const codec& cd, driver_options options)
    : ro_(ro),
      transport_(tr),
      clock_(clk),
      codec_(cd),
      options_(std::move(options)),
      authorization_("Bearer " + options_.token) {}

void driver::start() { apply(ro_.on_time(clock_.now())); }

void driver::signal(const std::string& org_key) { apply(ro_.on_signal(org_key, clock_.now())); }

void driver::stop() {
  clock_.cancel_wake();
  wake_pending_ = false;
}

void driver::apply(executor_output out) {
  if (!halt_time_ && ro_.halted()) halt_time_ = clock_.now();
  if (gave_up_) return;
  for (auto& c : out.calls) send(std::move(c));
  if (out.wake_at) {
    wake_at(*out.wake_at);
  } else if (options_.idle_poll && in_flight_ == 0 && !wake_pending_ && !ro_.done()) {
    wake_at(clock_.now() + *options_.idle_poll);
  }
}

void driver::send(outgoing_call call) {
  ++stats_.api_calls;
  ++stats_.api_calls_by_endpoint[endpoint_name(call.call)];
  rest_request req = codec_.encode(call.call);
  req.headers.emplace_back("Authorization", authorization_);
  ++in_flight_;
  transport_.send(std::move(req), [this, call = std::move(call)](exchange_result result) mutable {
    --in_flight_;
    answer(call, std::move(result));
  });
}

// Keeps the give-up clock: a retried failure starts it (if it is not running), anything else stops it.
void driver::note(const api_result& result) {
  const auto* e = std::get_if<api_error>(&result);
  if (e == nullptr || !e->retryable() || e->kind == api_error::kind_t::limit_exceeded) {
    failing_since_.reset();
    return;
  }
  last_error_ = (e->error_code.empty() ? std::string() : e->error_code + ": ") + e->message;
  if (!failing_since_) failing_since_ = clock_.now();
}

void driver::give_up_if_due() {
  if (gave_up_ || !options_.give_up_after || !failing_since_) return;
  if (clock_.now() - *failing_since_ < *options_.give_up_after) return;
  gave_up_ = true;
  stop();
}

void driver::answer(const outgoing_call& call, exchange_result result) {
  const time_point now = clock_.now();
  rest_response resp;
  if (auto* r = std::get_if<rest_response>(&result)) {
    resp = std::move(*r);
  } else {
    const auto& f = std::get<transport_failure>(result);
    ++stats_.transport_failures;
    resp = rest_response{transport_error_status, {}, f.message};
  }
  auto decoded = codec_.decode(call.call, resp);
  if (const auto* e = std::get_if<api_error>(&decoded); e && e->retryable()) {
    ++stats_.retryable_errors;
    ++stats_.retryable_errors_by_endpoint[endpoint_name(call.call)];
  }
  note(decoded);
  give_up_if_due();
  apply(ro_.on_result(call.id, std::move(decoded), now));
}

void driver::wake_at(time_point t) {
  if (failing_since_ && options_.give_up_after) t = std::min(t, *failing_since_ + *options_.give_up_after);
  t = std::max(t, clock_.now());
  if (wake_pending_ && wake_time_ <= t) return;
  wake_pending_ = true;
  wake_time_ = t;
  clock_.wake_at(t, [this] {
    wake_pending_ = false;
    give_up_if_due();
    if (!gave_up_) apply(ro_.on_time(clock_.now()));
  });
}

}  // namespace pushsim::scheduler::rest
