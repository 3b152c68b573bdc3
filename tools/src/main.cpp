// pushsim: the command line. Thin: parses flags with CLI11 and hands them to the library that owns each
// subcommand. Exit codes: 0 ok, 1 runtime failure, 2 bad flags or bad input.
//
// Subcommands: run (pushsim::harness run_command), compare (compare_command), study (study_command), study merge
// (study_merge_command), serve (serve_command), push (pushsim::push run_push; exit 3 when a gate halted the rollout),
// changes (pushsim::changes changes_command), import (pushsim::harness import_command),
// snapshot (pushsim::push run_snapshot), calibrate (pushsim::harness calibrate_command), backtest
// (pushsim::harness backtest_command).

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "pushsim/base/version.hpp"
#include "pushsim/changes/changes_command.hpp"
#include "pushsim/harness/commands.hpp"
#include "pushsim/harness/backtest_command.hpp"
#include "pushsim/harness/calibrate_command.hpp"
#include "pushsim/harness/import_command.hpp"
#include "pushsim/harness/scenario_file.hpp"
#include "pushsim/harness/serve_command.hpp"
#include "pushsim/harness/study_command.hpp"
#if defined(PUSHSIM_HAS_MPI)
#include "pushsim/harness/mpi/mpi_study.hpp"
#endif
#include "pushsim/push/org_snapshot.hpp"
#include "pushsim/push/run_push.hpp"
#include "pushsim/scheduler/duration_text.hpp"

