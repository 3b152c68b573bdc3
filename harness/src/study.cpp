#include "pushsim/harness/study.hpp"

#include <algorithm>
#include <atomic>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace pushsim::harness {

namespace {

void collect_violations(const replication_setup& setup, const std::vector<replication_row>& rows,
                        std::vector<std::string>& out) {
  for (const auto& row : rows) {
    for (const auto& v : row.invariant_violations) {
      out.push_back("replication " + std::to_string(row.index) + ", plan " + setup.plans[row.plan].name + ": " + v +
                    " (reproduce: " + reproduce_command(setup.plans[row.plan], row.seed) + ")");
    }
  }
}

// glibc raises its mmap threshold whenever a block it mapped apart is freed (up to 32 MiB); after that a world's
// large vectors come from the main heap, and thousands of build-and-free cycles fragment it, so the high-water
// mark crept up with the number of replications (17.3 MB at 100, 23.3 MB at 10,000 on the default scenario). A
// fixed threshold keeps every large block mapped apart and returned whole when its world goes.
void keep_large_blocks_mapped() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

}  // namespace

study_result run_study(const replication_setup& setup, const study_options& options) {
  keep_large_blocks_mapped();
  study_result out;
  out.accumulator = study_accumulator(setup.plans.size());
  std::atomic<std::uint64_t> done{0};
  const std::function<void()> on_done = [&] {
    if (options.progress) options.progress(++done, options.replications);
  };
  const std::uint64_t batch = std::max<std::uint64_t>(1, options.batch);
  const std::uint64_t end = options.first + options.replications;
  for (std::uint64_t first = options.first; first < end;) {
    const std::uint64_t count = std::min(batch, end - first);
    auto rows = options.runner ? options.runner(setup, first, count, options.jobs, on_done)
                               : run_replications(setup, first, count, options.jobs, on_done, options.inspect);
    if (!rows.errors.empty()) {
      out.errors = std::move(rows.errors);
      return out;
    }
    if (options.on_rows) options.on_rows(rows.rows);
    collect_violations(setup, rows.rows, out.invariant_violations);
    out.accumulator.add(rows.rows);
    first += count;
#if defined(__GLIBC__)
    // Hand the freed worlds of this batch back to the system, so the high-water mark of a long study does not
    // creep up with heap fragmentation from thousands of build-and-free cycles.
    malloc_trim(0);
#endif
    if (options.precision && first - options.first >= 2) {
      auto split = out.accumulator.split_by_precision(*options.precision, options.confidence);
      out.precise = std::move(split.met);
      out.imprecise = std::move(split.missed);
      out.precision_reached = out.imprecise.empty();
      if (out.precision_reached) break;
    }
  }
  return out;
}

}  // namespace pushsim::harness
