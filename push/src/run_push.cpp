#include "pushsim/push/run_push.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <variant>

#include <unistd.h>

#include "discovery.hpp"
#include "instance_client.hpp"
#include "pushsim/base/file_path.hpp"
#include "pushsim/base/output_file.hpp"
#include "pushsim/base/redactor.hpp"
#include "pushsim/push/credentials.hpp"
#include "pushsim/push/failures_csv.hpp"
#include "pushsim/push/journal_binding.hpp"
#include "pushsim/push/journal_lock.hpp"
#include "pushsim/push/snapshot.hpp"
#include "pushsim/push/summary.hpp"
#include "adopted_requests.hpp"
#include "pushsim/push/wall_clock.hpp"
#include "pushsim/scheduler/schedule_csv.hpp"
#include "pushsim/scheduler/http/http_transport.hpp"
#include "pushsim/scheduler/rest/driver.hpp"
#include "pushsim/scheduler/duration_text.hpp"
#include "pushsim/scheduler/journal.hpp"
#include "pushsim/scheduler/plan.hpp"
#include "pushsim/scheduler/planner.hpp"
#include "pushsim/scheduler/profiles.hpp"
#include "pushsim/scheduler/rest/codec.hpp"
#include "pushsim/scheduler/rollout.hpp"

namespace pushsim::push {
namespace {

namespace sch = pushsim::scheduler;
namespace fs = std::filesystem;
using detail::query_failure;
using steady = std::chrono::steady_clock;

// An exit code, or a value to continue with.
template <typename T>
using or_exit = std::variant<T, int>;

// The plan and profiles as parsed, with the plan file's content hash.
struct inputs {
  sch::plan plan;
  std::optional<sch::profile_set> profiles;
  std::string plan_hash;
};

// What a --resume continues: the journal (bound) and the subscriber snapshot.
struct resume_inputs {
  bound_journal journal;
  std::vector<sch::subscriber> snapshot;
};

// Where the run's files go, checked before any work (empty: not written).
struct output_targets {
  fs::path plan_json;  // --dry-run: the plan
  fs::path snapshot;   // fresh run: the subscriber snapshot
  fs::path failures_csv;
  fs::path report_json;
  fs::path schedule_csv;           // --dry-run --schedule-csv
  std::optional<redactor> redact;  // --redact: pseudonyms in every output but the journal and the snapshot
};

// What discovery found on the instance.
struct found {
  std::string org_id;
  std::string package_id;
  detail::target_version version;
};

// Test hook for the crash test: with PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE=N in the environment, the process kills
// itself with SIGKILL instead of writing its N-th journal line after the bind record (an intent: the call never
// goes out; a result: the call took effect and nobody wrote it down).
class kill_switch_journal final : public sch::journal_sink {
 public:
  kill_switch_journal(sch::journal_sink& inner, std::uint64_t kill_at) : inner_(inner), kill_at_(kill_at) {}
  void append(std::string_view line) override {
    if (++lines_ == kill_at_) ::kill(::getpid(), SIGKILL);
    inner_.append(line);
  }

