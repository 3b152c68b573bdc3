#pragma once
// study_part: one shard of a study and its part file. `pushsim study --shard K/N` runs the contiguous block of
// replications that is shard K of N and writes a part file holding the study's identity (pushsim version, the
// hashes of every input, seed, replications, confidence, vary, plans, sweep, statistical expectations) and every
// per-replication metric row, in replication order. `pushsim study merge` reads the parts strictly and rebuilds
// exactly the accumulators of the unsharded run (replication seeds depend on the index only), so the merged
// outputs are byte-identical to it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pushsim/base/input_error.hpp"
#include "pushsim/harness/replication.hpp"
#include "pushsim/harness/study_section.hpp"
#include "pushsim/harness/study_sweep.hpp"

namespace pushsim::harness {

// Shard `index` (1-based) of `count`.
struct shard_spec {
  std::uint64_t index = 1;
  std::uint64_t count = 1;
};
// Parses "K/N" (1 <= K <= N <= 1,000,000). Returns the shard, or nothing and an error naming --shard.
std::optional<shard_spec> parse_shard(const std::string& text, std::string& error);

// The replications of one shard: [first, first + count).
struct replication_range {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};
// Shard K of N of `replications` as a contiguous block; the blocks of K = 1..N tile [0, replications) in order
// and differ in size by at most one.
replication_range shard_range(const shard_spec& shard, std::uint64_t replications);

// What every shard of one study shares; two parts merge only when their identities are equal.
struct study_identity {
  std::string pushsim_version;  // version and git description of the build
  std::string scenario_name, scenario_file;
  std::vector<std::string> input_hashes;  // FNV-1a 64 of each input file's bytes, in the order the study read them
  std::vector<std::string> set;           // the --set overrides, as given
  std::uint64_t seed = 0;
  std::uint64_t replications = 0;
  double confidence = 0.95;
  vary_mode vary = vary_mode::population;
  std::vector<std::string> plans;  // names, the first is the baseline
  std::vector<sweep_axis> sweep;
  std::vector<study_expectation> expectations;
};

// The version text a part carries ("0.1.0 (git describe)", or just the version outside a git checkout).
const std::string& pushsim_version_text();
// The FNV-1a 64 hash of a file's bytes as 16 hex digits, or nothing when it cannot be read.
std::optional<std::string> file_hash_hex(const std::string& path);

// One grid point of a shard: its rows in (replication, plan) order and its broken invariants as the study
// reports them.
struct part_point {
  std::vector<replication_row> rows;
  std::vector<std::string> invariant_violations;
};

// A shard's part file.
struct study_part {
  study_identity identity;
  shard_spec shard;
  std::vector<part_point> points;  // in sweep_grid order; one without a sweep
};

std::string render_study_part(const study_part& part);
// Reads a part file's text strictly (unknown keys, wrong types, rows that are not the shard's block in order,
// rows of the wrong width: each an error naming `file` and the JSON pointer). Nothing on any error.
std::optional<study_part> parse_study_part(std::string_view text, const std::string& file,
                                           std::vector<input_error>& errors);

// The identity as JSON (the part file's "identity" object), to compare two parts key by key.
nlohmann::json identity_json(const study_identity& identity);

}  // namespace pushsim::harness
