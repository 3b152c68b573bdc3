#pragma once
// The `pushsim study` command as a library function (tools/ only maps flags onto it): Monte Carlo replications
// of a scenario under one or more plans with common random numbers, intervals, paired comparisons, sensitivity
// sweeps and statistical expectations. Exit codes: 0 ok, 1 a study expectation failed or an invariant broke,
// 2 bad input (each message names the flag, or the file and JSON pointer; nothing is written).

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "pushsim/harness/study.hpp"

namespace pushsim::harness {

struct study_arguments {
  std::optional<std::string> scenario;        // none: the built-in default
  std::vector<std::string> set;               // --set /json/pointer=value
  std::optional<std::uint64_t> seed;          // the root seed (default: the scenario's)
  std::optional<std::uint64_t> replications;  // [2, 10,000,000]; default: the scenario's study section, else 100
  std::optional<double> precision;            // relative half-width target; needs max_replications
  std::optional<std::uint64_t> max_replications;
  std::vector<std::string> plans;         // plan files; none: the scenario's plan
  std::vector<std::string> gate_actions;  // "--gate-action halt|pause:4h": each plan once per action
  std::optional<std::string> vary;        // "population" | "platform"
  std::optional<double> confidence;       // (0.5, 0.999)
  std::optional<unsigned> jobs;           // threads (default: the machine's cores)
  std::vector<std::string> sweep;         // --sweep /json/pointer=v1,v2,...
  std::string json_path, csv_path, html_path, junit_path;
  bool progress = false;             // progress line on err (a TTY)
  std::optional<std::string> shard;  // "K/N": run shard K of N and write its part file to json_path
  replication_runner runner;         // empty: threads; harness/mpi's spreads replications over ranks
  bool writes_outputs = true;        // false in an MPI rank other than 0: runs along, writes nothing
  unsigned ranks = 1;                // MPI ranks: without --precision, batches of ranks x jobs x 8 keep all busy
};

int study_command(const study_arguments& args, std::ostream& out, std::ostream& err);

// `pushsim study merge`: the part files of every shard of one study, and the outputs to write.
struct study_merge_arguments {
  std::vector<std::string> parts;
  std::string json_path, csv_path, html_path, junit_path;
};

// Merges the parts into the outputs the unsharded study writes, byte for byte. Exit codes as study_command's; 2
// when a part is unreadable or malformed (file and JSON pointer), a shard is missing or given twice, or the
// parts come from different studies (scenario, inputs, seed, plans, pushsim version: the differing key named).
int study_merge_command(const study_merge_arguments& args, std::ostream& out, std::ostream& err);

}  // namespace pushsim::harness
