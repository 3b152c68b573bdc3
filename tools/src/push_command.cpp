#include "pushsim/tools/push_command.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>
#include <variant>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "pushsim/base/time.hpp"
#include "pushsim/scheduler/http/http_client.hpp"
#include "pushsim/scheduler/journal.hpp"
#include "pushsim/scheduler/plan.hpp"
#include "pushsim/scheduler/planner.hpp"
#include "pushsim/scheduler/profiles.hpp"
#include "pushsim/scheduler/rest/codec.hpp"
#include "pushsim/scheduler/rollout.hpp"

namespace pushsim::tools {
namespace {

namespace sch = pushsim::scheduler;
namespace fs = std::filesystem;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;

time_point wall_now() { return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now()); }

// Percent-encodes a query string value (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xF]);
    }
  }
  return out;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// Writes a file durably: temporary file, fsync, rename, fsync of the folder. False with a message on failure.
bool write_durably(const std::string& path, const std::string& text, std::string& error) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot write " + tmp;
    return false;
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      ::close(fd);
      error = "cannot write " + tmp;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path;
    return false;
  }
  auto dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

bool write_text(const std::string& path, const std::string& text, std::ostream& err) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    err << "pushsim push: cannot write " << path << "\n";
    return false;
  }
  return true;
}

// The subscriber snapshot: one JSON array of [OrgKey, OrgName, OrgType, OrgStatus, InstanceName,
// InstalledStatus, MetadataPackageVersionId].
std::string snapshot_text(const std::vector<sch::subscriber>& subs) {
  json a = json::array();
  for (const auto& s : subs) {
    a.push_back(json::array({s.org_key, s.org_name, std::string(sch::to_string(s.type)),
                             std::string(sch::to_string(s.status)), s.instance_name,
                             s.installed == sch::installed_status::uninstalled ? "u" : "i", s.installed_version_id}));
  }
  return a.dump();
}

std::optional<std::vector<sch::subscriber>> read_snapshot(const std::string& path, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  const json a = json::parse(ss.str(), nullptr, false);
  if (!a.is_array()) {
    error = path + ": not a subscriber snapshot";
    return std::nullopt;
  }
  std::vector<sch::subscriber> out;
  out.reserve(a.size());
  for (const auto& r : a) {
    if (!r.is_array() || r.size() != 7) {
      error = path + ": not a subscriber snapshot";
      return std::nullopt;
    }
    sch::subscriber_row row{r[0].get<std::string>(), r[1].get<std::string>(), r[2].get<std::string>(),
                            r[3].get<std::string>(), r[4].get<std::string>(), r[5].get<std::string>(),
                            r[6].get<std::string>()};
    std::string why;
    if (auto s = sch::to_subscriber(row, why)) out.push_back(std::move(*s));
  }
  return out;
}

// Failure of a preliminary query: exit code and message.
struct query_failure {
  int exit_code = push_exit_error;
  std::string message;
};

// A raw query's records, or why there are none.
struct query_answer {
  json records;
  std::optional<query_failure> failure;
};

// Carries the rollout's calls over HTTP on wall-clock time and counts what happened.
class http_driver {
 public:
  http_driver(sch::http::http_client& client, const sch::rest::codec& codec, std::string token)
      : client_(client), codec_(codec), auth_("Bearer " + std::move(token)) {}

