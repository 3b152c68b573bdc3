#pragma once
// Test-only: an in-memory push API that answers typed calls with Salesforce's rules (all-or-nothing composite
// tree, DUPLICATE_VALUE within a request, ineligible orgs, Cancel only from Created/Pending), runs jobs on the
// caller's clock, pages queries, and lets a test inject errors per call. Plus a driver loop for the executor.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pushsim/scheduler/api_call.hpp"
#include "pushsim/scheduler/executor.hpp"

namespace pushsim::scheduler::testing {

// How one org behaves: eligibility and, per push attempt, the job outcome.
struct fake_org {
  bool valid = true;
  std::string ineligible;  // non-empty: refused with this message
  // Outcome per attempt (1st job, 2nd job, ...); past the end: success. Empty type = success.
  std::vector<std::string> fail_types;
  bool stuck = false;                    // stays InProgress forever
  std::optional<duration> job_duration;  // this org's job time (default: the API's job_duration)
  duration reported_end_shift{0};        // EndTime as reported minus the true end (a server clock skew)
};

class fake_push_api {
 public:
  struct request {
    std::string id, version, status;
    time_point scheduled_start;
    std::vector<std::size_t> jobs;
  };
  struct job {
    std::string id, request_id, org_key, status;
    std::optional<time_point> start, end;
    std::vector<job_error> errors;
  };

  std::map<std::string, fake_org> orgs;  // unknown keys behave as valid, eligible, succeeding orgs
  std::set<std::string> invalid_keys;
  duration job_duration{std::chrono::minutes{5}};
  std::size_t page_size = 2000;
  // Called before every call; a returned error is answered instead (the call has no effect), unless
  // apply_then_fail is set: then the call takes effect and the error is answered (a lost response).
  std::function<std::optional<api_error>(const api_call&, std::int64_t call_no)> inject;
  bool apply_then_fail = false;

  std::vector<request> requests;
  std::vector<job> jobs;
  std::int64_t calls = 0;
  std::map<std::string, std::int64_t> calls_by_endpoint;
  std::int64_t job_rows_answered = 0;  // rows of every job query, all pages

  api_result handle(const api_call& call, time_point now) {
    advance(now);
    ++calls;
    ++calls_by_endpoint[endpoint_name(call)];
    if (inject) {
      if (auto e = inject(call, calls)) {
        if (apply_then_fail) (void)apply(call, now);
        return *e;
      }
    }
    return apply(call, now);
  }

  // Runs the platform up to now: Pending requests start at their start time, jobs finish after job_duration.
  void advance(time_point now) {
    for (auto& r : requests) {
      if (r.status == "Pending" && r.scheduled_start <= now) {
        r.status = "InProgress";
        for (auto j : r.jobs) {
          jobs[j].status = "InProgress";
          jobs[j].start = r.scheduled_start;
        }
      }
      if (r.status != "InProgress") continue;
      bool all_done = true, any_failed = false;
      for (auto j : r.jobs) {
        auto& jb = jobs[j];
        const duration took = org(jb.org_key).job_duration.value_or(job_duration);
        if (jb.status == "InProgress" && now >= *jb.start + took && !org(jb.org_key).stuck) {
          jb.end = *jb.start + took + org(jb.org_key).reported_end_shift;
          const int attempt = attempts_before(jb);
          const auto& f = org(jb.org_key).fail_types;
          if (attempt < static_cast<int>(f.size()) && !f[static_cast<std::size_t>(attempt)].empty()) {
            jb.status = "Failed";
            jb.errors.push_back({"Error", f[static_cast<std::size_t>(attempt)], "Upgrade failed",
                                 "failure " + f[static_cast<std::size_t>(attempt)] + " for " + jb.org_key});
          } else {
            jb.status = "Succeeded";
          }
        }
        if (jb.status == "InProgress") all_done = false;
        if (jb.status == "Failed") any_failed = true;
      }
      if (all_done) r.status = any_failed ? "Failed" : "Succeeded";
    }
  }

  // Jobs per org (any status) for one version.
  std::map<std::string, int> jobs_per_org() const {
    std::map<std::string, int> m;
    for (const auto& j : jobs) ++m[j.org_key];
    return m;
  }

 private:
  std::map<std::string, std::vector<std::vector<job_row>>> pages_;  // unused placeholder
  std::map<std::string, api_result> locators_;
  std::int64_t next_locator_ = 0;

  const fake_org& org(const std::string& key) const {
    static const fake_org dflt;
    auto it = orgs.find(key);
    return it == orgs.end() ? dflt : it->second;
  }

