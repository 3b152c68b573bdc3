// `pushsim study merge`: the parts of a sharded study (study_part.hpp) folded, in shard order, into the report of
// the unsharded study. Declared in study_command.hpp.

#include <algorithm>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "pushsim/base/file_path.hpp"
#include "pushsim/base/output_file.hpp"
#include "pushsim/harness/study_command.hpp"
#include "pushsim/harness/study_part.hpp"
#include "pushsim/harness/study_report.hpp"
#include "study_outputs.hpp"

namespace pushsim::harness {

namespace {

struct loaded_part {
  std::string file;
  study_part part;
};

std::vector<loaded_part> read_parts(const std::vector<std::string>& files, std::ostream& err) {
  std::vector<loaded_part> parts;
  std::vector<input_error> errors;
  for (const auto& file : files) {
    const auto text = read_file(file);
    if (!text) {
      errors.push_back({file, "", "cannot read the part file"});
      continue;
    }
    if (auto part = parse_study_part(*text, file, errors)) parts.push_back({file, std::move(*part)});
  }
  for (const auto& e : errors) err << "pushsim study merge: " << e.to_string() << "\n";
  if (!errors.empty()) parts.clear();
  return parts;
}

// Every part must carry the first one's identity and shard count; each message names both files and the key.
bool same_study(const std::vector<loaded_part>& parts, std::ostream& err) {
  const auto& first = parts.front();
  const auto reference = identity_json(first.part.identity);
  bool ok = true;
  for (const auto& p : parts) {
    if (p.part.shard.count != first.part.shard.count) {
      err << "pushsim study merge: " << p.file << ": /shard/count is " << p.part.shard.count << ", " << first.file
          << "'s is " << first.part.shard.count << "\n";
      ok = false;
    }
    const auto id = identity_json(p.part.identity);
    for (const auto& [key, value] : reference.items()) {
      if (id[key] == value) continue;
      err << "pushsim study merge: " << p.file << ": /identity/" << key << " is " << id[key].dump() << ", "
          << first.file << "'s is " << value.dump() << " (parts of different studies)\n";
      ok = false;
    }
  }
  return ok;
}

// Each shard 1..N exactly once; sorts the parts by shard.
bool complete_shards(std::vector<loaded_part>& parts, std::ostream& err) {
  std::sort(parts.begin(), parts.end(),
            [](const auto& a, const auto& b) { return a.part.shard.index < b.part.shard.index; });
  bool ok = true;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].part.shard.index != parts[i - 1].part.shard.index) continue;
    err << "pushsim study merge: shard " << parts[i].part.shard.index << " of " << parts[i].part.shard.count
        << " given twice: " << parts[i - 1].file << " and " << parts[i].file << "\n";
    ok = false;
  }
  const std::uint64_t count = parts.front().part.shard.count;
  std::vector<std::uint64_t> missing;
  std::size_t at = 0;
  for (std::uint64_t k = 1; k <= count; ++k) {
    while (at < parts.size() && parts[at].part.shard.index < k) ++at;
    if (at == parts.size() || parts[at].part.shard.index != k) missing.push_back(k);
  }
  if (!missing.empty()) {
    err << "pushsim study merge: " << missing.size() << " of " << count << " shards missing:";
    for (std::size_t i = 0; i < missing.size() && i < 20; ++i) err << " " << missing[i];
    err << (missing.size() > 20 ? " ...\n" : "\n");
    ok = false;
  }
  return ok;
}

study_report merged_report(const std::vector<loaded_part>& parts, detail::csv_stream& csv) {
  const study_identity& id = parts.front().part.identity;
  study_report report;
  report.scenario_name = id.scenario_name;
  report.scenario_file = id.scenario_file;
  report.seed = id.seed;
  report.confidence = id.confidence;
  report.vary = id.vary;
  report.plans = id.plans;
  report.swept = !id.sweep.empty();
  csv.write(study_csv_header(report.swept));
  const auto grid = sweep_grid(id.sweep);
  for (std::size_t g = 0; g < grid.size(); ++g) {
    study_result result;
    result.accumulator = study_accumulator(id.plans.size());
    for (const auto& p : parts) {
      const part_point& point = p.part.points[g];
      result.accumulator.add(point.rows);
      csv.write(study_csv_rows(point.rows, report.plans, report.swept ? std::optional<std::size_t>(g) : std::nullopt));
      result.invariant_violations.insert(result.invariant_violations.end(), point.invariant_violations.begin(),
                                         point.invariant_violations.end());
    }
    report.points.push_back({grid[g], std::move(result)});
  }
  if (report.swept) report.sensitivity = sensitivity_table(id.sweep, report.points, report.confidence);
  return report;
}

}  // namespace

int study_merge_command(const study_merge_arguments& args, std::ostream& out, std::ostream& err) {
  if (args.parts.empty()) {
    err << "pushsim study merge: name the part files (pushsim study --shard K/N --json PART writes them)\n";
    return 2;
  }
  auto checked = check_output_paths({args.json_path, args.csv_path, args.html_path, args.junit_path}, args.parts);
  if (const auto* bad = std::get_if<std::vector<output_error>>(&checked)) {
    for (const auto& e : *bad) err << "pushsim study merge: " << e.to_string() << "\n";
    return 2;
  }
  const auto targets = std::get<std::vector<std::filesystem::path>>(std::move(checked));
  auto parts = read_parts(args.parts, err);
  if (parts.empty() || !same_study(parts, err) || !complete_shards(parts, err)) return 2;
  detail::csv_stream csv(targets[1]);
  study_report report = merged_report(parts, csv);
  const auto expectations = parts.front().part.identity.expectations;
  parts.clear();
  return detail::conclude_study(report, expectations, {targets[0], targets[1], targets[2], targets[3]}, csv, out, err);
}

}  // namespace pushsim::harness
