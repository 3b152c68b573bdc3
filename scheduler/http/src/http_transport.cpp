#include "pushsim/scheduler/http/http_transport.hpp"

#include <algorithm>
#include <thread>

namespace pushsim::scheduler::http {

transport_failure_kind failure_kind(transport_error e) {
  switch (e) {
    case transport_error::bad_url:
    case transport_error::resolve_failed:
    case transport_error::connection_refused: return transport_failure_kind::unreachable;
    case transport_error::timeout: return transport_failure_kind::timeout;
    case transport_error::connection_dropped: return transport_failure_kind::dropped;
    case transport_error::tls_verify_failed:
    case transport_error::tls_error: return transport_failure_kind::tls;
    case transport_error::malformed_response: return transport_failure_kind::malformed;
    case transport_error::unsafe_request:
    case transport_error::other: return transport_failure_kind::other;
  }
  return transport_failure_kind::other;
}

void http_transport::send(rest_request request, exchange_callback on_answer) {
  queue_.emplace_back(std::move(request), std::move(on_answer));
}

bool http_transport::flush() {
  if (queue_.empty()) return false;
  std::vector<std::pair<rest_request, exchange_callback>> batch;
  batch.swap(queue_);
  std::vector<rest_request> requests;
  requests.reserve(batch.size());
  for (auto& [req, cb] : batch) requests.push_back(std::move(req));
  auto results = client_.send_all(requests);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (results[i]) {
      batch[i].second(std::move(results[i].value()));
    } else {
      const auto& e = results[i].error();
      batch[i].second(transport_failure{failure_kind(e.code),
                                        "transport error: " + std::string(to_string(e.code)) + ": " + e.message});
    }
  }
  return true;
}

wall_loop::wall_loop(batching_transport& tr, now_fn now, sleep_fn sleep)
    : transport_(tr), now_(std::move(now)), sleep_(std::move(sleep)) {
  if (!now_) {
    now_ = [] { return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()); };
  }
  if (!sleep_) sleep_ = [](duration d) { std::this_thread::sleep_for(d); };
}

void wall_loop::wake_at(time_point t, std::function<void()> fire) {
  wake_ = t;
  fire_ = std::move(fire);
}

void wall_loop::cancel_wake() {
  wake_.reset();
  fire_ = nullptr;
}

void wall_loop::run_until(const std::function<bool()>& done, const std::function<void()>& tick, duration tick_every) {
  time_point last_tick = now_();
  while (!done()) {
    if (!transport_.flush()) {
      const time_point t = now_();
      if (wake_ && t >= *wake_) {
        auto fire = std::move(fire_);
        cancel_wake();
        fire();
      } else if (wake_) {
        sleep_(std::min(*wake_ - t, tick_every));
      } else {
        // Nothing queued and nothing to wake for: the driver is finished or stuck; do not spin.
        sleep_(tick_every);
      }
    }
    if (tick && now_() - last_tick >= tick_every) {
      last_tick = now_();
      tick();
    }
  }
}

}  // namespace pushsim::scheduler::http