  int attempts_before(const job& jb) const {
    int n = 0;
    for (const auto& j : jobs) {
      if (&j == &jb) break;
      if (j.org_key == jb.org_key) ++n;
    }
    return n;
  }

  static api_error error(int status, std::string code, std::string msg) {
    api_error e;
    e.http_status = status;
    e.error_code = std::move(code);
    e.message = std::move(msg);
    e.kind = api_error::kind_t::permanent;
    return e;
  }

  request* find_request(const std::string& id) {
    for (auto& r : requests) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }

  std::optional<job_outcome> check_record(const request& r, const std::string& key,
                                          const std::set<std::string>& in_batch) {
    job_outcome o;
    o.org_key = key;
    if (invalid_keys.contains(key) || !org(key).valid) {
      o.kind = job_outcome::kind_t::invalid_key;
      o.error_code = "INVALID_ID_FIELD";
      o.message = "invalid SubscriberOrganizationKey";
      return o;
    }
    if (!org(key).ineligible.empty()) {
      o.kind = job_outcome::kind_t::ineligible;
      o.error_code = "INVALID_OPERATION";
      o.message = org(key).ineligible;
      return o;
    }
    bool dup = in_batch.contains(key);
    for (auto j : r.jobs) dup = dup || jobs[j].org_key == key;
    if (dup) {
      o.kind = job_outcome::kind_t::duplicate;
      o.error_code = "DUPLICATE_VALUE";
      o.message = "duplicate value found: SubscriberOrganizationKey";
      return o;
    }
    return std::nullopt;
  }

  std::string add_job(request& r, const std::string& key) {
    job jb;
    jb.id = "0DX" + std::to_string(jobs.size() + 1);
    jb.request_id = r.id;
    jb.org_key = key;
    jb.status = "Created";
    jobs.push_back(jb);
    r.jobs.push_back(jobs.size() - 1);
    return jb.id;
  }

  template <class Page, class Row>
  api_result paged(std::vector<Row> rows, Page proto) {
    Page p = proto;
    if (rows.size() <= page_size) {
      p.rows = std::move(rows);
      return p;
    }
    Page rest = proto;
    rest.rows.assign(rows.begin() + static_cast<std::ptrdiff_t>(page_size), rows.end());
    rows.resize(page_size);
    p.rows = std::move(rows);
    const std::string loc = "/services/data/v60.0/query/01g" + std::to_string(++next_locator_) + "-2000";
    p.next_locator = loc;
    // The remaining rows become the next page (paged again if still too long).
    std::vector<Row> remaining = std::move(rest.rows);
    locators_[loc] = paged(std::move(remaining), proto);
    return p;
  }

