#include "pushsim/harness/truth_json.hpp"

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

json org_row(const world& w, mock_org::org_index i, const mock_org::org_truth& t) {
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
  return r;
}

}  // namespace

json truth_json(const world& w) {
  const mock_org::ground_truth& truth = w.platform->truth();
  json rows = json::array();
  for (mock_org::org_index i = 0; i < truth.size(); ++i) {
    const mock_org::org_truth& t = truth.at(i);
    if (t.st != mock_org::org_truth::state::untouched || t.attempts != 0) {
      rows.push_back(org_row(w, i, t));
    }
  }
  json out;
  out["sim_time"] = format_iso8601(w.sim->now());
  out["summary"] = summary_json(truth);
  out["orgs"] = std::move(rows);
  out["digest"] = truth.digest();
  return out;
}

}  // namespace pushsim::harness