 private:
  sch::journal_sink& inner_;
  std::uint64_t kill_at_;
  std::uint64_t lines_ = 0;
};

int fail(std::ostream& err, int code, const std::string& message) {
  err << "pushsim push: " << message << "\n";
  return code;
}

int fail(std::ostream& err, const query_failure& f) { return fail(err, f.exit_code, f.message); }

// A word for a POSIX shell: quoted unless it is plainly safe.
std::string shell_word(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") ==
                        std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The command that continues this run from its journal (the token stays out of the terminal).
std::string resume_command(const push_options& o) {
  std::string c = "pushsim push --instance-url " + shell_word(o.instance_url) + " --token \"$TOKEN\" --plan " +
                  shell_word(o.plan_file) + " --journal " + shell_word(o.journal_path) + " --resume";
  if (!o.package_id.empty()) c += " --package-id " + shell_word(o.package_id);
  if (o.profiles_file) c += " --profiles " + shell_word(*o.profiles_file);
  if (o.insecure) c += " --insecure";
  return c;
}

// Flags that are wrong whatever the server says: exit 2 before anything is read or sent.
std::optional<int> check_flags(const push_options& o, std::ostream& err) {
  if (o.instance_url.empty() || o.token.empty() || o.plan_file.empty()) {
    return fail(err, push_exit_bad_input, "--instance-url, --token and --plan are required");
  }
  const std::pair<const char*, const std::string*> wire[] = {
      {"--token", &o.token}, {"--instance-url", &o.instance_url}, {"--package-id", &o.package_id}};
  for (const auto& [flag, value] : wire) {
    if (auto why = control_character_error(flag, *value)) return fail(err, push_exit_bad_input, *why);
  }
  if (!o.package_id.empty() && !looks_like_salesforce_id(o.package_id, "033")) {
    return fail(err, push_exit_bad_input,
                "--package-id " + o.package_id + ": not a MetadataPackage Id (15 or 18 letters and digits, 033...)");
  }
  if (o.give_up_after <= duration::zero()) return fail(err, push_exit_bad_input, "--give-up-after must be positive");
  return std::nullopt;
}

or_exit<inputs> load_inputs(const push_options& o, std::ostream& err) {
  std::ifstream f(o.plan_file, std::ios::binary);
  std::stringstream bytes;
  bytes << f.rdbuf();
  sch::plan_parse_options po;
  po.now = system_wall_clock().now();
  auto parsed = sch::load_plan_file(o.plan_file, po);
  if (!parsed) {
    for (const auto& e : parsed.errors) err << e.to_string() << "\n";
    return push_exit_bad_input;
  }
  inputs in{std::move(*parsed.value), std::nullopt, plan_content_hash(bytes.str())};
  if (o.profiles_file) {
    auto pr = sch::load_profiles_file(*o.profiles_file);
    if (!pr) {
      for (const auto& e : pr.errors) err << e.to_string() << "\n";
      return push_exit_bad_input;
    }
    in.profiles = std::move(*pr.value);
  }
  return in;
}

std::string snapshot_path_of(const push_options& o) { return o.journal_path + ".subscribers.json"; }

// Every file the run may write, checked before any work: the folder exists and is writable, the target is not a
// folder, device, FIFO or socket, nor one of the inputs (plan, profiles, journal). Exit 2 naming each problem.
or_exit<output_targets> check_outputs(const push_options& o, std::ostream& err) {
  std::vector<std::string> outputs(5);
  if (o.schedule_csv && !o.dry_run) {
    err << "pushsim push: --schedule-csv needs --dry-run (it writes the plan's schedule)\n";
    return push_exit_bad_input;
  }
  if (o.dry_run) {
    outputs[0] = o.report_json ? *o.report_json : (fs::path(dir_of(o.journal_path)) / "plan.json").string();
    outputs[4] = o.schedule_csv.value_or("");
  } else {
    if (!o.resume) outputs[1] = snapshot_path_of(o);
    outputs[2] = o.failures_csv.value_or("");
    outputs[3] = o.report_json.value_or("");
  }
  std::vector<std::string> inputs{o.plan_file, o.journal_path};
  if (o.profiles_file) inputs.push_back(*o.profiles_file);
  if (o.resume) inputs.push_back(snapshot_path_of(o));
  auto checked = check_output_paths(outputs, inputs);
  if (auto* errors = std::get_if<std::vector<output_error>>(&checked)) {
    for (const auto& e : *errors) err << "pushsim push: " << e.to_string() << "\n";
    return push_exit_bad_input;
  }
  auto redact = make_redactor(o.redact);
  if (const auto* why = std::get_if<std::string>(&redact)) return fail(err, push_exit_bad_input, *why);
  auto& t = std::get<std::vector<fs::path>>(checked);
  return output_targets{t[0], t[1], t[2], t[3], t[4], std::move(std::get<std::optional<redactor>>(redact))};
}

// Writes one checked output; exit 1 with the message on failure.
std::optional<int> write_output(const fs::path& target, std::string_view text, std::ostream& err) {
  if (auto e = write_atomically(target, text)) return fail(err, push_exit_error, e->to_string());
  return std::nullopt;
}

// Fresh run: the journal must not exist (or be empty). Resume: journal and snapshot must read strictly.
or_exit<std::optional<resume_inputs>> read_journal_inputs(const push_options& o, std::ostream& err) {
  if (!o.resume) {
    std::error_code ec;
    if (fs::exists(o.journal_path, ec) && fs::file_size(o.journal_path, ec) > 0) {
      return fail(err, push_exit_bad_input,
                  "journal " + o.journal_path +
                      " exists (an earlier run): continue it with --resume, or name another --journal");
    }
    return std::optional<resume_inputs>();
  }
  auto journal = read_bound_journal(o.journal_path);
  if (auto* why = std::get_if<std::string>(&journal)) {
    return fail(err, push_exit_bad_input, *why + "; nothing was pushed");
  }
  auto snapshot = read_snapshot_file(snapshot_path_of(o));
  if (auto* why = std::get_if<std::string>(&snapshot)) {
    return fail(err, push_exit_bad_input, *why + "; nothing was pushed");
  }
  return std::optional<resume_inputs>(resume_inputs{std::move(std::get<bound_journal>(journal)),
                                                    std::move(std::get<std::vector<sch::subscriber>>(snapshot))});
}

// The instance, the package and the target version; a target that cannot succeed is refused (exit 2).
or_exit<found> discover(detail::instance_client& client, const push_options& o, const sch::plan& p, std::ostream& err) {
  auto org = detail::find_instance_org_id(client);
  if (auto* f = std::get_if<query_failure>(&org)) return fail(err, *f);
  auto package = detail::find_package(client, o.package_id);
  if (auto* f = std::get_if<query_failure>(&package)) return fail(err, *f);
  auto version = detail::find_target_version(client, std::get<std::string>(package), p.target, o.plan_file);
  if (auto* f = std::get_if<query_failure>(&version)) return fail(err, *f);
  const auto& v = std::get<detail::target_version>(version);
  if (auto why = detail::target_refusal(v)) return fail(err, push_exit_bad_input, *why + "; nothing was pushed");
  return found{std::get<std::string>(org), std::get<std::string>(package), v};
}

// --resume: the journal must be bound to this instance, package, version and plan.
std::optional<int> check_binding(const journal_binding& journal, const journal_binding& now, const push_options& o,
                                 std::ostream& err) {
  const auto differ = binding_mismatches(journal, now);
  if (differ.empty()) return std::nullopt;
  err << "pushsim push: journal " << o.journal_path << " belongs to another push; refusing to resume:\n";
  for (const auto& d : differ) err << "  " << d << "\n";
  return push_exit_bad_input;
}

// --resume: every push request the journal names must be on this instance (requests are never deleted): one
// missing means the journal was made against another instance, though it reports the same Organization Id.
// Returns the rows of the requests the journal's run adopted (to schedule those still Created and await all).
or_exit<std::vector<sch::request_row>> check_journal_requests(detail::instance_client& client,
                                                              const bound_journal& journal, const found& where,
                                                              const push_options& o, std::ostream& err) {
  auto requests = client.requests_for_version(where.version.id);
  if (auto* f = std::get_if<query_failure>(&requests)) return fail(err, *f);
  const auto& rows = std::get<std::vector<sch::request_row>>(requests);
  std::set<std::string> known;
  for (const auto& r : rows) known.insert(r.id);
  std::vector<std::string> missing;
  for (const auto& id : journal.state.request_ids) {
    if (!id.empty() && !known.contains(id)) missing.push_back(id);
  }
  for (const auto& id : journal.binding.adopted_request_ids) {
    if (!known.contains(id)) missing.push_back(id);
  }
  if (missing.empty()) {
    const std::set<std::string> adopted(journal.binding.adopted_request_ids.begin(),
                                        journal.binding.adopted_request_ids.end());
    std::vector<sch::request_row> out;
    for (const auto& r : rows) {
      if (adopted.contains(r.id)) out.push_back(r);
    }
    return out;
  }
  err << "pushsim push: journal " << o.journal_path
      << " belongs to another push; refusing to resume:\n  instance: " << missing.size() << " of the journal's "
      << journal.state.request_ids.size() + journal.binding.adopted_request_ids.size() << " push requests ("
      << missing.front() << (missing.size() > 1 ? ", ..." : "") << ") are not on " << o.instance_url
      << " (Organization " << where.org_id << "): the journal was made against another instance\n";
  return push_exit_bad_input;
}

// Fresh run: refuse (or, adopting, note) what is already under way for the target version.
or_exit<open_work> check_open_work(detail::instance_client& client, const push_options& o,
                                   const std::string& version_id, std::ostream& err) {
  auto work = detail::find_open_work(client, version_id);
  if (auto* f = std::get_if<query_failure>(&work)) return fail(err, *f);
  auto& w = std::get<open_work>(work);
  if (!w.empty() && !o.adopt_open_requests) return fail(err, push_exit_bad_input, open_work_refusal(w, version_id));
  return std::move(w);
}

// Prints progress: a \r line on a terminal, else a plain line (the caller paces it).
void progress_line(const push_options& o, std::ostream& err, const std::string& text) {
  if (o.progress_tty) {
    err << "\r\033[K" << text << std::flush;
  } else {
    err << "pushsim push: " << text << "\n" << std::flush;
  }
}

std::string progress_text(const sch::rollout& ro, const sch::rest::driver& driver) {
  const auto rep = ro.report(true);
  if (!rep) return "fetching subscribers: " + std::to_string(ro.subscribers().size());
  std::map<sch::org_final_state, std::int64_t> n;
  for (const auto& org : rep->orgs) ++n[org.state];
  using state = sch::org_final_state;
  return "orgs " + std::to_string(rep->orgs.size()) + ": upgraded " + std::to_string(n[state::upgraded]) +
         ", in flight " + std::to_string(n[state::in_flight]) + ", failed " + std::to_string(n[state::failed]) +
         ", pending " + std::to_string(n[state::pending]) + "; API calls " + std::to_string(driver.stats().api_calls);
}

// b's exchanges added to a's.
void add(exchange_counts& a, const exchange_counts& b) {
  a.api_calls += b.api_calls;
  a.retryable_errors += b.retryable_errors;
  a.transport_errors += b.transport_errors;
  for (const auto& [k, n] : b.api_calls_by_endpoint) a.api_calls_by_endpoint[k] += n;
  for (const auto& [k, n] : b.retryable_errors_by_endpoint) a.retryable_errors_by_endpoint[k] += n;
}

exchange_counts counts_of(const sch::rest::driver_stats& s) {
  return exchange_counts{s.api_calls, s.retryable_errors, s.transport_failures, s.api_calls_by_endpoint,
                         s.retryable_errors_by_endpoint};
}

// The connection to the instance: HTTP client, codec, preliminary queries, the HTTP transport and
// the wall-clock loop.
struct session {
  explicit session(const push_options& o)
      : http(client_options(o)),
        client(http, codec, o.token, clock, o.give_up_after),
        transport(http),
        loop(
            transport, [this] { return clock.now(); }, [this](duration d) { clock.sleep_for(d); }) {}

  static duration progress_every(const push_options& o) {
    return o.progress_tty ? duration{std::chrono::seconds{1}} : duration{std::chrono::minutes{1}};
  }

  static sch::http::http_client_options client_options(const push_options& o) {
    sch::http::http_client_options h;
    h.instance_url = o.instance_url;
    h.insecure_skip_verify = o.insecure;
    h.connections_max = 6;
    return h;
  }

  // Every exchange so far: the preliminary queries' and the drivers'.
  exchange_counts counts() const {
    exchange_counts c = driven;
    add(c, client.counts());
    return c;
  }

  sch::http::http_client http;
  sch::rest::codec codec;
  system_wall_clock clock;
  detail::instance_client client;
  sch::http::http_transport transport;
  sch::http::wall_loop loop;
  exchange_counts driven;  // the drivers' exchanges
};

// Drives a rollout on wall time over HTTP (the project's one driver); on giving up, says why and how to
// continue, and returns exit 1.
std::optional<int> drive(session& net, sch::rollout& ro, const push_options& o, bool journaled, std::ostream& err) {
  sch::rest::driver d(ro, net.transport, net.loop, net.codec,
                      sch::rest::driver_options{o.token, o.give_up_after, std::chrono::seconds{1}});
  d.start();
  net.loop.run_until([&] { return d.finished(); }, [&] { progress_line(o, err, progress_text(ro, d)); },
                     session::progress_every(o));
  d.stop();
  add(net.driven, counts_of(d.stats()));
  if (o.progress_tty) err << "\n";
  if (d.gave_up()) {
    const auto failing_for = net.loop.now() - d.failing_since().value_or(net.loop.now());
    err << "pushsim push: gave up: no successful exchange with the instance for "
        << sch::format_duration_text(std::chrono::floor<std::chrono::seconds>(failing_for)) << " (--give-up-after "
        << sch::format_duration_text(std::chrono::floor<std::chrono::seconds>(o.give_up_after))
        << "; last error: " << d.last_error() << ")\n";
    if (journaled) {
      err << "pushsim push: the journal " << o.journal_path
          << " is intact; when the instance is back, continue with:\n  " << resume_command(o) << "\n";
    } else {
      err << "pushsim push: nothing was pushed; run the same command again when the instance is back\n";
    }
    return push_exit_error;
  }
  if (ro.current_phase() == sch::rollout::phase::failed) return fail(err, push_exit_error, ro.error());
  return std::nullopt;
}

// Fetches the subscribers and plans (no side effect). With --dry-run, writes the plan and returns exit 0.
or_exit<std::vector<sch::subscriber>> fetch_and_plan(session& net, const inputs& in, const found& f,
                                                     const push_options& o, const output_targets& targets,
                                                     std::ostream& out, std::ostream& err) {
  sch::plan p = in.plan;
  p.target.package_version_id = f.version.id;
  sch::rollout planning(std::move(p), f.package_id, in.profiles ? &*in.profiles : nullptr);
  planning.set_plan_only(true);
  if (auto code = drive(net, planning, o, false, err)) return *code;
  if (!o.dry_run) return planning.subscribers();
  const sch::plan_result& planned = *planning.planned();
  out << sch::render_plan_summary(planned);
  const std::span<const sch::subscriber> real(planning.subscribers());
  const auto redacted = targets.redact ? redacted_rows(real, *targets.redact) : std::vector<sch::subscriber>();
  const auto subscribers = targets.redact ? std::span<const sch::subscriber>(redacted) : real;
  if (auto code = write_output(targets.plan_json, sch::render_plan_json(planned, subscribers), err)) return *code;
  if (!targets.schedule_csv.empty()) {
    const auto csv = sch::render_schedule_csv(planned, subscribers, planning.the_plan());
    if (auto code = write_output(targets.schedule_csv, csv, err)) return *code;
  }
  out << "plan written to " << targets.plan_json.string() << " (" << net.counts().api_calls
      << " API calls, none side-effecting)\n";
  return push_exit_done;
}

// What this run adds to the executor's report in the summary.
struct run_facts {
  bool resumed = false;
  std::size_t orgs_with_earlier_jobs = 0;
  std::vector<sch::request_row> adopted;  // open requests of the target version this run takes over
};

// The summary, the failures CSV and the JSON report of a finished run; the exit code.
int finish(const sch::rollout& ro, const exchange_counts& counts, const run_facts& facts, double wall_s,
           const output_targets& targets, std::ostream& out, std::ostream& err) {
  const auto rep = ro.report();
  push_summary s = make_summary(*rep, ro.planned(), ro.subscribers().size());
  s.resumed = facts.resumed;
  s.orgs_with_earlier_jobs = facts.orgs_with_earlier_jobs;
  for (const auto& r : facts.adopted) s.open_requests_adopted.push_back(r.id);
  s.exchanges = counts;
  s.wall_s = wall_s;
  const redactor* redact = targets.redact ? &*targets.redact : nullptr;
  if (redact) s.halt_reason = redact->text(s.halt_reason);
  out << summary_text(s);
  if (!targets.failures_csv.empty()) {
    const auto csv = failures_csv_text(*rep, ro.subscribers(), redact);
    if (auto code = write_output(targets.failures_csv, csv, err)) return *code;
  }
  if (!targets.report_json.empty()) {
    if (auto code = write_output(targets.report_json, summary_json(s), err)) return *code;
  }
  return rep->halted || !rep->requests_not_canceled.empty() ? push_exit_halted : push_exit_done;
}

// Leaves the adopted orgs out of the subscribers; how many were left out.
std::size_t leave_out(std::vector<sch::subscriber>& subs, const std::set<std::string>& keys) {
  const auto before = subs.size();
  std::erase_if(subs, [&](const sch::subscriber& s) { return keys.count(s.org_key) > 0; });
  return before - subs.size();
}

// The journal's kill switch (crash tests), when the environment asks for one.
std::optional<kill_switch_journal> kill_switch_for(sch::journal_sink& journal) {
  const char* k = std::getenv("PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE");
  if (k == nullptr || std::atoll(k) <= 0) return std::nullopt;
  return std::optional<kill_switch_journal>(std::in_place, journal, static_cast<std::uint64_t>(std::atoll(k)));
}

// Test hook for the adoption crash test: with PUSHSIM_PUSH_KILL_AFTER_BIND=1 the process kills itself with
// SIGKILL right after writing the bind record (adopted requests named, none scheduled yet).
void kill_after_bind_hook() {
  const char* k = std::getenv("PUSHSIM_PUSH_KILL_AFTER_BIND");
  if (k != nullptr && std::string_view(k) == "1") ::kill(::getpid(), SIGKILL);
}

// A fresh run's subscribers: refuse or adopt what is under way, fetch and plan, leave adopted orgs out, and
// make the snapshot durable before anything side-effecting.
or_exit<std::vector<sch::subscriber>> fresh_subscribers(session& net, const push_options& o, const inputs& in,
                                                        const found& where, const output_targets& targets,
                                                        run_facts& facts, std::ostream& out, std::ostream& err) {
  auto work = check_open_work(net.client, o, where.version.id, err);
  if (auto* code = std::get_if<int>(&work)) return *code;
  auto planned = fetch_and_plan(net, in, where, o, targets, out, err);
  if (auto* code = std::get_if<int>(&planned)) return *code;
  auto subscribers = std::move(std::get<std::vector<sch::subscriber>>(planned));
  const auto& w = std::get<open_work>(work);
  facts.orgs_with_earlier_jobs = leave_out(subscribers, adopted_org_keys(w));
  facts.adopted = w.open_requests;
  if (auto code = write_output(targets.snapshot, snapshot_text(subscribers), err)) return *code;
  return subscribers;
}

// A dry run: the plan, with a note when a real run would find work under way.
int dry_run(session& net, const push_options& o, const inputs& in, const found& where, const output_targets& targets,
            std::ostream& out, std::ostream& err) {
  auto work = detail::find_open_work(net.client, where.version.id);
  if (auto* f = std::get_if<query_failure>(&work)) return fail(err, *f);
  const auto& w = std::get<open_work>(work);
  if (!w.empty()) err << "pushsim push: note: " << open_work_refusal(w, where.version.id) << "\n";
  return std::get<int>(fetch_and_plan(net, in, where, o, targets, out, err));
}

// Schedules the adopted requests still in Created (before this run's own pushing starts).
std::optional<int> start_adopted(session& net, const run_facts& facts, const std::string& version_id,
                                 std::ostream& err) {
  if (facts.adopted.empty()) return std::nullopt;
  auto scheduled = detail::schedule_created(net.client, facts.adopted, version_id);
  if (auto* f = std::get_if<query_failure>(&scheduled)) return fail(err, *f);
  const auto& ids = std::get<std::vector<std::string>>(scheduled);
  err << "pushsim push: adopted " << facts.adopted.size() << " open push requests; scheduled the " << ids.size()
      << " still Created\n";
  return std::nullopt;
}

// Waits for every adopted request to finish (this run is not done before they are).
std::optional<int> finish_adopted(session& net, const run_facts& facts, const std::string& version_id,
                                  const push_options& o, std::ostream& err) {
  if (facts.adopted.empty()) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& r : facts.adopted) ids.push_back(r.id);
  auto done =
      detail::await_finished(net.client, version_id, ids, net.clock, std::chrono::seconds{2}, [&](std::size_t open) {
        if (open > 0) progress_line(o, err, "adopted requests still open: " + std::to_string(open));
      });
  if (auto* f = std::get_if<query_failure>(&done)) return fail(err, *f);
  if (o.progress_tty) err << "\n";
  return std::nullopt;
}

// Executes the plan over these subscribers, journaling in o.journal_path (bound first on a fresh run).
int execute(session& net, const push_options& o, const inputs& in, const found& where, const journal_binding& now,
            std::optional<resume_inputs> resume, std::vector<sch::subscriber> subscribers, const run_facts& facts,
            const output_targets& targets, std::ostream& out, std::ostream& err) {
  const auto wall_start = steady::now();
  sch::file_journal journal(o.journal_path);
  if (!journal.ok()) return fail(err, push_exit_error, "journal " + o.journal_path + ": " + journal.error());
  if (!resume) {
    journal_binding bound = now;
    for (const auto& r : facts.adopted) bound.adopted_request_ids.push_back(r.id);
    journal.append(encode_binding(bound));
    kill_after_bind_hook();
  }
  auto kill_switch = kill_switch_for(journal);
  sch::plan p = in.plan;
  p.target.package_version_id = where.version.id;
  sch::rollout ro(std::move(p), where.package_id, in.profiles ? &*in.profiles : nullptr,
                  kill_switch ? static_cast<sch::journal_sink*>(&*kill_switch) : &journal);
  ro.use_subscribers(std::move(subscribers));
  if (resume) ro.resume(resume->journal.state);
  if (auto code = start_adopted(net, facts, where.version.id, err)) return *code;
  if (auto code = drive(net, ro, o, true, err)) return *code;
  if (auto code = finish_adopted(net, facts, where.version.id, o, err)) return *code;
  const double wall_s = std::chrono::duration<double>(steady::now() - wall_start).count();
  return finish(ro, net.counts(), facts, wall_s, targets, out, err);
}

// Everything after the lock: discovery, checks, plan, execution, reports.
int run_locked(const push_options& o, const inputs& in, const output_targets& targets,
               std::optional<resume_inputs> resume, std::ostream& out, std::ostream& err) {
  session net(o);
  auto f = discover(net.client, o, in.plan, err);
  if (auto* code = std::get_if<int>(&f)) return *code;
  const found& where = std::get<found>(f);
  if (o.dry_run) return dry_run(net, o, in, where, targets, out, err);
  const journal_binding now{where.org_id, where.package_id, where.version.id, in.plan_hash, {}};
  run_facts facts;
  facts.resumed = resume.has_value();
  std::vector<sch::subscriber> subscribers;
  if (resume) {
    if (auto code = check_binding(resume->journal.binding, now, o, err)) return *code;
    auto adopted = check_journal_requests(net.client, resume->journal, where, o, err);
    if (auto* code = std::get_if<int>(&adopted)) return *code;
    facts.adopted = std::move(std::get<std::vector<sch::request_row>>(adopted));
    subscribers = std::move(resume->snapshot);
  } else {
    auto fresh = fresh_subscribers(net, o, in, where, targets, facts, out, err);
    if (auto* code = std::get_if<int>(&fresh)) return *code;
    subscribers = std::move(std::get<std::vector<sch::subscriber>>(fresh));
  }
  return execute(net, o, in, where, now, std::move(resume), std::move(subscribers), facts, targets, out, err);
}

// run_push once its inputs and outputs are checked: the dry run, or the journaled push under its lock.
int run_checked(const push_options& o, const inputs& in, const output_targets& t, std::ostream& out,
                std::ostream& err) {
  if (o.dry_run) return run_locked(o, in, t, std::nullopt, out, err);
  auto lock = journal_lock::acquire(o.journal_path);
  if (auto* refused = std::get_if<journal_lock::refusal>(&lock)) {
    return fail(err, refused->held ? push_exit_bad_input : push_exit_error, refused->message);
  }
  auto resume = read_journal_inputs(o, err);
  if (auto* code = std::get_if<int>(&resume)) return *code;
  return run_locked(o, in, t, std::move(std::get<std::optional<resume_inputs>>(resume)), out, err);
}

}  // namespace

int run_push(const push_options& o, std::ostream& out, std::ostream& err) {
  if (auto code = check_flags(o, err)) return *code;
  auto in = load_inputs(o, err);
  if (auto* code = std::get_if<int>(&in)) return *code;
  auto targets = check_outputs(o, err);
  if (auto* code = std::get_if<int>(&targets)) return *code;
  const auto& t = std::get<output_targets>(targets);
  // Under --redact, every later line on stderr passes through the redactor (errors may quote org ids).
  std::optional<redacting_buffer> redacted_buffer;
  std::optional<std::ostream> redacted_err;
  if (t.redact) {
    redacted_buffer.emplace(err, *t.redact);
    redacted_err.emplace(&*redacted_buffer);
  }
  return run_checked(o, std::get<inputs>(in), t, out, redacted_err ? *redacted_err : err);
}

}  // namespace pushsim::push
