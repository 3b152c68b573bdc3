#include "pushsim/harness/truth_json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "pushsim/base/time.hpp"

namespace pushsim::harness {
namespace {

using json = nlohmann::json;

std::string version_text(const world& w, mock_org::version_index v) {
  if (v == mock_org::not_installed || v >= w.pkg.versions.size()) {
    return "";
  }
  return w.pkg.versions[v].number.str();
}

// Counts by name, leaving out the zeros.
template <class Enum, class Counts>
json counts_by_name(const Counts& counts) {
  json out = json::object();
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] != 0) {
      out[std::string(mock_org::to_string(static_cast<Enum>(i)))] = counts[i];
    }
  }
  return out;
}

// The org's version before its first job ended (its installed version if none has).
mock_org::version_index version_at_start(const world& w, mock_org::org_index i, const mock_org::org_truth& t) {
  return t.last_job != 0 ? t.version_before : w.orgs->installed_version(i);
}

// Since when the org is out of compliance: it needed the target (installed, not inactive, on an older version,
// push-blocked or not) and did not have it by a compliance deadline that has passed. Empty otherwise.
std::optional<time_point> out_of_compliance_from(const world& w, mock_org::org_index i, const mock_org::org_truth& t) {
  if (!w.deadline || w.deadline->kind != scheduler::deadline_kind::compliance || w.sim->now() < w.deadline->at) {
    return std::nullopt;
  }
  const mock_org::version_index v = version_at_start(w, i, t);
  if (v == mock_org::not_installed || v >= w.deadline->target || w.orgs->status(i) == mock_org::org_status::inactive) {
    return std::nullopt;
  }
  const bool upgraded = t.st == mock_org::org_truth::state::upgraded || t.st == mock_org::org_truth::state::broken;
  if (upgraded && t.version_after >= w.deadline->target && t.time_us <= to_us(w.deadline->at)) return std::nullopt;
  return w.deadline->at;
}

json deadline_json(const world& w) {
  if (!w.deadline) return json();
  return {{"at", format_iso8601(w.deadline->at)}, {"kind", std::string(scheduler::to_string(w.deadline->kind))}};
}

json summary_json(const mock_org::ground_truth& truth) {
  const mock_org::ground_truth::summary s = truth.summarize();
  json sum;
  sum["orgs"] = truth.size();
  sum["upgraded"] = s.upgraded;
  sum["failed"] = s.failed;
  sum["broken"] = s.broken;
  sum["untouched"] = s.untouched;
  sum["users_disrupted"] = s.users_disrupted;
  sum["failed_by_type"] = counts_by_name<mock_org::error_type>(s.failed_by_type);
  sum["broken_by_cause"] = counts_by_name<mock_org::break_cause>(s.broken_by_cause);
  return sum;
}

json org_row(const world& w, mock_org::org_index i, const mock_org::org_truth& t,
             std::optional<time_point> non_compliant_from) {
  json r;
  r["org"] = w.platform->orgs().key(i).str18();
  r["state"] = std::string(mock_org::to_string(t.st));
  if (t.st == mock_org::org_truth::state::failed) {
    r["error_type"] = std::string(mock_org::to_string(t.error));
  }
  if (t.st == mock_org::org_truth::state::broken) {
    r["cause"] = std::string(mock_org::to_string(t.cause));
    r["severity"] = std::string(mock_org::to_string(t.sev));
  }
  r["version_before"] = version_text(w, t.version_before);
  r["version_after"] = version_text(w, t.version_after);
  r["attempts"] = t.attempts;
  r["active_users"] = t.active_users;
  if (t.last_job != 0) {
    r["last_job"] = mock_org::platform::job_id_string(t.last_job);
    r["time"] = format_iso8601(from_us(t.time_us));
  }
  if (t.integration_stopped_us >= 0) r["integration_stopped_at"] = format_iso8601(from_us(t.integration_stopped_us));
  if (non_compliant_from) r["out_of_compliance_from"] = format_iso8601(*non_compliant_from);
  return r;
}

}  // namespace

json truth_json(const world& w) {
  const mock_org::ground_truth& truth = w.platform->truth();
  json rows = json::array();
  std::uint64_t stopped = 0, non_compliant = 0;
  for (mock_org::org_index i = 0; i < truth.size(); ++i) {
    const mock_org::org_truth& t = truth.at(i);
    const std::optional<time_point> from = out_of_compliance_from(w, i, t);
    stopped += t.integration_stopped_us >= 0 ? 1 : 0;
    non_compliant += from ? 1 : 0;
    const bool touched = t.st != mock_org::org_truth::state::untouched || t.attempts != 0;
    if (touched || t.integration_stopped_us >= 0 || from) {
      rows.push_back(org_row(w, i, t, from));
    }
  }
  json out;
  out["sim_time"] = format_iso8601(w.sim->now());
  out["deadline"] = deadline_json(w);
  out["summary"] = summary_json(truth);
  out["summary"]["integration_stopped"] = stopped;
  out["summary"]["out_of_compliance"] = non_compliant;
  out["orgs"] = std::move(rows);
  out["digest"] = truth.digest();
  return out;
}

}  // namespace pushsim::harness
