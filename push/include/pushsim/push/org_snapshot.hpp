#pragma once
// `pushsim snapshot`: fetches a packaging org's subscriber base through the push API client — the package's
// PackageSubscriber rows, its MetadataPackageVersion rows and, with --history N, its last N PackagePushRequests
// with their PackagePushJobs and PackagePushErrors — and writes them in the import formats (REST query JSON,
// one file per object) so that `population.from` or `pushsim import` read them back.
// Files: subscribers.json, versions.json, and with history push_requests.json, push_jobs.json, push_errors.json.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "pushsim/base/time.hpp"

namespace pushsim::push {

struct snapshot_options {
  std::string instance_url;   // "https://na1.my.salesforce.com", "http://127.0.0.1:8080"
  std::string token;          // OAuth access token (Bearer)
  std::string package_id;     // MetadataPackage id (033...); empty: the org's only package
  std::uint32_t history = 0;  // push requests to fetch, newest first (0: none)
  std::string out_dir;        // an existing folder; the files are written into it, each atomically
  bool insecure = false;      // TLS without certificate checks (tests only)
  duration give_up_after = std::chrono::minutes{2};
};

// Runs the snapshot; a summary line per file to out, errors to err. Exit codes as run_push's: 0 done, 1 the
// instance failed (unreachable, auth, gave up), 2 bad input (an output that cannot be written, an unknown
// package). Nothing is written unless every query succeeded.
int run_snapshot(const snapshot_options& options, std::ostream& out, std::ostream& err);

}  // namespace pushsim::push
