#include "pushsim/sim/time_series_sampler.hpp"

namespace pushsim::sim {

time_series_sampler::time_series_sampler(simulation& sim, duration interval, std::function<double()> probe,
                                         std::optional<time_point> until, event_kind kind)
    : sim_(sim), interval_(interval), probe_(std::move(probe)), until_(until), kind_(kind) {
  PUSHSIM_ASSERT(interval.count() > 0, "time_series_sampler: interval must be > 0");
  next_ = sim_.schedule_after(
      duration{0}, [this] { tick(); }, kind_);
}

time_series_sampler::~time_series_sampler() { stop(); }

void time_series_sampler::stop() { sim_.cancel(next_); }

void time_series_sampler::tick() {
  series_.record(sim_.now(), probe_());
  const time_point next = sim_.now() + interval_;
  // pending() excludes this running event: if nothing else is scheduled, the run is over.
  if (sim_.pending() == 0) return;
  if (until_ && next > *until_) return;
  next_ = sim_.schedule_at(
      next, [this] { tick(); }, kind_);
}

}  // namespace pushsim::sim
