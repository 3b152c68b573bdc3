// The executor's monitoring of activated requests: adaptive status polls (one GROUP BY PackagePushRequestId,
// Status query answers every request due, up to poll_batch_max of them),
// reads of failed jobs with their errors (incremental, bounded by the EndTime watermark), stuck-job detection,
// and the end of a request once every failure is known.

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "executor_state.hpp"

namespace pushsim::scheduler::detail {

void executor_state::start_monitoring(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  s.ph = phase::monitoring;
  s.interval = cfg.polling.min_interval;
  s.next_poll = std::max(now + cfg.polling.min_interval, s.scheduled_start);
}

void executor_state::drive_monitoring(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  if (halted && !s.ever_active && !s.cancel_tried && !s.poll_in_flight && !s.fetch_in_flight) {
    if (s.cancel_reason.empty()) s.cancel_reason = "halted: " + halt_reason;
    start_cancel(si, now);
  }
}

namespace {

// A monitored request with no status poll and no read of its jobs in flight.
bool pollable(const slot_rec& s) { return s.ph == phase::monitoring && !s.poll_in_flight && !s.fetch_in_flight; }

// Request ids one status poll covers at most: 150 quoted 18-character ids keep the WHERE clause under the
// 4,000 characters Salesforce accepts, and 150 x 6 statuses stay under an aggregate query's 2,000 rows.
constexpr std::size_t poll_batch_max = 150;

}  // namespace

void executor_state::want_polls(wake_up& wake) const {
  for (auto si : active) {
    const auto& s = slots[si];
    if (pollable(s)) wake.want(s.next_poll);
  }
}

// When any monitored request is due, one query polls it together with every other request due within the
// shortest poll interval: no request is polled later than its own schedule, and requests fall into step.
void executor_state::issue_due_polls(time_point now) {
  const bool any_due = std::any_of(active.begin(), active.end(),
                                   [&](std::uint32_t si) { return pollable(slots[si]) && slots[si].next_poll <= now; });
  if (!any_due) return;
  std::vector<std::uint32_t> batch;
  for (const std::uint32_t si : active) {
    if (!pollable(slots[si]) || slots[si].next_poll > now + cfg.polling.min_interval) continue;
    batch.push_back(si);
    if (batch.size() == poll_batch_max) issue_poll(std::exchange(batch, {}), now);
  }
  if (!batch.empty()) issue_poll(std::move(batch), now);
}

void executor_state::issue_poll(std::vector<std::uint32_t> batch, time_point now) {
  query_request_status_counts q;
  q.request_ids.reserve(batch.size());
  for (const std::uint32_t si : batch) {
    slots[si].poll_in_flight = true;
    q.request_ids.push_back(slots[si].request_id);
  }
  call_ctx c = call_for(purpose::poll_counts, no_slot, std::move(q));
  c.batch = std::move(batch);
  issue(std::move(c), now);
}

void executor_state::issue_fetch(std::uint32_t si, std::vector<std::string> statuses, bool with_errors, purpose p,
                                 bool final, time_point now, std::optional<time_point> ended_at_or_after) {
  auto& s = slots[si];
  if (p == purpose::fetch_jobs) {
    s.fetch_in_flight = true;
    s.pending_watermark.reset();
  }
  call_ctx c = call_for(p, si, query_jobs{{s.request_id}, std::move(statuses), with_errors, ended_at_or_after});
  c.final = final;
  c.incremental = ended_at_or_after.has_value();
  issue(std::move(c), now);
}

namespace {

// The index of a Status value in status_counts, or nullopt for a status the scheduler does not count.
std::optional<std::size_t> status_index(const std::string& status) {
  static constexpr std::array<const char*, 6> names{"Created",   "Pending", "InProgress",
                                                    "Succeeded", "Failed",  "Canceled"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (status == names[i]) return i;
  }
  if (status == "In Progress") return n_in_progress;
  return std::nullopt;
}

// Job counts by request id; the rows without a request id (a one-request poll) under the empty id.
std::map<std::string_view, status_counts> counts_by_request(const status_counts_page& p) {
  std::map<std::string_view, status_counts> by_request;
  for (const auto& row : p.rows) {
    const auto i = status_index(row.status);
    if (!i) continue;
    auto [it, fresh] = by_request.try_emplace(row.request_id);
    if (fresh) it->second.fill(0);
    it->second[*i] += row.count;
  }
  return by_request;
}

// One request's counts from counts_by_request (zero when no row names it).
status_counts counts_of(const std::map<std::string_view, status_counts>& by_request, const std::string& request_id) {
  status_counts c{0, 0, 0, 0, 0, 0};
  for (const std::string_view id : {std::string_view{request_id}, std::string_view{}}) {
    const auto it = by_request.find(id);
    if (it == by_request.end()) continue;
    for (std::size_t i = 0; i < c.size(); ++i) c[i] += it->second[i];
  }
  return c;
}

}  // namespace

void executor_state::on_status_counts(const call_ctx& ctx, const status_counts_page& p, time_point now) {
  const auto by_request = counts_by_request(p);
  for (const std::uint32_t si : ctx.batch) {
    slots[si].poll_in_flight = false;
    if (slots[si].ph == phase::monitoring) on_request_counts(si, counts_of(by_request, slots[si].request_id), now);
  }
}

void executor_state::on_request_counts(std::uint32_t si, const status_counts& c, time_point now) {
  auto& s = slots[si];
  const bool changed = c != s.last_counts;
  s.last_counts = c;
  tally.add_succeeded(c[n_succeeded] - s.last_succeeded);
  s.last_succeeded = c[n_succeeded];
  const std::int64_t active_jobs = c[n_created] + c[n_pending] + c[n_in_progress];
  const std::int64_t total = active_jobs + c[n_succeeded] + c[n_failed] + c[n_canceled];
  if (c[n_in_progress] + c[n_succeeded] + c[n_failed] > 0) s.ever_active = true;
  // An early poll (batched with a due one) that saw nothing new does not stretch the interval: batching must
  // never make a request's polls sparser than its own schedule would.
  const bool due = now >= s.next_poll;
  if (changed) {
    s.interval = cfg.polling.min_interval;
  } else if (due) {
    s.interval = std::min(s.interval * 2, cfg.polling.max_interval);
  }
  check_gates(now);
  s.stable_idle_polls = (active_jobs == 0 && !changed) ? s.stable_idle_polls + 1 : 0;
  // Finished: every job we know of is final (or nothing has moved for three polls with none active, which
  // covers a job count we over-estimated).
  if (active_jobs == 0 && (total >= s.jobs || s.stable_idle_polls >= 3)) {
    if (!s.fetch_in_flight) read_final_failures(si, c, now);
    return;
  }
  if (c[n_failed] > s.failed_fetched && !s.fetch_in_flight) {
    s.failed_fetched = c[n_failed];
    issue_fetch(si, {"Failed"}, true, purpose::fetch_jobs, false, now, s.failed_watermark);
  }
  if (c[n_in_progress] > 0 && now >= s.next_stuck_check && now >= s.scheduled_start + cfg.stuck_after) {
    s.next_stuck_check = now + cfg.stuck_after;
    issue_fetch(si, {"InProgress"}, false, purpose::fetch_stuck, false, now);
  }
  s.next_poll = now + s.interval;
}

void executor_state::read_final_failures(std::uint32_t si, const status_counts& c, time_point now) {
  auto& s = slots[si];
  if (c[n_canceled] == 0 && c[n_failed] == s.failed_applied) {
    finish_monitored(si, now);  // every failure is known already: the other jobs succeeded
  } else if (c[n_canceled] == 0 && s.failed_watermark) {
    // Only failures remain to be read: those that ended since the last read, checked against the count.
    s.final_failed_expected = c[n_failed];
    issue_fetch(si, {"Failed"}, true, purpose::fetch_jobs, true, now, s.failed_watermark);
  } else {
    issue_fetch(si, {"Failed", "Canceled"}, true, purpose::fetch_jobs, true, now);
  }
}

void executor_state::apply_job_row(std::uint32_t si, const job_row& row, time_point now) {
  const auto found = find_org(row.org_key);
  if (!found) return;
  const auto o = *found;
  auto& r = orgs[o];
  if (r.slot != si || r.state != org_final_state::in_flight) return;
  if (const std::string_view id = job_id(o); !id.empty() && id != row.id) return;
  set_job_id(o, row.id);
  if (row.status == "Canceled") {
    const auto& why = slots[si].cancel_reason;
    set_final(o, org_final_state::canceled, why.empty() ? "job canceled" : why);
    return;
  }
  if (row.status == "Failed") apply_job_failure(si, o, row, now);
}

// A transient failure with pushes left re-pushes the org in a later slot; any other failure is final.
void executor_state::apply_job_failure(std::uint32_t si, std::uint32_t o, const job_row& row, time_point now) {
  ++slots[si].failed_applied;
  std::string type = row.errors.empty() ? "UnclassifiedError" : row.errors.front().type;
  std::string msg = row.errors.empty() ? std::string{} : row.errors.front().message;
  for (std::size_t i = 1; i < row.errors.size(); ++i) msg += " | " + row.errors[i].message;
  auto& r = orgs[o];
  const bool transient = transient_types.contains(type);
  if (transient && r.attempts < cfg.retry.job_attempts_max && !halted) {
    const auto rs = retry_slot_for(slots[si].wave_idx, slots[si].region, now);
    r.state = org_final_state::pending;
    r.slot = rs;
    set_job_id(o, {});
    set_error_type(o, type);
    set_message(o, msg);
    slots[rs].orgs.push_back(o);
    return;
  }
  set_final(o, org_final_state::failed, std::move(msg), type);
  tally.add_failed(type, transient);
}

void executor_state::on_jobs_page(call_ctx& ctx, const jobs_page& p, time_point now) {
  if (ctx.p == purpose::fetch_stuck) {
    note_stuck_jobs(ctx.slot, p.rows, now);
  } else {
    apply_job_rows(ctx, p.rows, now);
  }
  if (!p.next_locator.empty()) {
    issue_next_jobs_page(ctx, p.next_locator, now);
  } else if (ctx.p == purpose::fetch_jobs) {
    end_fetch(ctx, now);
  }
}

void executor_state::note_stuck_jobs(std::uint32_t si, const std::vector<job_row>& rows, time_point now) {
  const auto& s = slots[si];
  for (const auto& row : rows) {
    if (row.status != "InProgress" && row.status != "In Progress") continue;
    const time_point began = row.start_time.value_or(s.scheduled_start);
    if (now - began >= cfg.stuck_after && stuck_ids.insert(row.id).second) {
      stuck.push_back({row.id, s.request_id, row.org_key, row.start_time, now});
    }
  }
}

void executor_state::apply_job_rows(const call_ctx& ctx, const std::vector<job_row>& rows, time_point now) {
  auto& s = slots[ctx.slot];
  // A page's rows name orgs far apart: the index entry of the row 8 ahead and the record of the row 4 ahead are
  // fetched into cache while this one is applied.
  constexpr std::size_t index_ahead = 8, org_ahead = 4;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (k + index_ahead < rows.size()) prefetch_org_index(rows[k + index_ahead].org_key);
    if (k + org_ahead < rows.size()) prefetch_org(rows[k + org_ahead].org_key);
    const auto& row = rows[k];
    if (ctx.p == purpose::fetch_jobs && row.status == "Failed" && row.end_time &&
        (!s.pending_watermark || *row.end_time > *s.pending_watermark)) {
      s.pending_watermark = row.end_time;
    }
    apply_job_row(ctx.slot, row, now);
  }
  check_gates(now);
}