namespace {

// --redact and --redact-salt-file, on a command whose outputs name orgs.
void add_redact(CLI::App* cmd, pushsim::redact_flags& f) {
  CLI::Option* redact = cmd->add_flag("--redact", f.on,
                                      "Replace org keys and names in every output with stable pseudonyms (salted; "
                                      "the salt is never written)");
  cmd->add_option_function<std::string>(
         "--redact-salt-file", [&f](const std::string& path) { f.salt_file = path; },
         "File holding the --redact salt (default: $PUSHSIM_REDACT_SALT, else a random salt for this run)")
      ->needs(redact);
}

void add_serve(CLI::App& app, pushsim::harness::serve_options& o, std::string& scenario, std::string& seed,
               std::string& status_spelling) {
  CLI::App* serve = app.add_subcommand("serve", "Serve a simulated world over the Salesforce push REST API");
  serve->add_option("--scenario", scenario, "Scenario JSON file (default: the built-in default scenario)");
  serve->add_option("--seed", seed, "Seed (overrides the scenario's /seed)");
  serve->add_option("--set", o.overrides, "Override a scenario value: /json/pointer=value (repeatable)");
  serve->add_option("--bind", o.bind, "Address to listen on")->capture_default_str();
  serve->add_option("--port", o.port, "Port (0: pick a free one)")->capture_default_str();
  serve->add_option("--token", o.tokens, "Accepted API Bearer token (repeatable; default: a generated one)");
  serve->add_option("--admin-token", o.admin_token, "Token for /pushsim/v1/ admin endpoints (default: generated)");
  serve->add_flag("--tls", o.tls, "Serve https (with a generated CA and certificate unless --tls-cert is given)");
  serve->add_option("--tls-cert", o.tls_cert, "PEM certificate chain for https (leaf first; implies --tls)");
  serve->add_option("--tls-key", o.tls_key, "PEM private key of --tls-cert");
  serve->add_option("--speed", o.speed, "Sim seconds per wall second")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  serve
      ->add_option("--status-spelling", status_spelling,
                   "Running status spelling (default: the scenario's platform.api.status_spelling)")
      ->check(CLI::IsMember({"InProgress", "In Progress"}));
}

void add_run(CLI::App& app, pushsim::harness::run_arguments& a, std::string& scenario, std::string& seed) {
  CLI::App* run = app.add_subcommand("run", "Rehearse a push: run a scenario on simulated time and report");
  run->add_option("scenario", scenario, "Scenario JSON file (default: the built-in 2,400-org hotfix rehearsal)");
  run->add_option("--seed", seed, "Seed (overrides the scenario's /seed)");
  run->add_option("--set", a.set, "Override a scenario value: /json/pointer=value (repeatable)");
  run->add_option("--json", a.json_path, "Write every metric as JSON");
  run->add_option("--csv", a.csv_path, "Write failed and broken orgs as CSV");
  run->add_option("--junit", a.junit_path, "Write a JUnit report (one testcase per expectation)");
  run->add_option("--html", a.html_path, "Write a self-contained HTML report");
  run->add_option("--schedule-csv", a.schedule_csv_path,
                  "Write each planned org's push start (UTC and local), wave and window as CSV");
  add_redact(run, a.redact);
}

void add_import(CLI::App& app, pushsim::harness::import_arguments& a, std::string& scenario) {
  CLI::App* im =
      app.add_subcommand("import", "Read a partner's exports (subscribers, licenses, App Analytics, push history)");
  im->add_option("files", a.files, "Export files (CSV or REST JSON); each file's kind is found from its header")
      ->required();
  im->add_option("--scenario", scenario,
                 "Scenario whose package the files are read against (default: the built-in one)");
  im->add_option("--orgs-csv", a.orgs_csv_path, "Write the imported orgs as CSV (empty fields: no file gave them)");
  add_redact(im, a.redact);
}

void add_snapshot(CLI::App& app, pushsim::push::snapshot_options& o) {
  CLI::App* s =
      app.add_subcommand("snapshot", "Fetch a packaging org's subscribers, versions and push history as import files");
  s->add_option("--instance-url", o.instance_url, "Instance URL, e.g. https://na1.my.salesforce.com")->required();
  s->add_option("--token", o.token, "OAuth access token (Bearer)")->required();
  s->add_option("--package-id", o.package_id, "MetadataPackage id (033...; default: the org's only package)");
  s->add_option("--history", o.history, "Push requests to fetch with their jobs and errors, newest first")
      ->capture_default_str();
  s->add_option("--out", o.out_dir, "Existing folder the files are written into")
      ->required()
      ->check(CLI::ExistingDirectory);
  s->add_flag("--insecure", o.insecure, "TLS without certificate checks (tests only)");
}

void add_calibrate(CLI::App& app, pushsim::harness::calibrate_arguments& a, std::string& scenario) {
  CLI::App* c = app.add_subcommand("calibrate", "Fit the platform's noise (failure rates, locks) from push history");
  c->add_option("files", a.files, "Push history exports, plus subscriber, license or usage-log files for users")
      ->required();
  c->add_option("--json", a.json_path, "Write {\"platform\": <scenario platform section>, \"evidence\": {...}}");
  c->add_option("--last-pushes", a.last_pushes, "Pin orgs that failed every one of their last K pushes (K >= 2)")
      ->capture_default_str();
  c->add_option("--scenario", scenario,
                "Scenario whose package the files are read against (default: the built-in one)");
}

struct backtest_flags {
  std::string scenario;
  std::uint64_t replications = 0;
  unsigned jobs = 0;
};

CLI::App* add_backtest(CLI::App& app, pushsim::harness::backtest_arguments& a, backtest_flags& f) {
  CLI::App* b =
      app.add_subcommand("backtest", "Re-run a past push request on the imported base and score the prediction");
  b->add_option("--history", a.history_dir, "Folder of import files with the push history (pushsim snapshot --history)")
      ->required();
  b->add_option("--request", a.request, "The PackagePushRequest to re-run (0DV...)")->required();
  b->add_option("--scenario", f.scenario, "Scenario giving the package, platform and propensities (default: built-in)");
  b->add_option("--replications", f.replications, "Replications (2 to 10,000,000; default 200)");
  b->add_option("--jobs", f.jobs, "Threads (default: the machine's cores); results do not depend on it");
  b->add_option("--json", a.json_path, "Write the scores as JSON, with one row per org");
  return b;
}

void add_compare(CLI::App& app, pushsim::harness::compare_arguments& a, std::string& scenario, std::string& seed) {
  CLI::App* cmp = app.add_subcommand("compare", "Run the same world and seed under several plans, side by side");
  cmp->add_option("scenario", scenario, "Scenario JSON file (default: the built-in default scenario)");
  cmp->add_option("--plan", a.plans, "Plan file (repeatable; none: the scenario's plan, with --gate-action)");
  cmp->add_option("--gate-action", a.gate_actions,
                  "What a tripped gate does: halt, or pause:<duration> (review, then continue); repeatable: each plan "
                  "runs once per action");
  cmp->add_option("--seed", seed, "Seed (overrides the scenario's /seed)");
  cmp->add_option("--set", a.set, "Override a scenario value: /json/pointer=value (repeatable)");
  cmp->add_option("--json", a.json_path, "Write the comparison as JSON");
  add_redact(cmp, a.redact);
}

// `pushsim study`: flags land in `a` (optionals are set after parsing, from the flag counts; --seed by read_seed).
struct study_flags {
  std::string scenario, vary, seed, shard;
  std::uint64_t replications = 0, max_replications = 0;
  double precision = 0, confidence = 0;
  unsigned jobs = 0;
};

CLI::App* add_study(CLI::App& app, pushsim::harness::study_arguments& a, study_flags& f) {
  CLI::App* s = app.add_subcommand("study", "Replicate a scenario: intervals, paired plan comparison, sweeps");
  s->add_option("scenario", f.scenario, "Scenario JSON file (default: the built-in 2,400-org hotfix rehearsal)");
  s->add_option("--replications", f.replications, "Replications (2 to 10,000,000; default: the scenario's, else 100)");
  s->add_option("--precision", f.precision, "Run batches until every metric's relative half-width is <= this");
  s->add_option("--max-replications", f.max_replications, "With --precision: the most replications to run");
  s->add_option("--plan", a.plans, "Plan file (repeatable; the first is the baseline of the comparisons)");
  s->add_option("--gate-action", a.gate_actions,
                "What a tripped gate does: halt, or pause:<duration> (review, then continue); repeatable: each plan "
                "runs once per action");
  s->add_option("--vary", f.vary, "population (default: redraw everything) or platform (keep the population)");
  s->add_option("--confidence", f.confidence, "Confidence level of the intervals, in (0.5, 0.999); default 0.95");
  s->add_option("--jobs", f.jobs, "Threads (default: the machine's cores); results do not depend on it");
  s->add_option("--seed", f.seed, "Root seed (overrides the scenario's /seed)");
  s->add_option("--set", a.set, "Override a scenario value: /json/pointer=value (repeatable)");
  s->add_option("--sweep", a.sweep, "Sweep an input: /json/pointer=v1,v2,... (repeatable: a grid)");
  s->add_option("--json", a.json_path, "Write the study as JSON");
  s->add_option("--csv", a.csv_path, "Write one row per replication and plan as CSV");
  s->add_option("--html", a.html_path, "Write a self-contained HTML report");
  s->add_option("--junit", a.junit_path, "Write a JUnit report (one testcase per study expectation)");
  s->add_option("--shard", f.shard, "Run shard K/N (a block of the replications) and write its part file to --json");
  return s;
}

CLI::App* add_study_merge(CLI::App& study, pushsim::harness::study_merge_arguments& a) {
  CLI::App* m = study.add_subcommand("merge", "Merge the part files of a sharded study into its outputs");
  m->add_option("parts", a.parts, "Part files written by pushsim study --shard K/N --json PART")->required();
  m->add_option("--json", a.json_path, "Write the study as JSON");
  m->add_option("--csv", a.csv_path, "Write one row per replication and plan as CSV");
  m->add_option("--html", a.html_path, "Write a self-contained HTML report");
  m->add_option("--junit", a.junit_path, "Write a JUnit report (one testcase per study expectation)");
  return m;
}

void finish_study(const CLI::App& s, pushsim::harness::study_arguments& a, const study_flags& f) {
  if (!f.scenario.empty()) a.scenario = f.scenario;
  if (s.count("--replications") > 0) a.replications = f.replications;
  if (s.count("--precision") > 0) a.precision = f.precision;
  if (s.count("--max-replications") > 0) a.max_replications = f.max_replications;
  if (s.count("--vary") > 0) a.vary = f.vary;
  if (s.count("--confidence") > 0) a.confidence = f.confidence;
  if (s.count("--jobs") > 0) a.jobs = f.jobs;
  if (s.count("--shard") > 0) a.shard = f.shard;
  a.progress = isatty(STDERR_FILENO) != 0;
}

// Flags of `pushsim push` whose values main turns into typed options after parsing.
struct push_flag_values {
  std::string profiles, failures_csv, report_json, schedule_csv, give_up_after = "15m";
};

void add_push(CLI::App& app, pushsim::push::push_options& o, push_flag_values& v) {
  CLI::App* push = app.add_subcommand("push", "Push a package version for real: plan, then execute over the REST API");
  push->add_option("--instance-url", o.instance_url, "Instance URL (https://..., or a pushsim serve URL)")->required();
  push->add_option("--token", o.token, "OAuth access token (Bearer)")->required();
  push->add_option("--plan", o.plan_file, "Plan JSON file")->required();
  push->add_option("--profiles", v.profiles, "Partner org profiles CSV");
  push->add_flag("--dry-run", o.dry_run, "Fetch subscribers and plan; print and write the plan; push nothing");
  push->add_option("--journal", o.journal_path, "Journal file")->capture_default_str();
  push->add_flag("--resume", o.resume, "Continue the run recorded in the journal");
  push->add_flag("--insecure", o.insecure, "Do not verify TLS certificates (tests only)");
  push->add_option("--package-id", o.package_id, "MetadataPackage Id (033...); default: the org's only package");
  push->add_option("--failures-csv", v.failures_csv, "Write failed orgs as CSV (CumulusCI's push failure columns)");
  push->add_option("--report-json", v.report_json, "Write the summary (with --dry-run: the plan) as JSON");
  push->add_option("--schedule-csv", v.schedule_csv,
                   "With --dry-run: write each planned org's push start (UTC and local), wave and window as CSV");
  push->add_flag("--adopt-open-requests", o.adopt_open_requests,
                 "Run despite open requests / jobs of the target version: leave those orgs out, the requests alone");
  push->add_option("--give-up-after", v.give_up_after,
                   "Stop (exit 1, journal intact) after failing this long without a successful exchange (90s, 15m)")
      ->capture_default_str();
  add_redact(push, o.redact);
}

void add_changes(CLI::App& app, pushsim::changes::changes_arguments& a, std::uint16_t& retired_api_version) {
  CLI::App* c = app.add_subcommand("changes", "Derive a version's change list from two versions of its DX source");
  c->add_option("--from", a.from, "Older version: a DX project folder, or a git ref of --repo")->required();
  c->add_option("--to", a.to, "Newer version: a DX project folder, or a git ref of --repo")->required();
  c->add_option("--repo", a.repo, "Git repository the refs are read from")->capture_default_str();
  c->add_option("--package-json", a.package_json, "Package JSON file: write the list into --version's changes");
  c->add_option("--version", a.version, "The newer version's number, e.g. 2.3.2 (default: sfdx-project.json's)");
  c->add_option("--json", a.json_path, "Write the list with its evidence as JSON");
  c->add_option("--retired-api-version", retired_api_version, "API versions at or below this one are retired")
      ->check(CLI::Range(1, 999));
  c->add_option("--post-install-estimate", a.post_install_estimate,
                "Post-install script cost estimate: OBJECT=US_PER_RECORD");
}

// `pushsim study`, under mpiexec spread over the job's ranks (harness/mpi); rank 0 alone prints and writes.
int study_main(int& argc, char**& argv, pushsim::harness::study_arguments& a) {
#if defined(PUSHSIM_HAS_MPI)
  if (pushsim::harness::mpi::launched_by_mpiexec()) {
    pushsim::harness::mpi::mpi_session session(argc, argv);
    a.runner = session.runner(a.precision.has_value());
    a.ranks = static_cast<unsigned>(session.size());
    int code = 0;
    if (session.rank() == 0) {
      code = pushsim::harness::study_command(a, std::cout, std::cerr);
    } else {
      a.writes_outputs = false;
      a.progress = false;
      std::ostringstream quiet_out, quiet_err;
      // Only bad input counts here (said, as this rank may end the job before rank 0 says it): rank 0 alone
      // holds the rows that expectations judge.
      code = pushsim::harness::study_command(a, quiet_out, quiet_err) == 2 ? 2 : 0;
      if (code == 2) std::cerr << ("rank " + std::to_string(session.rank()) + ": " + quiet_err.str()) << std::flush;
    }
    // Bad input or an unwritable output may be seen by one rank alone, while the others wait for it.
    if (code == 2) session.abort(code);
    return code;
  }
#else
  (void)argc;
  (void)argv;
  if (const char* size = std::getenv("PMI_SIZE"); size != nullptr && std::string(size) != "1") {
    std::cerr << "pushsim study: this pushsim is built without MPI (PUSHSIM_MPI=OFF, or MPICH was missing): under "
                 "mpiexec every rank would run the whole study\n";
    return 2;
  }
#endif
  return pushsim::harness::study_command(a, std::cout, std::cerr);
}

// Reads a subcommand's --seed text the way a seed in a scenario is read (an integer in [0, 2^64 - 1]); false,
// after printing why, when it is not one.
bool read_seed(CLI::App* cmd, const std::string& text, std::optional<std::uint64_t>& out) {
  if (cmd->count("--seed") == 0) return true;
  std::vector<pushsim::input_error> errors;
  out = pushsim::harness::parse_seed_argument(text, "--seed", errors);
  for (const auto& e : errors) std::cerr << "pushsim: " << e.to_string() << "\n";
  return out.has_value();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pushsim: simulation and load-testing harness for Salesforce managed-package push upgrades"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(pushsim::version()), "Print the version of this build and exit");

  pushsim::harness::serve_options serve_opts;
  std::string scenario;
  std::string seed;
  std::string status_spelling;
  add_serve(app, serve_opts, scenario, seed, status_spelling);
  pushsim::harness::run_arguments run_args;
  std::string run_scenario;
  std::string run_seed;
  add_run(app, run_args, run_scenario, run_seed);
  pushsim::harness::compare_arguments compare_args;
  std::string compare_scenario;
  std::string compare_seed;
  add_compare(app, compare_args, compare_scenario, compare_seed);
  pushsim::harness::import_arguments import_args;
  std::string import_scenario;
  add_import(app, import_args, import_scenario);
  pushsim::push::snapshot_options snapshot_opts;
  add_snapshot(app, snapshot_opts);
  pushsim::harness::calibrate_arguments calibrate_args;
  std::string calibrate_scenario;
  add_calibrate(app, calibrate_args, calibrate_scenario);

  pushsim::harness::backtest_arguments backtest_args;
  backtest_flags backtest;
  CLI::App* backtest_cmd = add_backtest(app, backtest_args, backtest);

  pushsim::push::push_options push_opts;
  push_flag_values push_values;
  add_push(app, push_opts, push_values);

  pushsim::changes::changes_arguments changes_args;
  std::uint16_t retired_api_version = 0;
  add_changes(app, changes_args, retired_api_version);

  pushsim::harness::study_arguments study_args;
  study_flags study;
  CLI::App* study_cmd = add_study(app, study_args, study);
  pushsim::harness::study_merge_arguments merge_args;
  CLI::App* merge_cmd = add_study_merge(*study_cmd, merge_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (CLI::App* serve = app.get_subcommand("serve"); serve->parsed()) {
    if (!scenario.empty()) {
      serve_opts.scenario = scenario;
    }
    if (!read_seed(serve, seed, serve_opts.seed)) return 2;
    if (!status_spelling.empty()) {
      serve_opts.spaced_status = status_spelling == "In Progress";
    }
    return pushsim::harness::serve_command(serve_opts, std::cout, std::cerr);
  }
  if (CLI::App* run = app.get_subcommand("run"); run->parsed()) {
    if (!run_scenario.empty()) run_args.scenario = run_scenario;
    if (!read_seed(run, run_seed, run_args.seed)) return 2;
    run_args.progress = isatty(STDERR_FILENO) != 0;
    return pushsim::harness::run_command(run_args, std::cout, std::cerr);
  }
  if (CLI::App* push = app.get_subcommand("push"); push->parsed()) {
    if (push->count("--profiles") > 0) push_opts.profiles_file = push_values.profiles;
    if (push->count("--failures-csv") > 0) push_opts.failures_csv = push_values.failures_csv;
    if (push->count("--report-json") > 0) push_opts.report_json = push_values.report_json;
    if (push->count("--schedule-csv") > 0) push_opts.schedule_csv = push_values.schedule_csv;
    const auto give_up = pushsim::scheduler::parse_duration_text(push_values.give_up_after);
    if (!give_up || *give_up <= pushsim::duration::zero()) {
      std::cerr << "pushsim push: --give-up-after " << push_values.give_up_after
                << ": expected a positive duration such as 90s, 15m or 1h\n";
      return pushsim::push::push_exit_bad_input;
    }
    push_opts.give_up_after = *give_up;
    push_opts.progress_tty = isatty(STDERR_FILENO) != 0;
    return pushsim::push::run_push(push_opts, std::cout, std::cerr);
  }
  if (CLI::App* cmp = app.get_subcommand("compare"); cmp->parsed()) {
    if (!compare_scenario.empty()) compare_args.scenario = compare_scenario;
    if (!read_seed(cmp, compare_seed, compare_args.seed)) return 2;
    return pushsim::harness::compare_command(compare_args, std::cout, std::cerr);
  }
  if (app.get_subcommand("snapshot")->parsed()) return pushsim::push::run_snapshot(snapshot_opts, std::cout, std::cerr);
  if (app.get_subcommand("import")->parsed()) {
    if (!import_scenario.empty()) import_args.scenario = import_scenario;
    return pushsim::harness::import_command(import_args, std::cout, std::cerr);
  }
  if (app.get_subcommand("calibrate")->parsed()) {
    if (!calibrate_scenario.empty()) calibrate_args.scenario = calibrate_scenario;
    return pushsim::harness::calibrate_command(calibrate_args, std::cout, std::cerr);
  }
  if (backtest_cmd->parsed()) {
    if (!backtest.scenario.empty()) backtest_args.scenario = backtest.scenario;
    if (backtest_cmd->count("--replications") > 0) backtest_args.replications = backtest.replications;
    if (backtest_cmd->count("--jobs") > 0) backtest_args.jobs = backtest.jobs;
    return pushsim::harness::backtest_command(backtest_args, std::cout, std::cerr);
  }
  if (CLI::App* ch = app.get_subcommand("changes"); ch->parsed()) {
    if (ch->count("--retired-api-version") > 0) changes_args.retired_api_version = retired_api_version;
    return pushsim::changes::changes_command(changes_args, std::cout, std::cerr);
  }
  if (merge_cmd->parsed()) return pushsim::harness::study_merge_command(merge_args, std::cout, std::cerr);
  if (study_cmd->parsed()) {
    finish_study(*study_cmd, study_args, study);
    if (!read_seed(study_cmd, study.seed, study_args.seed)) return 2;
    return study_main(argc, argv, study_args);
  }
  return 2;
}
