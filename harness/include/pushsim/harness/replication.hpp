#pragma once
// replication: one study replication = every plan of the study run once on the same world seed. Replication i's
// world seed depends on (root seed, i) alone, never on a thread, rank or shard; every plan of replication i gets
// that seed and therefore the same per-component streams (common random numbers). run_replications maps a range
// of replication indices to their metric rows, whatever the number of threads.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/base/input_error.hpp"
#include "pushsim/harness/scenario.hpp"
#include "pushsim/harness/study_section.hpp"

namespace pushsim::harness {

struct world;

// The world seed of replication `index` of a study rooted at `root_seed`.
std::uint64_t replication_seed(std::uint64_t root_seed, std::uint64_t index);

struct study_plan;
// The command that reruns replication `seed` of `plan` alone (with --vary platform the population differs).
std::string reproduce_command(const study_plan& plan, std::uint64_t seed);

// A metric of `pushsim run --json` that a study summarizes: numeric, or boolean (summarized as a proportion).
struct study_metric {
  std::string name;
  bool boolean = false;
  bool duration = false;  // seconds (shown in hours)
};
// Every numeric and boolean top-level metric of a run, in name order, without the wall-clock ones (wall_s,
// events_per_s), which would make a study depend on the machine.
const std::vector<study_metric>& study_metrics();

// One plan of a study: the loaded scenario with the plan in place and no expectations (each replication runs a
// copy with its own seed).
struct study_plan {
  std::string name;
  scenario loaded;
  // The command that reruns one replication of this plan, without its --seed (e.g. "pushsim compare x.json
  // --plan b.json"); empty: "pushsim run <file>".
  std::string reproduce;
};

// What every replication of a study shares.
struct replication_setup {
  std::vector<study_plan> plans;
  std::uint64_t root_seed = 0;
  vary_mode vary = vary_mode::population;
};

// Called with (replication index, plan, its world after the run) from the thread that ran it, concurrently with
// other replications: what a study needs beyond the metrics (a backtest's per-org outcomes).
using world_inspector = std::function<void(std::uint64_t, std::size_t, const world&)>;

// One replication of one plan: the value of each study_metrics() entry (empty when the run has none, e.g. no
// detection delay when nothing broke), the run's digest and any broken invariant.
struct replication_row {
  std::uint64_t index = 0;
  std::uint64_t seed = 0;
  std::size_t plan = 0;
  std::vector<std::optional<double>> values;
  std::string digest;
  std::vector<std::string> invariant_violations;
};

struct replication_batch {
  std::vector<replication_row> rows;  // (index, plan) order
  std::vector<input_error> errors;    // bad input found by a run (the same for every replication)
};

// Runs replications [first, first + count) of every plan on `jobs` threads, each thread running whole
// replications. `done` (may be empty) is called once per finished replication, from any thread, serialized.
// `inspect` (may be empty) sees each run's world.
replication_batch run_replications(const replication_setup& setup, std::uint64_t first, std::uint64_t count,
                                   unsigned jobs, const std::function<void()>& done = {},
                                   const world_inspector& inspect = {});

}  // namespace pushsim::harness
