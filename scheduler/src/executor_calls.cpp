// The executor's API calls: each goes out when the call budget allows (its intent journaled first when it changes
// state on the server), waits in a time-ordered queue when deferred, and comes back to the step that asked for it.
// Failed calls are retried with backoff; a call that fails for good ends what it was for.

#include <algorithm>

#include "executor_state.hpp"
#include "pushsim/base/assert.hpp"

namespace pushsim::scheduler::detail {

namespace {

// The intent journaled before a side-effecting call is handed out.
journal_record intent_record(std::uint64_t id, int slot, const api_call& call) {
  if (const auto* c = std::get_if<create_push_request>(&call)) {
    return journal_create_intent{id, slot, c->scheduled_start};
  }
  if (const auto* a = std::get_if<add_jobs>(&call))
    return journal_add_jobs_intent{id, slot, a->request_id, a->org_keys};
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

// Calls handle(r) when the result is a Result; false when it is not (a bug in the transport's decoding).
template <class Result, class Handle>
bool handle_as(const api_result& result, Handle&& handle) {
  const auto* r = std::get_if<Result>(&result);
  if (r != nullptr) handle(*r);
  return r != nullptr;
}

bool is_query(purpose p) {
  return p == purpose::poll_counts || p == purpose::fetch_jobs || p == purpose::fetch_stuck ||
         p == purpose::reconcile_requests || p == purpose::reconcile_jobs || p == purpose::create_check;
}

}  // namespace

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
  if (is_side_effecting(ctx.call) && journal != nullptr) {
    write_journal(intent_record(id, static_cast<int>(ctx.slot), ctx.call));
  }
  out.calls.push_back({id, ctx.call});
  in_flight.emplace(id, std::move(ctx));
}

void executor_state::issue_due_calls(time_point now) {
  while (!delayed.empty() && delayed.front().at <= now) {
    std::pop_heap(delayed.begin(), delayed.end(), later);
    delayed_call d = std::move(delayed.back());
    delayed.pop_back();
    issue_deferred(std::move(d.ctx), now);
  }
}

// A deferred call whose time has come, unless its slot no longer wants it.
void executor_state::issue_deferred(call_ctx ctx, time_point now) {
  if (ctx.p == purpose::add_batch && slots[ctx.slot].cancel_wanted) {
    --slots[ctx.slot].batches_out;  // the slot is being canceled; its orgs are reported by finish_slot
  } else if (ctx.p == purpose::create && slots[ctx.slot].create_ambiguous) {
    // The request may exist although the answer was lost: look for it before creating another one.
    issue(call_for(purpose::create_check, ctx.slot, query_requests_for_version{cfg.version_id}, ctx.attempt), now);
  } else if (ctx.p == purpose::create && halted) {
    slots[ctx.slot].not_pushed_reason = "halted: " + halt_reason;
    finish_slot(ctx.slot, now);  // never created: nothing to cancel
  } else {
    issue(std::move(ctx), now);
  }
}

void executor_state::on_result(std::uint64_t call_id, const api_result& result, time_point now) {
  auto it = in_flight.find(call_id);
  PUSHSIM_ASSERT(it != in_flight.end(), "on_result for a call id that is not in flight");
  call_ctx ctx = std::move(it->second);
  in_flight.erase(it);
  // An answered job-creation call is journaled with its outcomes (on_jobs_added).
  if (is_side_effecting(ctx.call) && (ctx.p != purpose::add_batch || std::holds_alternative<api_error>(result))) {
    write_journal(result_record(call_id, static_cast<int>(ctx.slot), ctx.call, result));
  }
  if (const auto* e = std::get_if<api_error>(&result)) {
    on_error(std::move(ctx), *e, now);
    return;
  }
  const bool matched = route_result(ctx, result, now);
  PUSHSIM_ASSERT(matched, "on_result: result type does not match the call");
}

bool executor_state::route_result(call_ctx& ctx, const api_result& result, time_point now) {
  switch (ctx.p) {
    case purpose::create: return handle_as<request_created>(result, [&](const auto& r) { on_created(ctx, r, now); });
    case purpose::add_batch: return handle_as<jobs_added>(result, [&](const auto& r) { on_jobs_added(ctx, r, now); });
    case purpose::patch_pending: start_monitoring(ctx.slot, now); return true;
    case purpose::patch_cancel: on_canceled(ctx.slot, now); return true;
    case purpose::poll_counts:
      return handle_as<status_counts_page>(result, [&](const auto& r) { on_status_counts(ctx, r, now); });
    case purpose::fetch_jobs:
    case purpose::fetch_stuck: return handle_as<jobs_page>(result, [&](const auto& r) { on_jobs_page(ctx, r, now); });
    case purpose::reconcile_requests:
      return handle_as<requests_page>(result, [&](const auto& r) { on_recon_requests(r, now); });
    case purpose::reconcile_jobs: return handle_as<jobs_page>(result, [&](const auto& r) { on_recon_jobs(r, now); });
    case purpose::create_check:
      return handle_as<requests_page>(result, [&](const auto& r) { on_create_check(ctx, r, now); });
  }
  return false;
}

void executor_state::on_error(call_ctx ctx, const api_error& e, time_point now) {
  if (e.kind == api_error::kind_t::limit_exceeded) {
    defer(std::move(ctx), budget.pause(now));
  } else if (backoff.may_retry(e, ctx.attempt)) {
    // The request may exist although the answer was lost: look for it before creating another one.
    if (ctx.p == purpose::create) slots[ctx.slot].create_ambiguous = true;
    const auto at = now + backoff.delay(ctx.attempt);
    ++ctx.attempt;
    defer(std::move(ctx), at);
  } else if (is_query(ctx.p)) {
    // A query that keeps failing: try again later, slowly (a query never changes anything).
    ctx.attempt = 1;
    defer(std::move(ctx), now + backoff.longest());
  } else {
    on_call_failed(ctx, e, now);
  }
}

// A side-effecting call failed for good: what it was for ends, and every org it leaves behind is reported.
void executor_state::on_call_failed(const call_ctx& ctx, const api_error& e, time_point now) {
  const std::string why = error_text(e.error_code, e.message);
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
    default: break;
  }
}

}  // namespace pushsim::scheduler::detail
