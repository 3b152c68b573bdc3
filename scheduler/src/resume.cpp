// The executor's resume: take over what the journal says (halt, orgs refused), then reconcile with the API before
// anything else happens. Every request for the target version and every job of those requests (and of the
// requests the journal names) is read back; each org's job is adopted, each request goes back to its slot (by id,
// or by its start for a create whose result was lost), and an orphan request without jobs is canceled. No org
// gets a second job.

#include "executor_state.hpp"

namespace pushsim::scheduler::detail {

void executor_state::begin_resume(const journal_state& state) {
  resume_from = state;
  reconciling = true;
  last_call_id = std::max(last_call_id, state.last_call_id);
  if (state.halted) {
    halted = true;
    halt_reason = state.halt_reason;
  }
  for (const auto& [key, reason] : state.excluded_orgs) {
    if (const auto o = find_org(key)) set_final(*o, org_final_state::excluded, reason);
  }
}

void executor_state::start_reconcile(time_point now) {
  reconcile_started = true;
  issue(call_for(purpose::reconcile_requests, no_slot, query_requests_for_version{cfg.version_id}), now);
}

void executor_state::on_recon_requests(const requests_page& p, time_point now) {
  for (const auto& r : p.rows) recon_requests[r.id] = r;
  if (!p.next_locator.empty()) {
    issue(call_for(purpose::reconcile_requests, no_slot, query_more{p.next_locator, query_kind::requests, false}), now);
    return;
  }
  issue_recon_job_queries(now);
  if (recon_jobs_pending == 0) apply_reconciliation(now);
}

// The jobs of every request the API or the journal knows, ids_per_query request ids per query.
void executor_state::issue_recon_job_queries(time_point now) {
  std::set<std::string> ids;
  for (const auto& [id, r] : recon_requests) ids.insert(id);
  for (const auto& id : resume_from.request_ids) {
    if (!id.empty()) ids.insert(id);
  }
  std::vector<std::string> chunk;
  auto flush = [&] {
    if (chunk.empty()) return;
    call_ctx c = call_for(purpose::reconcile_jobs, no_slot, query_jobs{std::move(chunk), {}, false, std::nullopt});
    chunk.clear();
    ++recon_jobs_pending;
    issue(std::move(c), now);
  };
  for (const auto& id : ids) {
    chunk.push_back(id);
    if (chunk.size() >= cfg.ids_per_query) flush();
  }
  flush();
}

void executor_state::on_recon_jobs(const jobs_page& p, time_point now) {
  recon_jobs.insert(recon_jobs.end(), p.rows.begin(), p.rows.end());
  if (!p.next_locator.empty()) {
    issue(call_for(purpose::reconcile_jobs, no_slot, query_more{p.next_locator, query_kind::jobs, false}), now);
    return;
  }
  if (--recon_jobs_pending == 0) apply_reconciliation(now);
}

// Slot si takes over request_id (status as the API reports it): reserve its orgs against the caps, then add the
// rest of its jobs (Created) or monitor it (already activated).
void executor_state::adopt(std::uint32_t si, const std::string& request_id, const std::string& status,
                           std::optional<time_point> sched, time_point now) {
  auto& s = slots[si];
  s.request_id = request_id;
  s.scheduled_start = sched.value_or(s.start);
  requests_created.push_back(request_id);
  known_requests.insert(request_id);
  reserve_adopted(si);
  active.insert(si);
  if (!waves[s.wave_idx].first_start) waves[s.wave_idx].first_start = now;
  if (status == "Created") {
    adopt_created(si);
    return;
  }
  // Already activated: anything of this slot not in the request gets a later slot, never forgotten.
  if (si < input_slots) move_unpushed_to_retry(si, now);
  s.ever_active = status != "Pending";
  start_monitoring(si, now);
  s.next_poll = now;
}

void executor_state::reserve_adopted(std::uint32_t si) {
  std::map<std::uint32_t, std::int64_t> need;
  for (auto o : slots[si].orgs) {
    if (orgs[o].slot == si) ++need[orgs[o].instance];
  }
  reserve(slots[si], std::move(need));
}

// A request still Created: its orgs without a job are added to it (or it is canceled after a halt).
void executor_state::adopt_created(std::uint32_t si) {
  auto& s = slots[si];
  s.ph = phase::adding;
  for (auto o : s.orgs) {
    if (orgs[o].state == org_final_state::pending && (orgs[o].slot == si || orgs[o].slot == no_slot)) {
      orgs[o].slot = si;
      s.to_add.push_back(o);
    }
  }
  if (halted) {
    s.cancel_wanted = true;
    s.cancel_reason = "halted: " + halt_reason;
  }
}

void executor_state::move_unpushed_to_retry(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  for (auto o : s.orgs) {
    if (orgs[o].state == org_final_state::pending && orgs[o].slot == si) {
      const auto rs = retry_slot_for(s.wave_idx, s.region, now - cfg.retry.job_retry_delay);
      orgs[o].slot = rs;
      slots[rs].orgs.push_back(o);
    }
  }
}

// Which input slot each request belongs to: the journal's confirmed creates, then requests matched to a create
// without a result by their start (within a second: Salesforce keeps milliseconds).
std::map<std::string, std::uint32_t> executor_state::requests_by_slot() const {
  std::map<std::string, std::uint32_t> req_slot;
  for (const auto& [slot, id] : resume_from.slot_requests) {
    if (slot >= 0 && static_cast<std::size_t>(slot) < input_slots) req_slot[id] = static_cast<std::uint32_t>(slot);
  }
  std::set<std::uint32_t> taken;
  for (const auto& [id, si] : req_slot) taken.insert(si);
  for (const auto& [id, r] : recon_requests) {
    if (req_slot.contains(id) || !r.scheduled_start) continue;
    for (const auto& [slot, start] : resume_from.unconfirmed_creates) {
      const auto diff = start > *r.scheduled_start ? start - *r.scheduled_start : *r.scheduled_start - start;
      if (slot >= 0 && static_cast<std::size_t>(slot) < input_slots && diff < std::chrono::seconds{1} &&
          !taken.contains(static_cast<std::uint32_t>(slot))) {
        req_slot[id] = static_cast<std::uint32_t>(slot);
        taken.insert(static_cast<std::uint32_t>(slot));
        break;
      }
    }
  }
  return req_slot;
}

// Each org's job for the target version (a live one wins over failed ones); every job counts as an attempt.
std::map<std::uint32_t, const job_row*> executor_state::choose_recon_jobs() {
  std::map<std::uint32_t, const job_row*> chosen;
  for (const auto& row : recon_jobs) {
    const auto found = find_org(row.org_key);
    if (!found) continue;
    const auto o = *found;
    ++orgs[o].attempts;
    auto& c = chosen[o];
    if (c == nullptr || (c->status == "Failed" && row.status != "Failed")) c = &row;
  }
  return chosen;
}

void executor_state::apply_reconciliation(time_point now) {
  reconciling = false;
  const auto req_slot = requests_by_slot();
  std::map<std::string, std::int64_t> jobs_per_request;
  std::map<std::string, std::vector<std::uint32_t>> by_request;
  for (const auto& [o, row] : choose_recon_jobs()) {
    by_request[row->request_id].push_back(o);
    set_job_id(o, row->id);
    orgs[o].state = org_final_state::in_flight;
    ++jobs_per_request[row->request_id];
  }
  std::set<std::string> all_ids;
  for (const auto& [id, r] : recon_requests) all_ids.insert(id);
  for (const auto& [id, v] : by_request) all_ids.insert(id);
  for (const auto& id : all_ids) {
    const auto rit = recon_requests.find(id);
    const std::string status = rit != recon_requests.end() ? rit->second.status : "Pending";
    const auto sched = rit != recon_requests.end() ? rit->second.scheduled_start : std::nullopt;
    const auto& members = by_request[id];
    std::optional<std::uint32_t> si;
    if (const auto it = req_slot.find(id); it != req_slot.end()) {
      si = it->second;
      take_back_members(*si, members);
    } else if (!members.empty()) {
      si = slot_for_unplanned_request(members, sched, now);
    } else if (status == "Created") {
      cancel_orphan(id, now);
    }
    if (!si) continue;
    slots[*si].jobs = jobs_per_request[id];
    adopt(*si, id, status, sched, now);
  }
}

void executor_state::take_back_members(std::uint32_t si, const std::vector<std::uint32_t>& members) {
  for (auto o : members) {
    if (orgs[o].slot != si) slots[si].orgs.push_back(o);
    orgs[o].slot = si;
  }
}

// A request with jobs that no input slot claims (a re-push slot of the interrupted run): a slot of its own.
std::uint32_t executor_state::slot_for_unplanned_request(const std::vector<std::uint32_t>& members,
                                                         std::optional<time_point> sched, time_point now) {
  slot_rec s;
  s.wave_idx = orgs[members.front()].wave_idx;
  s.region = orgs[members.front()].region;
  s.retry = true;
  s.orgs = members;
  s.start = sched.value_or(now);
  slots.push_back(std::move(s));
  const auto si = static_cast<std::uint32_t>(slots.size() - 1);
  ++waves[slots[si].wave_idx].open;
  ++waves[slots[si].wave_idx].regions[slots[si].region].open;
  for (auto o : members) orgs[o].slot = si;
  return si;
}

// An orphan from a create whose result was lost: it has no jobs; cancel it.
void executor_state::cancel_orphan(const std::string& request_id, time_point now) {
  slot_rec s;
  s.wave_idx = 0;
  s.retry = true;
  s.request_id = request_id;
  s.cancel_reason = "orphan request from an interrupted run";
  slots.push_back(std::move(s));
  ++waves[0].open;
  ++waves[0].regions[0].open;
  const auto osi = static_cast<std::uint32_t>(slots.size() - 1);
  active.insert(osi);
  start_cancel(osi, now);
  requests_created.push_back(request_id);
}

}  // namespace pushsim::scheduler::detail
