#include "pushsim/push/wall_driver.hpp"

#include <algorithm>
#include <thread>
#include <variant>

#include "pushsim/base/assert.hpp"

namespace pushsim::push {

namespace sch = pushsim::scheduler;

time_point system_wall_clock::now() {
  return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
}

void system_wall_clock::sleep_for(duration d) { std::this_thread::sleep_for(d); }

wall_driver::wall_driver(batch_sender send, const sch::rest::codec& codec, wall_clock& clock, drive_settings settings)
    : send_(std::move(send)), codec_(codec), clock_(clock), settings_(std::move(settings)) {}

drive_outcome wall_driver::drive(sch::rollout& ro, const std::function<void()>& progress) {
  apply(ro.on_time(clock_.now()));
  auto last_progress = clock_.now();
  while (!ro.done()) {
    if (!queue_.empty()) {
      send_queued(ro);
    } else {
      wait_or_tick(ro);
    }
    if (give_up_due()) return drive_outcome{true, clock_.now() - *failing_since_, last_error_};
    if (progress && clock_.now() - last_progress >= settings_.progress_every) {
      last_progress = clock_.now();
      progress();
    }
  }
  return drive_outcome{};
}

void wall_driver::apply(sch::executor_output out) {
  for (auto& c : out.calls) queue_.push_back(std::move(c));
  if (out.wake_at && (!wake_ || *out.wake_at < *wake_)) wake_ = out.wake_at;
}

void wall_driver::send_queued(sch::rollout& ro) {
  std::vector<sch::outgoing_call> batch;
  batch.swap(queue_);
  std::vector<rest_request> requests;
  requests.reserve(batch.size());
  for (const auto& c : batch) {
    rest_request req = codec_.encode(c.call);
    req.headers.emplace_back("Authorization", settings_.authorization);
    requests.push_back(std::move(req));
    ++counts_.api_calls;
    ++counts_.api_calls_by_endpoint[sch::endpoint_name(c.call)];
  }
  auto responses = send_(requests);
  PUSHSIM_ASSERT(responses.size() == batch.size(), "batch_sender returned another number of responses than requests");
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto result = codec_.decode(batch[i].call, responses[i]);
    note_result(batch[i].call, result);
    apply(ro.on_result(batch[i].id, std::move(result), clock_.now()));
  }
}

// Nothing to send: the rollout's wake-up is due (or none is set: ask again at most once a second), or sleep
// towards it in steps of at most a second.
void wall_driver::wait_or_tick(sch::rollout& ro) {
  const auto t = clock_.now();
  if (!wake_ || t >= *wake_) {
    const bool due = wake_.has_value();
    wake_.reset();
    apply(ro.on_time(t));
    if (!due && queue_.empty() && !wake_ && !ro.done()) wake_ = t + std::chrono::seconds{1};
    return;
  }
  clock_.sleep_for(std::min(*wake_, t + std::chrono::seconds{1}) - t);
}

void wall_driver::note_result(const sch::api_call& call, const sch::api_result& result) {
  const auto* e = std::get_if<sch::api_error>(&result);
  if (e == nullptr || !e->retryable()) {
    failing_since_.reset();
    return;
  }
  ++counts_.retryable_errors;
  ++counts_.retryable_errors_by_endpoint[sch::endpoint_name(call)];
  if (e->kind == sch::api_error::kind_t::transport) ++counts_.transport_errors;
  if (e->kind == sch::api_error::kind_t::limit_exceeded) {
    failing_since_.reset();  // the server answered: the executor waits for the limit window by itself
    return;
  }
  last_error_ = (e->error_code.empty() ? std::string() : e->error_code + ": ") + e->message;
  if (!failing_since_) failing_since_ = clock_.now();
}

bool wall_driver::give_up_due() const {
  return settings_.give_up_after && failing_since_ && clock_.now() - *failing_since_ >= *settings_.give_up_after;
}

}  // namespace pushsim::push