  // A raw SOQL query (GET .../query?q=...): the records, or why not.
  query_answer query(const std::string& soql) {
    rest_request req;
    req.method = "GET";
    req.target = codec_.base_path() + "/query?q=" + url_encode(soql);
    req.headers.emplace_back("Authorization", auth_);
    req.headers.emplace_back("Accept", "application/json");
    ++api_calls_;
    ++by_endpoint_["query"];
    auto r = client_.send(req);
    if (!r) {
      return query_answer{json(), query_failure{push_exit_error, "cannot reach the instance: " + std::string(sch::http::to_string(r.error().code)) +
                                                ": " + r.error().message}};
    }
    const auto& resp = r.value();
    if (resp.status == 401) {
      return query_answer{json(), query_failure{push_exit_error, "authentication failed (HTTP 401): check --token: " + resp.body.substr(0, 300)}};
    }
    if (resp.status != 200) {
      return query_answer{json(), query_failure{push_exit_error, "query '" + soql + "' failed: HTTP " + std::to_string(resp.status) + ": " +
                                                resp.body.substr(0, 300)}};
    }
    json body = json::parse(resp.body, nullptr, false);
    if (!body.is_object() || !body.contains("records") || !body["records"].is_array()) {
      return query_answer{json(), query_failure{push_exit_error, "query '" + soql + "': unexpected response body"}};
    }
    return query_answer{std::move(body["records"]), std::nullopt};
  }

  // Runs the rollout until done. progress: called about once a second.
  void drive(sch::rollout& ro, const std::function<void()>& progress) {
    apply(ro.on_time(wall_now()));
    auto last_progress = steady::now();
    while (!ro.done()) {
      if (!queue_.empty()) {
        std::vector<sch::outgoing_call> batch;
        batch.swap(queue_);
        std::vector<rest_request> reqs;
        reqs.reserve(batch.size());
        for (const auto& c : batch) {
          rest_request req = codec_.encode(c.call);
          req.headers.emplace_back("Authorization", auth_);
          reqs.push_back(std::move(req));
          ++api_calls_;
          ++by_endpoint_[sch::endpoint_name(c.call)];
        }
        auto results = client_.send_all(reqs);
        for (std::size_t i = 0; i < batch.size(); ++i) {
          rest_response resp;
          if (results[i]) {
            resp = std::move(results[i].value());
          } else {
            resp = rest_response{sch::rest::transport_error_status, {},
                                 "transport error: " + std::string(sch::http::to_string(results[i].error().code)) +
                                     ": " + results[i].error().message};
          }
          auto result = codec_.decode(batch[i].call, resp);
          if (const auto* e = std::get_if<sch::api_error>(&result); e && e->retryable()) {
            ++retryable_errors_;
            ++retryable_by_endpoint_[sch::endpoint_name(batch[i].call)];
            if (e->kind == sch::api_error::kind_t::transport) ++transport_errors_;
          }
          apply(ro.on_result(batch[i].id, std::move(result), wall_now()));
        }
      } else {
        const auto t = wall_now();
        if (!wake_ || t >= *wake_) {
          // Due, or nothing scheduled while no call is in flight: ask again (at most once a second).
          const bool due = wake_.has_value();
          wake_.reset();
          apply(ro.on_time(t));
          if (!due && queue_.empty() && !wake_ && !ro.done()) wake_ = t + std::chrono::seconds{1};
        } else {
          const auto until = std::min(*wake_, t + std::chrono::seconds{1});
          std::this_thread::sleep_for(until - t);
        }
      }
      if (progress && steady::now() - last_progress >= std::chrono::seconds{1}) {
        last_progress = steady::now();
        progress();
      }
    }
  }

  std::int64_t api_calls() const { return api_calls_; }
  std::int64_t retryable_errors() const { return retryable_errors_; }
  std::int64_t transport_errors() const { return transport_errors_; }
  const std::map<std::string, std::int64_t>& by_endpoint() const { return by_endpoint_; }
  const std::map<std::string, std::int64_t>& retryable_by_endpoint() const { return retryable_by_endpoint_; }

 private:
  void apply(sch::executor_output out) {
    for (auto& c : out.calls) queue_.push_back(std::move(c));
    if (out.wake_at && (!wake_ || *out.wake_at < *wake_)) wake_ = out.wake_at;
  }

  sch::http::http_client& client_;
  const sch::rest::codec& codec_;
  std::string auth_;
  std::vector<sch::outgoing_call> queue_;
  std::optional<time_point> wake_;
  std::int64_t api_calls_ = 0, retryable_errors_ = 0, transport_errors_ = 0;
  std::map<std::string, std::int64_t> by_endpoint_, retryable_by_endpoint_;
};

