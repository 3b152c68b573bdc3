#include "pushsim/harness/replication.hpp"

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "pushsim/harness/rehearsal.hpp"
#include "pushsim/sim/random.hpp"

namespace pushsim::harness {

namespace {

std::optional<double> metric_value(const nlohmann::json& metrics, const study_metric& m) {
  const auto it = metrics.find(m.name);
  if (it == metrics.end()) return std::nullopt;
  if (it->is_boolean()) return it->get<bool>() ? 1.0 : 0.0;
  if (it->is_number()) return it->get<double>();
  return std::nullopt;
}

// Runs one plan of one replication into `row`; bad input goes to `errors`.
void run_one(const replication_setup& setup, std::uint64_t index, std::size_t plan, replication_row& row,
             std::vector<input_error>& errors, const world_inspector& inspect) {
  scenario s = setup.plans[plan].loaded;
  s.seed = replication_seed(setup.root_seed, index);
  if (setup.vary == vary_mode::platform) s.population_seed = setup.root_seed;
  rehearsal_options options;
  options.reproduce_command = reproduce_command(setup.plans[plan], s.seed);
  if (inspect) options.inspect = [&](const world& w) { inspect(index, plan, w); };
  auto result = run_rehearsal(s, options);
  row.index = index;
  row.seed = s.seed;
  row.plan = plan;
  if (!result.report) {
    errors = std::move(result.errors);
    return;
  }
  for (const auto& m : study_metrics()) row.values.push_back(metric_value(result.report->metrics, m));
  row.digest = result.report->metrics.value("digest", std::string());
  row.invariant_violations = std::move(result.invariant_violations);
}

}  // namespace

std::uint64_t replication_seed(std::uint64_t root_seed, std::uint64_t index) {
  return sim::rng_streams(root_seed).child("replication").seed_for(std::to_string(index));
}

std::string reproduce_command(const study_plan& plan, std::uint64_t seed) {
  const std::string prefix = plan.reproduce.empty() ? "pushsim run " + plan.loaded.file : plan.reproduce;
  return prefix + " --seed " + std::to_string(seed);
}

const char* to_string(vary_mode v) { return v == vary_mode::population ? "population" : "platform"; }

const std::vector<study_metric>& study_metrics() {
  static const std::vector<study_metric> metrics = [] {
    std::vector<study_metric> out;
    for (const auto& [name, value] : metric_names_template().items()) {
      if (name == "wall_s" || name == "events_per_s") continue;
      if (!value.is_number() && !value.is_boolean()) continue;
      const bool duration = name.size() > 2 && name.ends_with("_s");
      out.push_back({name, value.is_boolean(), duration});
    }
    return out;
  }();
  return metrics;
}

replication_batch run_replications(const replication_setup& setup, std::uint64_t first, std::uint64_t count,
                                   unsigned jobs, const std::function<void()>& done, const world_inspector& inspect) {
  const std::size_t plans = setup.plans.size();
  replication_batch out;
  out.rows.resize(static_cast<std::size_t>(count) * plans);
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> bad_input{false};
  std::mutex mutex;
  auto worker = [&] {
    for (std::uint64_t k = next++; k < count && !bad_input; k = next++) {
      std::vector<input_error> errors;
      for (std::size_t p = 0; p < plans && errors.empty(); ++p) {
        run_one(setup, first + k, p, out.rows[static_cast<std::size_t>(k) * plans + p], errors, inspect);
      }
      std::lock_guard lock(mutex);
      if (!errors.empty() && !bad_input) {
        out.errors = std::move(errors);
        bad_input = true;
      }
      if (done) done();
    }
  };
  std::vector<std::jthread> threads;
  for (unsigned t = 1; t < std::max(1u, jobs); ++t) threads.emplace_back(worker);
  worker();
  threads.clear();
  if (bad_input) out.rows.clear();
  return out;
}

}  // namespace pushsim::harness
