// The executor's slots (one PackagePushRequest each): start when due and within the caps, create the request, add
// jobs in batches (re-adding the orgs a batch did not take), activate (PATCH Pending) or cancel, and finish with
// every org accounted for. Failed transient jobs gather in one re-push slot per wave and region.

#include <algorithm>

#include "executor_state.hpp"

namespace pushsim::scheduler::detail {

namespace {

// The outcome for the i-th key of a batch: in place, else anywhere in the answer (the last one for that key).
const job_outcome* outcome_of(const jobs_added& r, std::size_t i, const std::string& key) {
  if (i < r.outcomes.size() && r.outcomes[i].org_key == key) return &r.outcomes[i];
  const job_outcome* found = nullptr;
  for (const auto& x : r.outcomes) {
    if (x.org_key == key) found = &x;
  }
  return found;
}

}  // namespace

// ---- starting ---------------------------------------------------------------------------------------------------

void executor_state::start_due_slots(time_point now) {
  // Each region's input slots in (wave, start) order; with a single region this is every slot in order.
  for (std::uint32_t r = 0; r < region_slots.size(); ++r) {
    const auto& list = region_slots[r];
    std::size_t& next = region_next[r];
    while (next < list.size()) {
      auto& s = slots[list[next]];
      if (s.ph != phase::waiting) {
        ++next;
        continue;
      }
      if (s.wave_idx > allowed_in(r)) break;
      if (now < s.start - cfg.prepare_ahead) break;
      if (try_start(list[next], now) == start_result::wait) break;
      ++next;
    }
  }
  start_due_retry_slots(now);
}

void executor_state::start_due_retry_slots(time_point now) {
  for (std::size_t i = 0; i < retry_slots.size();) {
    const auto si = retry_slots[i];
    auto& s = slots[si];
    if (s.ph == phase::waiting && (now < s.start - cfg.prepare_ahead || try_start(si, now) == start_result::wait)) {
      ++i;
      continue;
    }
    const std::uint64_t key = retry_key(s.wave_idx, s.region);
    if (const auto it = wave_retry_slot.find(key); it != wave_retry_slot.end() && it->second == si) {
      wave_retry_slot.erase(it);
    }
    retry_slots.erase(retry_slots.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

void executor_state::finish_waiting_slots(time_point now) {
  for (std::uint32_t si = 0; si < slots.size(); ++si) {
    if (slots[si].ph == phase::waiting) {
      slots[si].not_pushed_reason = "halted: " + halt_reason;
      finish_slot(si, now);
    }
  }
}

bool executor_state::want_slot_starts(wake_up& wake) const {
  bool waiting_on_caps = false;
  const auto want_start = [&](std::uint32_t si) {
    const auto t = slots[si].start - cfg.prepare_ahead;
    if (t > wake.now) {
      wake.want(t);
    } else {
      waiting_on_caps = true;
    }
  };
  for (std::uint32_t r = 0; r < region_slots.size(); ++r) {
    const auto& list = region_slots[r];
    const std::size_t next = region_next[r];
    if (next < list.size() && slots[list[next]].wave_idx <= allowed_in(r)) want_start(list[next]);
  }
  for (auto si : retry_slots) want_start(si);
  return waiting_on_caps;
}

executor_state::start_result executor_state::try_start(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  std::vector<std::uint32_t> todo;
  for (auto o : s.orgs) {
    if (orgs[o].slot == si && orgs[o].state == org_final_state::pending) todo.push_back(o);
  }
  if (todo.empty()) {
    finish_slot(si, now);
    return start_result::skipped;
  }
  // Whole milliseconds: what Salesforce stores, so a resume can recognise the request by its start.
  const time_point sched = std::chrono::ceil<std::chrono::milliseconds>(std::max(s.start, now + cfg.min_start_lead));
  if (sched > cfg.deadline) {
    s.not_pushed_reason =
        "deadline: slot at " + format_iso8601(s.start) + " cannot start before " + format_iso8601(cfg.deadline);
    finish_slot(si, now);
    return start_result::skipped;
  }
  std::map<std::uint32_t, std::int64_t> need;
  for (auto o : todo) ++need[orgs[o].instance];
  if (!fits(need, static_cast<std::int64_t>(todo.size())) || !budget.allows(now, false)) return start_result::wait;
  reserve(s, std::move(need));
  s.to_add.assign(todo.begin(), todo.end());
  s.scheduled_start = sched;
  s.ph = phase::creating;
  active.insert(si);
  auto& w = waves[s.wave_idx];
  if (!w.first_start) w.first_start = now;
  issue(call_for(purpose::create, si, create_push_request{cfg.version_id, sched}), now);
  return start_result::started;
}

// ---- concurrency caps -------------------------------------------------------------------------------------------

bool executor_state::fits(const std::map<std::uint32_t, std::int64_t>& need, std::int64_t total) const {
  const auto& c = cfg.concurrency;
  if (c.jobs_in_flight_max && jobs_reserved > 0 && jobs_reserved + total > *c.jobs_in_flight_max) return false;
  if (c.jobs_in_flight_per_instance_max) {
    for (const auto& [inst, n] : need) {
      const auto have = jobs_reserved_per_instance[inst];
      if (have > 0 && have + n > *c.jobs_in_flight_per_instance_max) return false;
    }
  }
  return true;
}

void executor_state::reserve(slot_rec& s, std::map<std::uint32_t, std::int64_t> need) {
  for (const auto& [inst, n] : need) {
    s.reserved += n;
    jobs_reserved += n;
    jobs_reserved_per_instance[inst] += n;
  }
  s.reserved_per_instance = std::move(need);
}

void executor_state::release(slot_rec& s) {
  jobs_reserved -= s.reserved;
  for (const auto& [inst, n] : s.reserved_per_instance) jobs_reserved_per_instance[inst] -= n;
  s.reserved = 0;
  s.reserved_per_instance.clear();
}

// ---- creating, adding, activating -------------------------------------------------------------------------------

void executor_state::on_created(call_ctx& ctx, const request_created& r, time_point) {
  auto& s = slots[ctx.slot];
  s.request_id = r.id;
  s.create_ambiguous = false;
  requests_created.push_back(r.id);
  known_requests.insert(r.id);
  s.ph = phase::adding;
  for (auto o : s.to_add) orgs[o].slot = ctx.slot;
}

// After an ambiguous create failure: adopt the request if the server made it, else create it now.
void executor_state::on_create_check(call_ctx& ctx, const requests_page& p, time_point now) {
  auto& s = slots[ctx.slot];
  for (const auto& r : p.rows) {
    if (r.status != "Created" || !r.scheduled_start || known_requests.contains(r.id)) continue;
    const auto diff = *r.scheduled_start > s.scheduled_start ? *r.scheduled_start - s.scheduled_start
                                                             : s.scheduled_start - *r.scheduled_start;
    if (diff < std::chrono::seconds{1}) {
      on_created(ctx, request_created{r.id}, now);
      return;
    }
  }
  if (!p.next_locator.empty()) {
    const query_more next{p.next_locator, query_kind::requests, false};
    issue(call_for(purpose::create_check, ctx.slot, next, ctx.attempt), now);
    return;
  }
  s.create_ambiguous = false;
  issue(call_for(purpose::create, ctx.slot, create_push_request{cfg.version_id, s.scheduled_start}, ctx.attempt), now);
}

void executor_state::issue_batch(std::uint32_t si, std::vector<std::uint32_t> batch, int attempt, time_point now,
                                 std::optional<time_point> at) {
  auto& s = slots[si];
  add_jobs a;
  a.request_id = s.request_id;
  a.mode = cfg.mode;
  a.org_keys.reserve(batch.size());
  for (auto o : batch) a.org_keys.push_back(orgs[o].key);
  call_ctx c = call_for(purpose::add_batch, si, std::move(a), attempt);
  c.batch = std::move(batch);
  ++s.batches_out;
  if (at && *at > now) {
    defer(std::move(c), *at);
  } else {
    issue(std::move(c), now);
  }
}

// Up to two batches in flight; once every org is added, activate the request (or cancel it).
void executor_state::drive_adding(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  while (!s.cancel_wanted && s.batches_out < 2 && !s.to_add.empty()) {
    const std::size_t n = std::min(cfg.batch_size, s.to_add.size());
    std::vector<std::uint32_t> batch(s.to_add.begin(), s.to_add.begin() + static_cast<std::ptrdiff_t>(n));
    s.to_add.erase(s.to_add.begin(), s.to_add.begin() + static_cast<std::ptrdiff_t>(n));
    issue_batch(si, std::move(batch), 1, now);
  }
  if (s.batches_out > 0) return;
  if (s.cancel_wanted || (s.to_add.empty() && s.jobs == 0)) {
    if (s.cancel_reason.empty()) s.cancel_reason = "no job could be added";
    start_cancel(si, now);
    return;
  }
  if (s.to_add.empty()) {
    s.ph = phase::activating;
    issue(call_for(purpose::patch_pending, si, patch_request_status{s.request_id, "Pending"}), now);
  }
}

void executor_state::on_jobs_added(call_ctx& ctx, const jobs_added& r, time_point now) {
  auto& s = slots[ctx.slot];
  --s.batches_out;
  std::vector<std::uint32_t> again_now, again_later;
  journal_add_jobs_result journaled{ctx.id, static_cast<int>(ctx.slot), s.request_id, 0, {}};
  bool progress = false;
  for (std::size_t i = 0; i < ctx.batch.size(); ++i) {
    const auto o = ctx.batch[i];
    const job_outcome* oc = outcome_of(r, i, orgs[o].key);
    switch (oc == nullptr ? add_step::again_later : apply_outcome(ctx.slot, o, *oc, journaled)) {
      case add_step::done: progress = true; break;
      case add_step::again_later: again_later.push_back(o); break;
      case add_step::again_now: again_now.push_back(o); break;
    }
  }
  write_journal(journaled);
  if (!again_later.empty() || (!again_now.empty() && !progress)) {
    again_later.insert(again_later.end(), again_now.begin(), again_now.end());
    std::sort(again_later.begin(), again_later.end());
    issue_batch(ctx.slot, std::move(again_later), ctx.attempt + 1, now, now + backoff.delay(ctx.attempt));
  } else if (!again_now.empty()) {
    issue_batch(ctx.slot, std::move(again_now), ctx.attempt, now);
  }
}

executor_state::add_step executor_state::apply_outcome(std::uint32_t si, std::uint32_t o, const job_outcome& oc,
                                                       journal_add_jobs_result& journaled) {
  switch (oc.kind) {
    case job_outcome::kind_t::created:
    case job_outcome::kind_t::duplicate:
      orgs[o].state = org_final_state::in_flight;
      set_job_id(o, oc.job_id);
      ++orgs[o].attempts;
      ++slots[si].jobs;
      ++journaled.created;
      return add_step::done;
    case job_outcome::kind_t::ineligible:
    case job_outcome::kind_t::invalid_key:
    case job_outcome::kind_t::rejected: {
      const std::string why = error_text(oc.error_code, oc.message);
      set_final(o, org_final_state::excluded, why);
      journaled.excluded.emplace_back(orgs[o].key, why);
      return add_step::done;
    }
    case job_outcome::kind_t::transient: return add_step::again_later;
    case job_outcome::kind_t::not_processed: return add_step::again_now;
  }
  return add_step::again_later;
}

// ---- canceling and finishing ------------------------------------------------------------------------------------

void executor_state::start_cancel(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  s.ph = phase::canceling;
  s.cancel_tried = true;
  issue(call_for(purpose::patch_cancel, si, patch_request_status{s.request_id, "Canceled"}), now);
}

void executor_state::on_canceled(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  const std::string why = s.cancel_reason.empty() ? "request canceled" : s.cancel_reason;
  for (auto o : s.orgs) {
    if (orgs[o].slot == si && orgs[o].state == org_final_state::in_flight) {
      set_final(o, org_final_state::canceled, why);
    }
  }
  if (s.not_pushed_reason.empty()) s.not_pushed_reason = why;
  finish_slot(si, now);
}

void executor_state::set_final(std::uint32_t o, org_final_state st, std::string msg, std::string_view type) {
  auto& r = orgs[o];
  r.state = st;
  set_message(o, std::move(msg));
  set_error_type(o, type);
}

void executor_state::finish_slot(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  if (s.ph == phase::finished) return;
  // Orgs still owned by this slot and never pushed are reported, never silently lost.
  for (auto o : s.orgs) {
    if (orgs[o].slot == si && orgs[o].state == org_final_state::pending) {
      set_final(o, org_final_state::not_pushed, s.not_pushed_reason.empty() ? "not pushed" : s.not_pushed_reason);
    }
  }
  s.ph = phase::finished;
  release(s);
  active.erase(si);
  auto& w = waves[s.wave_idx];
  --w.open;
  if (w.open == 0) w.finished = now;
  auto& wr = w.regions[s.region];
  --wr.open;
  if (wr.open == 0) wr.finished = now;
}

// ---- re-push slots ----------------------------------------------------------------------------------------------

std::uint64_t executor_state::retry_key(std::uint32_t wave_idx, std::uint32_t region) {
  return (static_cast<std::uint64_t>(wave_idx) << 32) | region;
}

std::uint32_t executor_state::retry_slot_for(std::uint32_t wave_idx, std::uint32_t region, time_point now) {
  const std::uint64_t key = retry_key(wave_idx, region);
  auto it = wave_retry_slot.find(key);
  if (it != wave_retry_slot.end() && slots[it->second].ph == phase::waiting) return it->second;
  slot_rec s;
  s.wave_idx = wave_idx;
  s.region = region;
  s.start = now + cfg.retry.job_retry_delay;
  s.retry = true;
  slots.push_back(std::move(s));
  const auto si = static_cast<std::uint32_t>(slots.size() - 1);
  ++waves[wave_idx].open;
  ++waves[wave_idx].regions[region].open;
  wave_retry_slot[key] = si;
  retry_slots.push_back(si);
  return si;
}

}  // namespace pushsim::scheduler::detail