// Test hook for the crash test: with PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE=N in the environment, the process kills
// itself with SIGKILL instead of writing its N-th journal line (an intent: the call never goes out; a result:
// the call took effect and nobody wrote it down).
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

std::string dir_of(const std::string& file) {
  const auto parent = fs::path(file).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

int run_push(const push_options& o, std::ostream& out, std::ostream& err) {
  const auto wall_start = steady::now();
  // ---- input, before any API call ----
  if (o.instance_url.empty() || o.token.empty() || o.plan_file.empty()) {
    err << "pushsim push: --instance-url, --token and --plan are required\n";
    return push_exit_bad_input;
  }
  sch::plan_parse_options po;
  po.now = wall_now();
  auto parsed = sch::load_plan_file(o.plan_file, po);
  if (!parsed) {
    for (const auto& e : parsed.errors) err << e.to_string() << "\n";
    return push_exit_bad_input;
  }
  sch::plan p = std::move(*parsed.value);
  std::optional<sch::profile_set> profiles;
  if (o.profiles_file) {
    auto pr = sch::load_profiles_file(*o.profiles_file);
    if (!pr) {
      for (const auto& e : pr.errors) err << e.to_string() << "\n";
      return push_exit_bad_input;
    }
    profiles = std::move(*pr.value);
  }
  const std::string snapshot_path = o.journal_path + ".subscribers.json";
  std::optional<sch::journal_state> resume_state;
  if (!o.dry_run) {
    std::error_code ec;
    const bool journal_exists = fs::exists(o.journal_path, ec) && fs::file_size(o.journal_path, ec) > 0;
    if (o.resume) {
      if (journal_exists) {
        resume_state = sch::read_journal_file(o.journal_path);
      } else {
        err << "pushsim push: no journal at " << o.journal_path << ": nothing was pushed yet, starting afresh\n";
      }
    } else if (journal_exists) {
      err << "pushsim push: journal " << o.journal_path
          << " exists (an earlier run): continue it with --resume, or name another --journal\n";
      return push_exit_bad_input;
    }
  }

  // ---- package, target version ----
  sch::http::http_client_options hopt;
  hopt.instance_url = o.instance_url;
  hopt.insecure_skip_verify = o.insecure;
  hopt.connections_max = 6;
  sch::http::http_client client(hopt);
  sch::rest::codec codec;
  http_driver driver(client, codec, o.token);

  std::string package_id = o.package_id;
  {
    // Also the preflight: an unreachable instance or a bad token stops here.
    auto r = driver.query(package_id.empty() ? "SELECT Id, Name FROM MetadataPackage"
                                             : "SELECT Id, Name FROM MetadataPackage WHERE Id = '" + package_id + "'");
    if (r.failure) {
      err << "pushsim push: " << r.failure->message << "\n";
      return r.failure->exit_code;
    }
    const auto& records = r.records;
    if (package_id.empty()) {
      if (records.size() != 1) {
        err << "pushsim push: the org has " << records.size()
            << " packages: name one with --package-id (MetadataPackage Id, 033...)\n";
        return push_exit_bad_input;
      }
      package_id = records[0].value("Id", std::string());
    } else if (records.empty()) {
      err << "pushsim push: --package-id " << package_id << ": no such MetadataPackage\n";
      return push_exit_bad_input;
    }
  }
  if (p.target.package_version_id.empty() && p.target.version) {
    auto r = driver.query("SELECT Id, MajorVersion, MinorVersion, PatchVersion FROM MetadataPackageVersion "
                          "WHERE MetadataPackageId = '" + package_id + "'");
    if (r.failure) {
      err << "pushsim push: " << r.failure->message << "\n";
      return r.failure->exit_code;
    }
    std::string known;
    for (const auto& v : r.records) {
      const int ma = v.value("MajorVersion", -1), mi = v.value("MinorVersion", -1), pa = v.value("PatchVersion", 0);
      known += (known.empty() ? "" : ", ") + std::to_string(ma) + "." + std::to_string(mi) + "." + std::to_string(pa);
      if (ma == p.target.version->major && mi == p.target.version->minor && pa == p.target.version->patch) {
        p.target.package_version_id = v.value("Id", std::string());
      }
    }
    if (p.target.package_version_id.empty()) {
      err << o.plan_file << ": /target/version: no such version of package " << package_id << " (versions: " << known
          << ")\n";
      return push_exit_bad_input;
    }
  }

  // ---- subscribers and plan ----
  std::optional<std::vector<sch::subscriber>> snapshot;
  if (resume_state) {
    std::string error;
    snapshot = read_snapshot(snapshot_path, error);
    if (!error.empty()) {
      err << "pushsim push: " << error << "\n";
      return push_exit_error;
    }
  }
  const sch::profile_set* prof = profiles ? &*profiles : nullptr;
  auto progress_line = [&](const std::string& text) {
    if (o.progress) err << "\r\033[K" << text << std::flush;
  };
  if (!snapshot) {
    sch::rollout planning(p, package_id, prof);
    planning.set_plan_only(true);
    driver.drive(planning, [&] {
      progress_line("fetching subscribers: " + std::to_string(planning.subscribers().size()));
    });
    if (o.progress) err << "\n";
    if (planning.current_phase() == sch::rollout::phase::failed) {
      err << "pushsim push: " << planning.error() << "\n";
      return push_exit_error;
    }
    if (o.dry_run) {
      const sch::plan_result& planned = *planning.planned();
      out << sch::render_plan_summary(planned);
      const std::string path = o.report_json ? *o.report_json : (fs::path(dir_of(o.journal_path)) / "plan.json").string();
      if (!write_text(path, sch::render_plan_json(planned, planning.subscribers()), err)) return push_exit_error;
      out << "plan written to " << path << " (" << driver.api_calls() << " API calls, none side-effecting)\n";
      return push_exit_done;
    }
    snapshot = planning.subscribers();
    std::string error;
    if (!write_durably(snapshot_path, snapshot_text(*snapshot), error)) {
      err << "pushsim push: " << error << "\n";
      return push_exit_error;
    }
  }

  // ---- execute ----
  sch::file_journal journal(o.journal_path);
  if (!journal.ok()) {
    err << "pushsim push: journal " << o.journal_path << ": " << journal.error() << "\n";
    return push_exit_error;
  }
  std::optional<kill_switch_journal> kill_switch;
  if (const char* k = std::getenv("PUSHSIM_PUSH_KILL_AT_JOURNAL_LINE"); k != nullptr && std::atoll(k) > 0) {
    kill_switch.emplace(journal, static_cast<std::uint64_t>(std::atoll(k)));
  }
  sch::rollout ro(p, package_id, prof, kill_switch ? static_cast<sch::journal_sink*>(&*kill_switch) : &journal);
  ro.use_subscribers(*snapshot);
  if (resume_state) ro.resume(*resume_state);
  driver.drive(ro, [&] {
    const auto rep = ro.report();
    if (!rep) return;
    std::map<sch::org_final_state, std::int64_t> n;
    for (const auto& org : rep->orgs) ++n[org.state];
    progress_line("orgs " + std::to_string(rep->orgs.size()) + ": upgraded " + std::to_string(n[sch::org_final_state::upgraded]) +
                  ", in flight " + std::to_string(n[sch::org_final_state::in_flight]) + ", failed " +
                  std::to_string(n[sch::org_final_state::failed]) + ", pending " + std::to_string(n[sch::org_final_state::pending]) +
                  "; API calls " + std::to_string(driver.api_calls()));
  });
  if (o.progress) err << "\n";
  if (ro.current_phase() == sch::rollout::phase::failed) {
    err << "pushsim push: " << ro.error() << "\n";
    return push_exit_error;
  }

  // ---- summary, failure CSV, report ----
  const auto rep = ro.report();
  const sch::plan_result* planned = ro.planned();
  std::map<std::string, std::int64_t> by_state;
  std::int64_t jobs = 0;
  for (const auto& org : rep->orgs) {
    ++by_state[sch::to_string(org.state)];
    jobs += org.attempts;
  }
  const double wall_s = std::chrono::duration<double>(steady::now() - wall_start).count();
  json summary;
  summary["status"] = rep->halted ? "halted" : "done";
  summary["halt_reason"] = rep->halt_reason;
  summary["resumed"] = resume_state.has_value();
  summary["subscribers"] = ro.subscribers().size();
  summary["orgs_planned"] = planned ? planned->orgs.size() : std::size_t{0};
  summary["orgs_excluded_by_planner"] = planned ? planned->excluded.size() : std::size_t{0};
  summary["orgs_infeasible"] = planned ? planned->infeasible.size() : std::size_t{0};
  summary["orgs_by_state"] = by_state;
  summary["jobs_created"] = jobs;
  summary["requests"] = rep->requests_created.size();
  summary["requests_not_canceled"] = rep->requests_not_canceled;
  summary["stuck_jobs"] = rep->stuck_jobs.size();
  summary["api_calls"] = driver.api_calls();
  summary["api_calls_by_endpoint"] = driver.by_endpoint();
  summary["retryable_errors"] = driver.retryable_errors();
  summary["retryable_errors_by_endpoint"] = driver.retryable_by_endpoint();
  summary["transport_errors"] = driver.transport_errors();
  summary["wall_s"] = wall_s;

  out << "pushsim push: " << (rep->halted ? "HALTED: " + rep->halt_reason : std::string("done")) << "\n";
  out << "  subscribers " << ro.subscribers().size() << ", planned " << summary["orgs_planned"] << ", excluded "
      << summary["orgs_excluded_by_planner"] << ", no feasible slot " << summary["orgs_infeasible"] << "\n";
  out << "  orgs:";
  for (const auto& [state, n] : by_state) out << " " << state << " " << n;
  out << "\n  jobs created " << jobs << " in " << rep->requests_created.size() << " push requests\n";
  out << "  API calls " << driver.api_calls() << ", retryable failures retried " << driver.retryable_errors()
      << " (transport " << driver.transport_errors() << ")\n";
  if (!rep->requests_not_canceled.empty()) {
    out << "  requests NOT canceled (cancel them by hand):";
    for (const auto& id : rep->requests_not_canceled) out << " " << id;
    out << "\n";
  }
  out << "  wall " << wall_s << " s\n";

  if (o.failures_csv) {
    std::map<std::string, const sch::subscriber*> subs;
    for (const auto& s : ro.subscribers()) subs[s.org_key] = &s;
    std::string csv = "OrganizationId,OrgName,OrgType,OrgStatus,InstanceName,ErrorSeverity,ErrorTitle,ErrorType,ErrorMessage\n";
    for (const auto& org : rep->orgs) {
      if (org.state != sch::org_final_state::failed) continue;
      const auto it = subs.find(org.org_key);
      const sch::subscriber* s = it == subs.end() ? nullptr : it->second;
      csv += csv_field(org.org_key) + "," + csv_field(s ? s->org_name : "") + "," +
             csv_field(s ? sch::to_string(s->type) : "") + "," + csv_field(s ? sch::to_string(s->status) : "") + "," +
             csv_field(s ? s->instance_name : "") + ",Error," + csv_field(org.message) + "," + csv_field(org.error_type) +
             "," + csv_field(org.message) + "\n";
    }
    if (!write_text(*o.failures_csv, csv, err)) return push_exit_error;
  }
  if (o.report_json && !write_text(*o.report_json, summary.dump(2) + "\n", err)) return push_exit_error;
  return rep->halted || !rep->requests_not_canceled.empty() ? push_exit_halted : push_exit_done;
}

}  // namespace pushsim::tools
