#pragma once
// time_series_sampler: records probe() into a time_series every `interval` of simulated time, starting now.
// It stops by itself when nothing else is pending in the simulation (so run() still ends) or at `until`.

#include <functional>
#include <optional>

#include "pushsim/sim/simulation.hpp"
#include "pushsim/sim/stats.hpp"

namespace pushsim::sim {

class time_series_sampler {
 public:
  time_series_sampler(simulation& sim, duration interval, std::function<double()> probe,
                      std::optional<time_point> until = std::nullopt, event_kind kind = 0xFFFF'0001u);
  ~time_series_sampler();
  time_series_sampler(const time_series_sampler&) = delete;
  time_series_sampler& operator=(const time_series_sampler&) = delete;

  const time_series& series() const { return series_; }
  // Takes no more samples.
  void stop();

 private:
  void tick();
  simulation& sim_;
  duration interval_;
  std::function<double()> probe_;
  std::optional<time_point> until_;
  event_kind kind_;
  event_handle next_;
  time_series series_;
};

}  // namespace pushsim::sim