  api_result apply(const api_call& call, time_point now) {
    if (const auto* c = std::get_if<create_push_request>(&call)) {
      request r;
      r.id = "0DV" + std::to_string(requests.size() + 1);
      r.version = c->version_id;
      r.status = "Created";
      r.scheduled_start = std::chrono::floor<std::chrono::milliseconds>(c->scheduled_start);
      requests.push_back(r);
      return request_created{r.id};
    }
    if (const auto* c = std::get_if<add_jobs>(&call)) {
      request* r = find_request(c->request_id);
      if (r == nullptr) return error(404, "NOT_FOUND", "no such request");
      if (r->status != "Created") return error(400, "INVALID_OPERATION", "request is not Created");
      jobs_added out;
      std::set<std::string> in_batch;
      if (c->mode == job_creation_mode::composite_tree) {
        bool any_error = false;
        for (const auto& key : c->org_keys) {
          auto bad = check_record(*r, key, in_batch);
          in_batch.insert(key);
          if (bad) {
            any_error = true;
            out.outcomes.push_back(*bad);
          } else {
            job_outcome o;
            o.org_key = key;
            o.kind = job_outcome::kind_t::not_processed;
            out.outcomes.push_back(o);
          }
        }
        if (!any_error) {
          for (auto& o : out.outcomes) {
            o.kind = job_outcome::kind_t::created;
            o.job_id = add_job(*r, o.org_key);
          }
        }
        return out;
      }
      for (const auto& key : c->org_keys) {
        auto bad = check_record(*r, key, in_batch);
        in_batch.insert(key);
        if (bad) {
          out.outcomes.push_back(*bad);
        } else {
          job_outcome o;
          o.org_key = key;
          o.job_id = add_job(*r, key);
          out.outcomes.push_back(o);
        }
      }
      return out;
    }
    if (const auto* c = std::get_if<patch_request_status>(&call)) {
      request* r = find_request(c->request_id);
      if (r == nullptr) return error(404, "NOT_FOUND", "no such request");
      if (c->status == "Pending" && r->status == "Created") {
        r->status = "Pending";
        for (auto j : r->jobs) jobs[j].status = "Pending";
        advance(now);
        return status_patched{};
      }
      if (c->status == "Canceled" && (r->status == "Created" || r->status == "Pending")) {
        r->status = "Canceled";
        for (auto j : r->jobs) jobs[j].status = "Canceled";
        return status_patched{};
      }
      return error(400, "INVALID_OPERATION", "cannot move " + r->status + " to " + c->status);
    }
    if (const auto* c = std::get_if<query_request_status_counts>(&call)) {
      status_counts_page p;
      for (const auto& id : c->request_ids) {
        std::map<std::string, std::int64_t> counts;
        if (request* r = find_request(id)) {
          for (auto j : r->jobs) ++counts[jobs[j].status];
        }
        for (const auto& [st, n] : counts) p.rows.push_back({id, st, n});
      }
      return p;
    }
    if (const auto* c = std::get_if<query_jobs>(&call)) {
      std::vector<job_row> rows;
      for (const auto& id : c->request_ids) {
        request* r = find_request(id);
        if (r == nullptr) continue;
        for (auto j : r->jobs) {
          const auto& jb = jobs[j];
          if (!c->statuses.empty() &&
              std::find(c->statuses.begin(), c->statuses.end(), jb.status) == c->statuses.end()) {
            continue;
          }
          if (c->ended_at_or_after && (!jb.end || *jb.end < *c->ended_at_or_after)) continue;
          job_row row{jb.id, jb.request_id, jb.org_key, jb.status, jb.start, jb.end, {}};
          if (c->with_errors) row.errors = jb.errors;
          rows.push_back(std::move(row));
        }
      }
      job_rows_answered += static_cast<std::int64_t>(rows.size());
      return paged(std::move(rows), jobs_page{});
    }
    if (const auto* c = std::get_if<query_requests_for_version>(&call)) {
      std::vector<request_row> rows;
      for (const auto& r : requests) {
        if (r.version == c->version_id) rows.push_back({r.id, r.status, r.scheduled_start});
      }
      return paged(std::move(rows), requests_page{});
    }
    if (const auto* c = std::get_if<query_more>(&call)) {
      auto it = locators_.find(c->locator);
      if (it == locators_.end()) return error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
      return it->second;
    }
    return error(400, "NOT_SUPPORTED", "fake API does not answer this call");
  }
};

// Runs a sans-I/O core (an executor or a rollout: anything with on_time / on_result / done) against the fake
// API until done (or max_steps wake-ups). Calls are answered at once, in the order they were handed out. This is
// the one typed loop of the scheduler's tests; over REST, tests use scheduler::rest::driver with a scripted
// transport (tests/scheduler/rest/driver_test.cpp).
template <class Core>
struct basic_fake_driver {
  basic_fake_driver(Core& c, fake_push_api& a, time_point start) : ex(c), api(a), now(start) {}
  Core& ex;
  fake_push_api& api;
  time_point now;
  // Called before each call is answered; return false to stop the run there (simulated crash).
  std::function<bool()> keep_going = [] { return true; };
  bool stopped = false;

  // Calls handed out and not answered yet (after a stop: the calls that were in flight at the "crash").
  std::deque<outgoing_call> unanswered;

  void feed(executor_output out, std::optional<time_point>& wake) {
    for (auto& c : out.calls) unanswered.push_back(std::move(c));
    wake = out.wake_at;
  }

  // Returns the number of wake-ups used.
  int run(int max_steps = 100000) {
    std::optional<time_point> wake;
    feed(ex.on_time(now), wake);
    int steps = 0;
    while (steps < max_steps) {
      while (!unanswered.empty()) {
        if (!keep_going()) {
          stopped = true;
          return steps;
        }
        auto c = std::move(unanswered.front());
        unanswered.pop_front();
        auto res = api.handle(c.call, now);
        feed(ex.on_result(c.id, res, now), wake);
      }
      if (!keep_going()) {
        stopped = true;
        return steps;
      }
      if (ex.done()) break;
      if (!wake) break;
      now = std::max(now, *wake);
      ++steps;
      api.advance(now);
      feed(ex.on_time(now), wake);
    }
    return steps;
  }
};
using fake_driver = basic_fake_driver<executor>;

}  // namespace pushsim::scheduler::testing