void executor_state::issue_next_jobs_page(const call_ctx& ctx, const std::string& locator, time_point now) {
  const bool errs = std::get_if<query_jobs>(&ctx.call) ? std::get<query_jobs>(ctx.call).with_errors
                                                       : std::get<query_more>(ctx.call).with_errors;
  call_ctx c = call_for(ctx.p, ctx.slot, query_more{locator, query_kind::jobs, errs});
  c.final = ctx.final;
  c.incremental = ctx.incremental;
  issue(std::move(c), now);
}

void executor_state::end_fetch(const call_ctx& ctx, time_point now) {
  auto& s = slots[ctx.slot];
  s.fetch_in_flight = false;
  // The whole answer has been read (every page): the watermark may move. A partly read answer must not
  // move it, since pages are in Id order, not EndTime order.
  if (s.pending_watermark && (!s.failed_watermark || *s.pending_watermark > *s.failed_watermark)) {
    s.failed_watermark = s.pending_watermark;
  }
  s.pending_watermark.reset();
  if (!ctx.final) return;
  if (ctx.incremental && s.failed_applied != s.final_failed_expected) {
    // The bounded read did not account for every failure the counts showed: read them all.
    issue_fetch(ctx.slot, {"Failed", "Canceled"}, true, purpose::fetch_jobs, true, now);
    return;
  }
  finish_monitored(ctx.slot, now);
}

// A monitored request is over and every failed or canceled job has been applied: its other orgs upgraded.
void executor_state::finish_monitored(std::uint32_t si, time_point now) {
  for (auto o : slots[si].orgs) {
    auto& r = orgs[o];
    if (r.slot == si && r.state == org_final_state::in_flight) {
      r.state = org_final_state::upgraded;
      set_message(o, {});
      r.error_type = 0;
    }
  }
  finish_slot(si, now);
}

}  // namespace pushsim::scheduler::detail
