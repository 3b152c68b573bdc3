#include "pushsim/harness/backtest.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "pushsim/base/assert.hpp"
#include "pushsim/harness/backtest_tally.hpp"
#include "pushsim/harness/study.hpp"

namespace pushsim::harness {

namespace {

namespace mo = pushsim::mock_org;

// "0DV...A, 0DV...B and 3 more", or a hint when the history holds no request.
std::string known_requests(const mo::push_history& h) {
  if (h.requests.empty()) return "the history holds no push request: snapshot with --history N";
  constexpr std::size_t shown = 5;
  std::string out = "requests in the history: ";
  for (std::size_t i = 0; i < std::min(shown, h.requests.size()); ++i) out += (i ? ", " : "") + h.requests[i].id.str();
  if (h.requests.size() > shown) out += " and " + std::to_string(h.requests.size() - shown) + " more";
  return out;
}

// The ended jobs of `r` of imported orgs, with what happened; the rest counted as left out.
void add_jobs(const mo::push_history& h, backtest_request& r) {
  const auto errors = h.errors_by_job();
  for (std::size_t j = 0; j < h.jobs.size(); ++j) {
    const mo::push_job_record& job = h.jobs[j];
    if (job.request != r.id) continue;
    if (job.status != mo::push_status::succeeded && job.status != mo::push_status::failed) {
      ++r.jobs_not_ended;
    } else if (!job.org_index) {
      ++r.orgs_not_imported;
    } else {
      backtest_org o{job.org, *job.org_index, job.status == mo::push_status::failed, std::nullopt};
      if (o.failed && !errors[j].empty()) o.error = h.errors[errors[j].front()].type;
      r.failed_without_error += o.failed && !o.error ? 1 : 0;
      r.orgs.push_back(o);
    }
  }
}

// The newest version of `pkg` below `target` (nullopt when none is).
std::optional<mo::version_index> version_below(const mo::package& pkg, mo::version_number target) {
  std::optional<mo::version_index> out;
  for (std::size_t v = 0; v < pkg.versions.size() && pkg.versions[v].number < target; ++v)
    out = static_cast<mo::version_index>(v);
  return out;
}

// Sets orgs of `r` now on the target or newer back to the version below it; returns how many.
std::size_t set_versions_back(mo::population_import& im, const mo::package& pkg, const backtest_request& r) {
  const auto target = pkg.find_version(r.target);
  const auto below = version_below(pkg, r.target);
  if (!target || !below) return 0;
  std::size_t n = 0;
  for (const auto& o : r.orgs) {
    auto& v = im.orgs[o.import_index].installed_version;
    if (!v || *v == mo::not_installed || *v < *target) continue;
    v = *below;
    ++n;
  }
  return n;
}

// "Always fails" as the history before `r` shows it: orgs with an ended job pushed before r's start (r's own
// jobs excluded) are judged on those; the others are drawn.
void judge_always_fails(mo::population_import& im, const backtest_request& r) {
  mo::push_history before;
  before.requests = im.history.requests;
  for (const auto& j : im.history.jobs) {
    const auto t = im.history.push_time(j);
    if (j.request != r.id && t && *t < r.start) before.jobs.push_back(j);
  }
  for (auto& o : im.orgs) o.always_fails.reset();
  for (const auto& o : before.outcomes_by_org()) {
    const auto& index = before.jobs[o.jobs.front()].org_index;
    if (!index) continue;
    im.orgs[*index].always_fails = mo::fails_last_pushes(o.trailing_failures(before), mo::always_fails_last_pushes);
  }
}

// The plan that pushes exactly r's orgs at r's start to r's target: one wave, no windows, gates or retries.
scheduler::plan backtest_plan(const scheduler::plan& base, const backtest_request& r) {
  scheduler::plan p;
  p.name = "backtest of " + r.id.str();
  p.target.version = scheduler::package_version{r.target.major, r.target.minor, r.target.patch};
  p.start = r.start;
  p.seed = base.seed;
  p.poll_interval = base.poll_interval;
  p.job_creation = base.job_creation;
  p.retry = base.retry;
  p.retry.max_attempts = 1;
  scheduler::wave_spec wave;
  wave.name = "request " + r.id.str();
  wave.select.has_org_list = true;
  for (const auto& o : r.orgs) wave.select.org_keys.push_back(o.key.str());
  std::sort(wave.select.org_keys.begin(), wave.select.org_keys.end());  // the planner searches it (plan.hpp)
  p.waves.push_back(std::move(wave));
  return p;
}

}  // namespace

std::variant<backtest_request, std::string> find_backtest_request(const mo::population_import& im,
                                                                  std::string_view id) {
  const auto rid = mo::parse_record_id("0DV", id);
  if (!rid)
    return "--request " + std::string(id) + ": not a PackagePushRequest id (0DV and 12 or 15 letters or digits)";
  const mo::push_request_record* req = im.history.find_request(*rid);
  if (req == nullptr) return "no push request " + rid->str() + " (" + known_requests(im.history) + ")";
  if (!req->version) return "push request " + rid->str() + ": its PackageVersionId is in no MetadataPackageVersion row";
  const auto start = req->scheduled_start ? req->scheduled_start : req->start;
  if (!start) return "push request " + rid->str() + ": neither ScheduledStartTime nor StartTime is known";
  backtest_request r{*rid, *req->version, *start, {}, 0, 0, 0};
  add_jobs(im.history, r);
  if (r.orgs.empty())
    return "push request " + rid->str() + ": no job of an imported org ended (" + std::to_string(r.jobs_not_ended) +
           " not ended, " + std::to_string(r.orgs_not_imported) + " of orgs no subscriber file lists)";
  return r;
}

scenario backtest_scenario(const scenario& base, const mo::population_import& im, const backtest_request& r,
                           std::size_t& orgs_set_back) {
  scenario s = base;
  s.name = "Backtest of push request " + r.id.str() + " (" + base.name + ")";
  s.start = r.start;
  s.expect.clear();
  s.study_expect.clear();
  auto copy = std::make_shared<mo::population_import>(im);
  orgs_set_back = set_versions_back(*copy, s.pkg, r);
  judge_always_fails(*copy, r);
  s.population.orgs.clear();
  s.population.count = copy->orgs.size();
  s.population.imported = std::move(copy);
  s.plan = backtest_plan(base.plan, r);
  s.plan_origin = {"<backtest of " + r.id.str() + ">", ""};
  return s;
}

namespace {

std::vector<type_counts> type_scores(const backtest_request& r, const backtest_tally& tally) {
  std::vector<type_counts> out;
  for (std::size_t t = 0; t < mo::error_type_count; ++t) {
    const auto type = static_cast<mo::error_type>(t);
    std::uint64_t actual = 0;
    for (const auto& o : r.orgs) actual += o.error == type ? 1 : 0;
    auto predicted = tally.failed_counts(type);
    double sum = 0.0;
    for (const double v : predicted) sum += v;
    if (actual > 0 || sum > 0.0) out.push_back({std::string(mo::to_string(type)), actual, std::move(predicted)});
  }
  return out;
}

}  // namespace

backtest_result run_backtest(const scenario& s, const backtest_request& r, const backtest_options& options) {
  backtest_result out;
  std::vector<mo::org_key> keys;
  for (const auto& o : r.orgs) keys.push_back(o.key);
  backtest_tally tally(std::move(keys), 0, options.replications);
  study_options so;
  so.replications = options.replications;
  so.jobs = options.jobs;
  so.inspect = [&](std::uint64_t index, std::size_t, const world& w) { tally.add(index, w); };
  const replication_setup setup{{{s.plan.name, s, "pushsim backtest"}}, s.seed, vary_mode::population};
  auto study = run_study(setup, so);
  out.invariant_violations = std::move(study.invariant_violations);
  out.errors = std::move(study.errors);
  if (!out.errors.empty()) return out;
  std::uint64_t failed = 0;
  for (std::size_t i = 0; i < r.orgs.size(); ++i) {
    out.orgs.push_back({r.orgs[i].key.str(), tally.failure_probability(i), r.orgs[i].failed});
    failed += r.orgs[i].failed ? 1 : 0;
  }
  out.not_pushed_mean = tally.not_pushed_mean();
  out.score = score_backtest(failed, tally.failed_counts(), type_scores(r, tally), out.orgs);
  return out;
}

}  // namespace pushsim::harness
