#pragma once
// study: Monte Carlo replications of a rehearsal (../shared/DESIGN.md "Replications (studies)"). A study owns
// nothing but seeds and accumulators: it runs replications in fixed batches of consecutive indices (on `jobs`
// threads), folds each batch in index order into a study_accumulator, and stops after the asked number, or, with
// a precision target, after the first batch at which every numeric metric's relative half-width is within it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/harness/replication.hpp"
#include "pushsim/harness/study_accumulator.hpp"

namespace pushsim::harness {

// Runs replications [first, first + count) of every plan, as run_replications does (its default). A runner that
// spreads them over processes (harness/mpi) returns the same batch in every process.
using replication_runner =
    std::function<replication_batch(const replication_setup& setup, std::uint64_t first, std::uint64_t count,
                                    unsigned jobs, const std::function<void()>& done)>;

struct study_options {
  std::uint64_t first = 0;           // the first replication's index (a shard's block starts later)
  std::uint64_t replications = 100;  // the count; with `precision`, the maximum
  std::optional<double> precision;   // target relative half-width of every numeric metric's interval
  double confidence = 0.95;          // in (0, 1)
  unsigned jobs = 1;                 // threads; results do not depend on it
  std::uint64_t batch = 100;         // replications per batch (also the precision check interval)
  // Called with every batch's rows in (index, plan) order, e.g. to stream CSV rows. May be empty.
  std::function<void(const std::vector<replication_row>&)> on_rows;
  // Called after each finished replication with (done, planned), serialized. May be empty.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  replication_runner runner;  // empty: run_replications on `jobs` threads
  world_inspector inspect;    // with the default runner only: sees each run's world (may be empty)
};

struct study_result {
  study_accumulator accumulator{0};
  bool precision_reached = false;                 // meaningful with a precision target
  std::vector<std::string> precise;               // numeric metrics within the precision target at the end
  std::vector<std::string> imprecise;             // numeric metrics still above it
  std::vector<std::string> invariant_violations;  // each with its replication, plan and reproduce command
  std::vector<input_error> errors;                // bad input (nothing ran)
};

// Runs the study of `setup`. Never throws on bad input: errors come back in the result.
study_result run_study(const replication_setup& setup, const study_options& options);

}  // namespace pushsim::harness
