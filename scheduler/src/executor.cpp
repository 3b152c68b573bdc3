#include "pushsim/scheduler/executor.hpp"

#include <algorithm>
#include <numeric>

#include "executor_state.hpp"
#include "pushsim/base/assert.hpp"

namespace pushsim::scheduler {

const char* to_string(org_final_state s) {
  switch (s) {
    case org_final_state::pending: return "pending";
    case org_final_state::in_flight: return "in_flight";
    case org_final_state::upgraded: return "upgraded";
    case org_final_state::failed: return "failed";
    case org_final_state::excluded: return "excluded";
    case org_final_state::not_pushed: return "not_pushed";
    case org_final_state::canceled: return "canceled";
  }
  return "?";
}

namespace detail {

// The intent journaled before a side-effecting call is handed out.
journal_record intent_record(std::uint64_t id, int slot, const api_call& call) {
  if (const auto* c = std::get_if<create_push_request>(&call)) {
    return journal_create_intent{id, slot, c->scheduled_start};
  }
  if (const auto* a = std::get_if<add_jobs>(&call)) return journal_add_jobs_intent{id, slot, a->request_id, a->org_keys};
  const auto& p = std::get<patch_request_status>(call);
  return journal_patch_intent{id, slot, p.request_id, p.status};
}

// The result journaled when a side-effecting call comes back.
journal_record result_record(std::uint64_t id, int slot, const api_call& call, const api_result& result) {
  const auto kind = std::holds_alternative<create_push_request>(call) ? journal_call_kind::create
                    : std::holds_alternative<add_jobs>(call)          ? journal_call_kind::add_jobs
                                                                       : journal_call_kind::patch;
  if (const auto* e = std::get_if<api_error>(&result)) {
    return journal_call_failed{id, slot, kind, e->retryable(), e->error_code + ": " + e->message};
  }
  if (kind == journal_call_kind::create) {
    const auto* created = std::get_if<request_created>(&result);
    return journal_create_result{id, slot, created != nullptr ? created->id : std::string{}};
  }
  return journal_patch_result{id, slot};
}

void executor_state::write_journal(const journal_record& r) {
  if (journal != nullptr) journal->append(encode_journal_record(r));
}

void executor_state::defer(call_ctx ctx, time_point at) {
  delayed.push_back({at, delayed_seq++, std::move(ctx)});
  std::push_heap(delayed.begin(), delayed.end(), later);
}

bool executor_state::later(const delayed_call& a, const delayed_call& b) {
  return a.at != b.at ? a.at > b.at : a.seq > b.seq;
}

void executor_state::issue(call_ctx ctx, time_point now) {
  if (!budget.allows(now, essential(ctx))) {
    defer(std::move(ctx), budget.free_at(now));
    return;
  }
  const std::uint64_t id = ++last_call_id;
  budget.spend(now);
  ++api_calls;
  ++calls_by_endpoint[endpoint_name(ctx.call)];
  ctx.id = id;
  if (is_side_effecting(ctx.call)) journal_intent(id, ctx);
  out.calls.push_back({id, ctx.call});
  in_flight.emplace(id, std::move(ctx));
}

void executor_state::journal_intent(std::uint64_t id, const call_ctx& ctx) {
  if (journal != nullptr) write_journal(intent_record(id, static_cast<int>(ctx.slot), ctx.call));
}

bool executor_state::fits(const std::map<std::uint32_t, std::int64_t>& need, std::int64_t total) const {
  const auto& c = cfg.concurrency;
  if (c.jobs_in_flight_max > 0 && jobs_reserved > 0 && jobs_reserved + total > c.jobs_in_flight_max) return false;
  if (c.jobs_in_flight_per_instance_max > 0) {
    for (const auto& [inst, n] : need) {
      const auto have = jobs_reserved_per_instance[inst];
      if (have > 0 && have + n > c.jobs_in_flight_per_instance_max) return false;
    }
  }
  return true;
}

void executor_state::release(slot_rec& s) {
  jobs_reserved -= s.reserved;
  for (const auto& [inst, n] : s.reserved_per_instance) jobs_reserved_per_instance[inst] -= n;
  s.reserved = 0;
  s.reserved_per_instance.clear();
}

void executor_state::set_final(std::uint32_t o, org_final_state st, std::string msg, std::string type) {
  auto& r = orgs[o];
  r.state = st;
  r.message = std::move(msg);
  r.error_type = std::move(type);
}

void executor_state::finish_slot(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  if (s.ph == phase::finished) return;
  // Orgs still owned by this slot and never pushed are reported, never silently lost.
  for (auto o : s.orgs) {
    auto& r = orgs[o];
    if (r.slot != si) continue;
    if (r.state == org_final_state::pending) {
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

void executor_state::halt(std::string reason, time_point now) {
  if (halted) return;
  halted = true;
  halt_reason = std::move(reason);
  write_journal(journal_halt{halt_reason, now});
  const std::string why = "halted: " + halt_reason;
  for (std::uint32_t si = 0; si < slots.size(); ++si) {
    auto& s = slots[si];
    if (s.ph == phase::waiting) {
      s.not_pushed_reason = why;
      finish_slot(si, now);
    } else if (s.ph != phase::finished) {
      s.cancel_wanted = true;
      s.cancel_reason = why;
      if (s.not_pushed_reason.empty()) s.not_pushed_reason = why;
    }
  }
  retry_slots.clear();
  wave_retry_slot.clear();
}

// The gates of wave index w: the plan's override for that wave, else the plan's.
const gate_config& executor_state::gates_of(std::size_t w) const {
  if (w < waves.size()) {
    const auto it = cfg.gates_per_wave.find(waves[w].wave);
    if (it != cfg.gates_per_wave.end()) return it->second;
  }
  return cfg.gates;
}

// The gates in force: those of the newest wave allowed to run (in any region).
const gate_config& executor_state::gates_now() const {
  std::size_t w = allowed_wave;
  for (std::uint32_t r = 0; r < region_allowed.size(); ++r) w = std::max(w, allowed_in(r));
  return gates_of(w);
}

void executor_state::check_gates(time_point now, const gate_config& g) {
  if (halted) return;
  if (auto why = tally.verdict(g)) halt(std::move(*why), now);
}

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
    s.not_pushed_reason = "deadline: slot at " + format_iso8601(s.start) + " cannot start before " +
                          format_iso8601(cfg.deadline);
    finish_slot(si, now);
    return start_result::skipped;
  }
  std::map<std::uint32_t, std::int64_t> need;
  for (auto o : todo) ++need[orgs[o].instance];
  const auto total = static_cast<std::int64_t>(todo.size());
  if (!fits(need, total)) return start_result::wait;
  if (!budget.allows(now, false)) return start_result::wait;
  s.reserved = total;
  s.reserved_per_instance = need;
  jobs_reserved += total;
  for (const auto& [inst, n] : need) jobs_reserved_per_instance[inst] += n;
  s.to_add.assign(todo.begin(), todo.end());
  s.scheduled_start = sched;
  s.ph = phase::creating;
  active.insert(si);
  auto& w = waves[s.wave_idx];
  if (!w.first_start) w.first_start = now;
  call_ctx c;
  c.p = purpose::create;
  c.slot = si;
  c.call = create_push_request{cfg.version_id, sched};
  issue(std::move(c), now);
  return start_result::started;
}

void executor_state::start_cancel(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  s.ph = phase::canceling;
  s.cancel_tried = true;
  call_ctx c;
  c.p = purpose::patch_cancel;
  c.slot = si;
  c.call = patch_request_status{s.request_id, "Canceled"};
  issue(std::move(c), now);
}

void executor_state::issue_batch(std::uint32_t si, std::vector<std::uint32_t> batch, int attempt, time_point now,
                 std::optional<time_point> at) {
  auto& s = slots[si];
  add_jobs a;
  a.request_id = s.request_id;
  a.mode = cfg.mode;
  a.org_keys.reserve(batch.size());
  for (auto o : batch) a.org_keys.push_back(orgs[o].key);
  call_ctx c;
  c.p = purpose::add_batch;
  c.slot = si;
  c.call = std::move(a);
  c.attempt = attempt;
  c.batch = std::move(batch);
  ++s.batches_out;
  if (at && *at > now) {
    defer(std::move(c), *at);
  } else {
    issue(std::move(c), now);
  }
}

void executor_state::drive_adding(std::uint32_t si, time_point now) {
  auto& s = slots[si];
  if (!s.cancel_wanted) {
    while (s.batches_out < 2 && !s.to_add.empty()) {
      std::vector<std::uint32_t> batch;
      const std::size_t n = std::min(cfg.batch_size, s.to_add.size());
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(s.to_add.front());
        s.to_add.pop_front();
      }
      issue_batch(si, std::move(batch), 1, now);
    }
  }
  if (s.batches_out > 0) return;
  if (s.cancel_wanted || (s.to_add.empty() && s.jobs == 0)) {
    if (s.cancel_reason.empty()) s.cancel_reason = "no job could be added";
    start_cancel(si, now);
    return;
  }
  if (s.to_add.empty()) {
    s.ph = phase::activating;
    call_ctx c;
    c.p = purpose::patch_pending;
    c.slot = si;
    c.call = patch_request_status{s.request_id, "Pending"};
    issue(std::move(c), now);
  }
}

void executor_state::on_error(call_ctx ctx, const api_error& e, time_point now) {
  if (e.kind == api_error::kind_t::limit_exceeded) {
    defer(std::move(ctx), budget.pause(now));
    return;
  }
  const bool query = ctx.p == purpose::poll_counts || ctx.p == purpose::fetch_jobs ||
                     ctx.p == purpose::fetch_stuck || ctx.p == purpose::reconcile_requests ||
                     ctx.p == purpose::reconcile_jobs || ctx.p == purpose::create_check;
  if (backoff.may_retry(e, ctx.attempt)) {
    // The request may exist although the answer was lost: look for it before creating another one.
    if (ctx.p == purpose::create) slots[ctx.slot].create_ambiguous = true;
    const auto at = now + backoff.delay(ctx.attempt);
    ++ctx.attempt;
    defer(std::move(ctx), at);
    return;
  }
  if (query) {
    // A query that keeps failing: try again later, slowly (a query never changes anything).
    ctx.attempt = 1;
    defer(std::move(ctx), now + backoff.longest());
    return;
  }
  const std::string why = (e.error_code.empty() ? std::string{} : e.error_code + ": ") + e.message;
  auto& s = slots[ctx.slot];
  switch (ctx.p) {
    case purpose::create:
      s.not_pushed_reason = "PackagePushRequest create failed: " + why;
      finish_slot(ctx.slot, now);
      break;
    case purpose::add_batch:
      --s.batches_out;
      for (auto o : ctx.batch) {
        if (orgs[o].state == org_final_state::pending) {
          set_final(o, org_final_state::not_pushed, "job creation failed: " + why);
        }
      }
      break;
    case purpose::patch_pending:
      s.cancel_reason = "PATCH Pending failed: " + why;
      s.not_pushed_reason = s.cancel_reason;
      start_cancel(ctx.slot, now);
      break;
    case purpose::patch_cancel:
      // INVALID_OPERATION: already started; keep monitoring either way so its jobs get a final state.
      if (e.error_code != "INVALID_OPERATION") requests_not_canceled.push_back(s.request_id);
      start_monitoring(ctx.slot, now);
      s.next_poll = now;
      break;
    default:
      break;
  }
}

void executor_state::on_created(call_ctx& ctx, const request_created& r, time_point now) {
  auto& s = slots[ctx.slot];
  s.request_id = r.id;
  s.create_ambiguous = false;
  requests_created.push_back(r.id);
  known_requests.insert(r.id);
  s.ph = phase::adding;
  for (auto o : s.to_add) orgs[o].slot = ctx.slot;
  (void)now;
}

void executor_state::on_jobs_added(call_ctx& ctx, const jobs_added& r, time_point now) {
  auto& s = slots[ctx.slot];
  --s.batches_out;
  std::vector<std::uint32_t> again_now, again_later;
  journal_add_jobs_result journaled{ctx.id, static_cast<int>(ctx.slot), s.request_id, 0, {}};
  std::int64_t created = 0;
  bool progress = false;
  for (std::size_t i = 0; i < ctx.batch.size(); ++i) {
    const auto o = ctx.batch[i];
    const job_outcome* oc = nullptr;
    if (i < r.outcomes.size() && r.outcomes[i].org_key == orgs[o].key) {
      oc = &r.outcomes[i];
    } else {
      for (const auto& x : r.outcomes) {
        if (x.org_key == orgs[o].key) oc = &x;
      }
    }
    if (oc == nullptr) {
      again_later.push_back(o);
      continue;
    }
    const std::string why = (oc->error_code.empty() ? std::string{} : oc->error_code + ": ") + oc->message;
    switch (oc->kind) {
      case job_outcome::kind_t::created:
      case job_outcome::kind_t::duplicate:
        orgs[o].state = org_final_state::in_flight;
        orgs[o].job_id = oc->job_id;
        ++orgs[o].attempts;
        ++s.jobs;
        ++created;
        progress = true;
        break;
      case job_outcome::kind_t::ineligible:
      case job_outcome::kind_t::invalid_key:
      case job_outcome::kind_t::rejected:
        set_final(o, org_final_state::excluded, why);
        journaled.excluded.emplace_back(orgs[o].key, why);
        progress = true;
        break;
      case job_outcome::kind_t::transient:
        again_later.push_back(o);
        break;
      case job_outcome::kind_t::not_processed:
        again_now.push_back(o);
        break;
    }
  }
  journaled.created = created;
  write_journal(journaled);
  if (!again_later.empty() || (!again_now.empty() && !progress)) {
    again_later.insert(again_later.end(), again_now.begin(), again_now.end());
    std::sort(again_later.begin(), again_later.end());
    issue_batch(ctx.slot, std::move(again_later), ctx.attempt + 1, now, now + backoff.delay(ctx.attempt));
  } else if (!again_now.empty()) {
    issue_batch(ctx.slot, std::move(again_now), ctx.attempt, now);
  }
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
    call_ctx c;
    c.p = purpose::create_check;
    c.slot = ctx.slot;
    c.attempt = ctx.attempt;
    c.call = query_more{p.next_locator, query_kind::requests, false};
    issue(std::move(c), now);
    return;
  }
  s.create_ambiguous = false;
  call_ctx c;
  c.p = purpose::create;
  c.slot = ctx.slot;
  c.attempt = ctx.attempt;
  c.call = create_push_request{cfg.version_id, s.scheduled_start};
  issue(std::move(c), now);
}

duration executor_state::bake_of(int wave) const {
  const auto it = cfg.bake_time_per_wave.find(wave);
  return it == cfg.bake_time_per_wave.end() ? cfg.bake_time : it->second;
}

void executor_state::advance_waves(time_point now) {
  // Everywhere: a wave finished in every region and baked opens the next one.
  while (allowed_wave < waves.size()) {
    auto& w = waves[allowed_wave];
    if (w.open > 0 || !w.finished) break;
    if (now < *w.finished + bake_of(w.wave)) break;
    check_gates(now, gates_of(allowed_wave));
    if (halted) return;
    w.gates_passed = true;
    tally.accept_seen_error_types();
    ++allowed_wave;
  }
  // Follow the sun: a region whose part of a follow_the_sun wave finished and baked opens its part of the
  // next wave, judged by that wave's gates over everything seen so far (every region's results).
  for (std::uint32_t r = 0; r < region_allowed.size(); ++r) {
    while (true) {
      const std::size_t w = allowed_in(r);
      region_allowed[r] = w;
      if (w + 1 >= waves.size() || !cfg.follow_the_sun_waves.contains(waves[w].wave)) break;
      const auto& wr = waves[w].regions[r];
      if (wr.input_slots == 0 || wr.open > 0 || !wr.finished) break;  // no canary of its own: wait for all
      if (now < *wr.finished + bake_of(waves[w].wave)) break;
      check_gates(now, gates_of(w));
      if (halted) return;
      tally.accept_seen_error_types();
      region_allowed[r] = w + 1;
    }
  }
}

// When the next regional hand-over may happen (a region's part of a follow_the_sun wave done, baking).
template <class Want>
void executor_state::want_regional_bake_ends(Want&& want) const {
  for (std::uint32_t r = 0; r < region_allowed.size(); ++r) {
    const std::size_t w = allowed_in(r);
    if (w + 1 >= waves.size() || !cfg.follow_the_sun_waves.contains(waves[w].wave)) continue;
    const auto& wr = waves[w].regions[r];
    if (wr.input_slots > 0 && wr.open == 0 && wr.finished) want(*wr.finished + bake_of(waves[w].wave));
  }
}

executor_output executor_state::pump(time_point now) {
  if (reconciling) {
    if (!reconcile_started) start_reconcile(now);
    executor_output o = std::move(out);
    out = {};
    return o;
  }
  // Deferred calls whose time has come.
  while (!delayed.empty() && delayed.front().at <= now) {
    std::pop_heap(delayed.begin(), delayed.end(), later);
    delayed_call d = std::move(delayed.back());
    delayed.pop_back();
    if (d.ctx.p == purpose::add_batch && slots[d.ctx.slot].cancel_wanted) {
      auto& s = slots[d.ctx.slot];
      --s.batches_out;
      continue;  // the slot is being canceled; its orgs are reported by finish_slot
    }
    if (d.ctx.p == purpose::create && halted && !slots[d.ctx.slot].create_ambiguous) {
      slots[d.ctx.slot].not_pushed_reason = "halted: " + halt_reason;
      finish_slot(d.ctx.slot, now);  // never created: nothing to cancel
      continue;
    }
    if (d.ctx.p == purpose::create && slots[d.ctx.slot].create_ambiguous) {
      call_ctx c;
      c.p = purpose::create_check;
      c.slot = d.ctx.slot;
      c.attempt = d.ctx.attempt;
      c.call = query_requests_for_version{cfg.version_id};
      issue(std::move(c), now);
      continue;
    }
    issue(std::move(d.ctx), now);
  }
  advance_waves(now);
  if (halted) {
    for (std::uint32_t si = 0; si < slots.size(); ++si) {
      if (slots[si].ph == phase::waiting) {
        slots[si].not_pushed_reason = "halted: " + halt_reason;
        finish_slot(si, now);
      }
    }
  } else {
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
    for (std::size_t i = 0; i < retry_slots.size();) {
      const auto si = retry_slots[i];
      auto& s = slots[si];
      if (s.ph == phase::waiting &&
          (now < s.start - cfg.prepare_ahead || try_start(si, now) == start_result::wait)) {
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
  pump_scratch.assign(active.begin(), active.end());
  for (std::size_t k = 0; k < pump_scratch.size(); ++k) {
    const std::uint32_t si = pump_scratch[k];
    auto& s = slots[si];
    switch (s.ph) {
      case phase::adding:
        if (halted && !s.cancel_wanted) {
          s.cancel_wanted = true;
          s.cancel_reason = "halted: " + halt_reason;
        }
        drive_adding(si, now);
        break;
      case phase::monitoring:
        if (halted && !s.ever_active && !s.cancel_tried && !s.poll_in_flight && !s.fetch_in_flight) {
          if (s.cancel_reason.empty()) s.cancel_reason = "halted: " + halt_reason;
          start_cancel(si, now);
        } else if (!s.poll_in_flight && !s.fetch_in_flight && now >= s.next_poll) {
          issue_poll(si, now);
        }
        break;
      default:
        break;
    }
  }
  advance_waves(now);
  // Next wake-up.
  std::optional<time_point> wake;
  auto want = [&](time_point t) {
    t = std::max(t, now);
    if (!wake || t < *wake) wake = t;
  };
  if (!delayed.empty()) want(delayed.front().at);
  bool waiting_on_caps = false;
  if (!halted) {
    for (std::uint32_t r = 0; r < region_slots.size(); ++r) {
      const auto& list = region_slots[r];
      const std::size_t next = region_next[r];
      if (next < list.size() && slots[list[next]].wave_idx <= allowed_in(r)) {
        const auto t = slots[list[next]].start - cfg.prepare_ahead;
        if (t > now) want(t); else waiting_on_caps = true;
      }
    }
    for (auto si : retry_slots) {
      const auto t = slots[si].start - cfg.prepare_ahead;
      if (t > now) want(t); else waiting_on_caps = true;
    }
    if (allowed_wave < waves.size() && waves[allowed_wave].open == 0 && waves[allowed_wave].finished) {
      want(*waves[allowed_wave].finished + bake_of(waves[allowed_wave].wave));
    }
    want_regional_bake_ends(want);
  }
  for (auto si : active) {
    const auto& s = slots[si];
    if (s.ph == phase::monitoring && !s.poll_in_flight && !s.fetch_in_flight) want(s.next_poll);
  }
  if (waiting_on_caps) {
    if (!budget.allows(now, false)) want(budget.free_at(now));
    else if (in_flight.empty() && !wake) want(now + cfg.polling.min_interval);
  }
  executor_output o = std::move(out);
  out = {};
  o.wake_at = wake;
  return o;
}

bool executor_state::is_done() const {
  if (reconciling || !in_flight.empty() || !delayed.empty()) return false;
  for (const auto& s : slots) {
    if (s.ph != phase::finished) return false;
  }
  return true;
}

}  // namespace detail

executor::executor(executor_config config, std::vector<push_slot> slots, journal_sink* journal)
    : s_(std::make_unique<detail::executor_state>()) {
  auto& s = *s_;
  PUSHSIM_ASSERT(config.batch_size >= 1 && config.batch_size <= 200, "batch_size must be 1..200");
  PUSHSIM_ASSERT(config.ids_per_query >= 1, "ids_per_query must be >= 1");
  s.cfg = std::move(config);
  s.journal = journal;
  s.budget = detail::call_budget(s.cfg.budget);
  s.backoff = detail::retry_backoff(s.cfg.retry);
  s.transient_types.insert(s.cfg.retry.transient_error_types.begin(), s.cfg.retry.transient_error_types.end());
  s.tally = detail::gate_tally(s.cfg.gates);
  std::stable_sort(slots.begin(), slots.end(), [](const push_slot& a, const push_slot& b) {
    return a.wave != b.wave ? a.wave < b.wave : a.start < b.start;
  });
  // Lookup only (never iterated), so an unordered map cannot reach results.
  std::unordered_map<std::string, std::uint32_t> inst_index;
  std::map<int, std::uint32_t> region_index;  // push_slot::region -> dense index
  inst_index[""] = 0;
  s.instances.push_back("");
  std::size_t total_orgs = 0;
  for (const auto& ps : slots) total_orgs += ps.org_keys.size();
  s.orgs.reserve(total_orgs);
  const auto hash_at = [&s](std::uint32_t o) { return detail::executor_state::key_hash(s.orgs[o].key); };
  s.org_index.reserve(total_orgs, hash_at);
  const std::string no_instance;
  for (const auto& ps : slots) {
    if (s.waves.empty() || s.waves.back().wave != ps.wave) {
      detail::wave_rec w;
      w.wave = ps.wave;
      s.waves.push_back(w);
    }
    detail::slot_rec r;
    r.wave_idx = static_cast<std::uint32_t>(s.waves.size() - 1);
    r.start = ps.start;
    {
      const auto [rit, fresh] = region_index.try_emplace(ps.region, static_cast<std::uint32_t>(s.region_ids.size()));
      if (fresh) s.region_ids.push_back(ps.region);
      r.region = rit->second;
    }
    const auto si = static_cast<std::uint32_t>(s.slots.size());
    for (std::size_t i = 0; i < ps.org_keys.size(); ++i) {
      const std::string& inst = i < ps.instance_names.size() ? ps.instance_names[i] : no_instance;
      auto iit = inst_index.find(inst);
      if (iit == inst_index.end()) {
        iit = inst_index.emplace(inst, static_cast<std::uint32_t>(s.instances.size())).first;
        s.instances.push_back(inst);
      }
      const auto o = static_cast<std::uint32_t>(s.orgs.size());
      detail::org_rec org;
      org.key = ps.org_keys[i];
      org.wave_idx = r.wave_idx;
      org.region = r.region;
      org.instance = iit->second;
      s.orgs.push_back(std::move(org));
      auto& added = s.orgs.back();
      const auto same = [&](std::uint32_t p) { return s.orgs[p].key == added.key; };
      if (s.org_index.insert(o, detail::executor_state::key_hash(added.key), same, hash_at).second) {
        added.slot = si;
        r.orgs.push_back(o);
      } else {
        added.state = org_final_state::excluded;
        added.message = "duplicate org key in the plan";
      }
    }
    ++s.waves[r.wave_idx].open;
    s.slots.push_back(std::move(r));
  }
  s.input_slots = s.slots.size();
  if (s.waves.empty()) s.waves.emplace_back();
  if (s.region_ids.empty()) s.region_ids.push_back(0);
  for (auto& w : s.waves) w.regions.resize(s.region_ids.size());
  s.region_slots.resize(s.region_ids.size());
  for (std::uint32_t si = 0; si < s.input_slots; ++si) {
    const auto& sl = s.slots[si];
    auto& wr = s.waves[sl.wave_idx].regions[sl.region];
    ++wr.input_slots;
    ++wr.open;
    s.region_slots[sl.region].push_back(si);
  }
  s.region_next.assign(s.region_ids.size(), 0);
  s.region_allowed.assign(s.region_ids.size(), 0);
  s.jobs_reserved_per_instance.assign(s.instances.size(), 0);
  s.write_journal(journal_begin{s.cfg.version_id, s.input_slots, s.orgs.size()});
}

executor::~executor() = default;

void executor::resume(const journal_state& state) { s_->begin_resume(state); }

executor_output executor::on_time(time_point now) {
  return s_->pump(now);
}

executor_output executor::on_result(std::uint64_t call_id, api_result result, time_point now) {
  auto& s = *s_;
  auto it = s.in_flight.find(call_id);
  PUSHSIM_ASSERT(it != s.in_flight.end(), "on_result for a call id that is not in flight");
  detail::call_ctx ctx = std::move(it->second);
  s.in_flight.erase(it);
  using detail::purpose;
  // An answered job-creation call is journaled with its outcomes (on_jobs_added).
  if (is_side_effecting(ctx.call) && (ctx.p != purpose::add_batch || std::holds_alternative<api_error>(result))) {
    s.write_journal(detail::result_record(call_id, static_cast<int>(ctx.slot), ctx.call, result));
  }
  if (const auto* e = std::get_if<api_error>(&result)) {
    s.on_error(std::move(ctx), *e, now);
    return s.pump(now);
  }
  bool ok = true;
  switch (ctx.p) {
    case purpose::create:
      if (const auto* r = std::get_if<request_created>(&result)) s.on_created(ctx, *r, now); else ok = false;
      break;
    case purpose::add_batch:
      if (const auto* r = std::get_if<jobs_added>(&result)) s.on_jobs_added(ctx, *r, now); else ok = false;
      break;
    case purpose::patch_pending:
      s.start_monitoring(ctx.slot, now);
      break;
    case purpose::patch_cancel: {
      auto& sl = s.slots[ctx.slot];
      const std::string why = sl.cancel_reason.empty() ? "request canceled" : sl.cancel_reason;
      for (auto o : sl.orgs) {
        auto& r = s.orgs[o];
        if (r.slot != ctx.slot) continue;
        if (r.state == org_final_state::in_flight) s.set_final(o, org_final_state::canceled, why);
      }
      if (sl.not_pushed_reason.empty()) sl.not_pushed_reason = why;
      s.finish_slot(ctx.slot, now);
      break;
    }
    case purpose::poll_counts:
      if (const auto* r = std::get_if<status_counts_page>(&result)) s.on_status_counts(ctx, *r, now); else ok = false;
      break;
    case purpose::fetch_jobs:
    case purpose::fetch_stuck:
      if (const auto* r = std::get_if<jobs_page>(&result)) s.on_jobs_page(ctx, *r, now); else ok = false;
      break;
    case purpose::reconcile_requests:
      if (const auto* r = std::get_if<requests_page>(&result)) s.on_recon_requests(*r, now); else ok = false;
      break;
    case purpose::reconcile_jobs:
      if (const auto* r = std::get_if<jobs_page>(&result)) s.on_recon_jobs(*r, now); else ok = false;
      break;
    case purpose::create_check:
      if (const auto* r = std::get_if<requests_page>(&result)) s.on_create_check(ctx, *r, now); else ok = false;
      break;
  }
  PUSHSIM_ASSERT(ok, "on_result: result type does not match the call");
  return s.pump(now);
}

executor_output executor::on_signal(const std::string& org_key, time_point now) {
  auto& s = *s_;
  s.tally.add_broken_signal(org_key);
  s.check_gates(now);
  return s.pump(now);
}

bool executor::done() const { return s_->is_done(); }
bool executor::halted() const { return s_->halted; }

executor_report executor::report(bool with_orgs) const {
  const auto& s = *s_;
  executor_report r;
  for (const auto& w : s.waves) {
    wave_report wr;
    wr.wave = w.wave;
    wr.first_start = w.first_start;
    wr.finished = w.finished;
    wr.gates_passed = w.gates_passed;
    r.waves.push_back(wr);
  }
  if (with_orgs) r.orgs.reserve(s.orgs.size());
  for (const auto& o : s.orgs) {
    auto& w = r.waves[o.wave_idx];
    ++w.orgs;
    switch (o.state) {
      case org_final_state::upgraded: ++w.upgraded; break;
      case org_final_state::failed: ++w.failed; break;
      case org_final_state::excluded: ++w.excluded; break;
      case org_final_state::not_pushed: ++w.not_pushed; break;
      case org_final_state::canceled: ++w.canceled; break;
      default: break;
    }
    if (with_orgs) {
      r.orgs.push_back({o.key, s.waves[o.wave_idx].wave, o.state, o.job_id, o.error_type, o.message, o.attempts});
    }
  }
  r.halted = s.halted;
  r.halt_reason = s.halt_reason;
  r.api_calls = s.api_calls;
  r.api_calls_by_endpoint = s.calls_by_endpoint;
  r.stuck_jobs = s.stuck;
  r.requests_created = s.requests_created;
  r.requests_not_canceled = s.requests_not_canceled;
  return r;
}

void executor::for_each_org(const std::function<void(const org_view&)>& visit) const {
  const auto& s = *s_;
  for (const auto& o : s.orgs) {
    visit(org_view{o.key, s.waves[o.wave_idx].wave, o.state, o.job_id, o.error_type, o.message, o.attempts});
  }
}

}  // namespace pushsim::scheduler
