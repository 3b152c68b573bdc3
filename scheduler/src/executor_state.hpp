#pragma once
// executor_state: the executor's working state (orgs, slots, waves, calls in flight) and its steps, one file per
// job: executor.cpp (construction, the pump, the public class), executor_calls.cpp (issuing, deferring, routing
// and retrying calls), executor_slots.cpp (a slot's life), monitoring.cpp, resume.cpp, waves.cpp (hand-over and
// halts), over the seams call_budget, retry_backoff and gates.

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "call_budget.hpp"
#include "gates.hpp"
#include "pushsim/base/position_index.hpp"
#include "pushsim/scheduler/executor.hpp"
#include "pushsim/scheduler/journal_record.hpp"
#include "retry_backoff.hpp"

namespace pushsim::scheduler::detail {

// Job counts of one request by Status, indexed by the n_* constants.
using status_counts = std::array<std::int64_t, 6>;
enum status_count_index : std::size_t { n_created, n_pending, n_in_progress, n_succeeded, n_failed, n_canceled };

enum class phase : std::uint8_t { waiting, creating, adding, activating, monitoring, canceling, finished };
enum class purpose : std::uint8_t {
  create,
  add_batch,
  patch_pending,
  patch_cancel,
  poll_counts,
  fetch_jobs,
  fetch_stuck,
  reconcile_requests,
  reconcile_jobs,
  create_check
};

constexpr std::uint32_t no_slot = 0xffffffffu;

// Job ids are Salesforce ids (18 characters): kept in the record, not on the heap (a million orgs each hold one).
inline constexpr std::size_t inline_job_id_max = 18;
inline constexpr std::uint8_t job_id_spilled = 0xFF;  // org_rec::job_id_size: the id is in executor_state::long_job_ids

struct org_rec {
  std::string key;
  std::uint32_t wave_idx = 0;
  std::uint32_t slot = no_slot;  // the slot (request) currently responsible for this org
  std::uint32_t instance = 0;
  std::uint32_t region = 0;  // dense region index (executor_state::region_ids)
  org_final_state state = org_final_state::pending;
  std::uint8_t job_id_size = 0;  // characters of job_id_chars in use, or job_id_spilled
  bool has_message = false;      // executor_state::messages holds one for this org
  std::uint16_t attempts = 0;
  std::uint32_t error_type = 0;  // index into executor_state::error_types (0: none)
  std::array<char, inline_job_id_max> job_id_chars{};
  // The message (failed: ErrorMessage; excluded, not pushed, canceled: the reason) is in executor_state::messages:
  // most orgs upgrade and have none.
};

// The slots being worked on, in slot order: a sorted vector, since every pump walks it and it holds at most a
// few thousand slots (a tree set cost a node walk and a copy per pump).
class slot_set {
 public:
  void insert(std::uint32_t si) {
    const auto it = std::lower_bound(v_.begin(), v_.end(), si);
    if (it == v_.end() || *it != si) v_.insert(it, si);
  }
  void erase(std::uint32_t si) {
    const auto it = std::lower_bound(v_.begin(), v_.end(), si);
    if (it != v_.end() && *it == si) v_.erase(it);
  }
  std::vector<std::uint32_t>::const_iterator begin() const { return v_.begin(); }
  std::vector<std::uint32_t>::const_iterator end() const { return v_.end(); }

 private:
  std::vector<std::uint32_t> v_;
};

struct slot_rec {
  std::uint32_t wave_idx = 0;
  std::uint32_t region = 0;  // dense region index
  time_point start;
  std::vector<std::uint32_t> orgs;
  bool retry = false;
  phase ph = phase::waiting;
  std::string request_id;
  time_point scheduled_start;
  std::deque<std::uint32_t> to_add;
  int batches_out = 0;  // batches in flight or waiting for a retry
  std::int64_t jobs = 0;
  bool ever_active = false;
  bool cancel_wanted = false;
  bool cancel_tried = false;
  std::string cancel_reason;
  // Reservation against the concurrency caps, released when the slot finishes.
  std::int64_t reserved = 0;
  std::map<std::uint32_t, std::int64_t> reserved_per_instance;
  // Monitoring.
  time_point next_poll;
  duration interval{0};
  bool poll_in_flight = false;
  bool fetch_in_flight = false;
  bool final_fetch = false;
  std::int64_t failed_fetched = 0;
  // Latest EndTime among the failed jobs fetched while monitoring: the next such fetch asks only for jobs that
  // ended at or after it, so a request with many failures is not read again and again (the final fetch is whole).
  std::optional<time_point> failed_watermark;
  std::optional<time_point> pending_watermark;  // of the fetch being paged; committed at its last page
  std::int64_t failed_applied = 0;              // Failed jobs of this request applied to their orgs
  std::int64_t final_failed_expected = -1;      // Failed count the final incremental fetch must bring us to
  std::int64_t last_succeeded = 0;
  status_counts last_counts{-1, -1, -1, -1, -1, -1};
  time_point next_stuck_check = time_point::min();
  int stable_idle_polls = 0;  // polls in a row with no active job and unchanged counts
  std::string not_pushed_reason;
  bool create_ambiguous = false;  // a create failed in a way the server may still have carried out
};

struct call_ctx {
  purpose p = purpose::create;
  std::uint32_t slot = no_slot;
  api_call call;
  int attempt = 1;
  std::uint64_t id = 0;              // call id of the latest issue
  std::vector<std::uint32_t> batch;  // add_batch: its orgs; poll_counts: the slots polled
  bool final = false;
  bool incremental = false;  // a fetch bounded by the failed-job watermark
};

// A call for slot si (no_slot: for none) on its attempt-th try.
inline call_ctx call_for(purpose p, std::uint32_t si, api_call call, int attempt = 1) {
  call_ctx c;
  c.p = p;
  c.slot = si;
  c.call = std::move(call);
  c.attempt = attempt;
  return c;
}

struct delayed_call {
  time_point at;
  std::uint64_t seq = 0;
  call_ctx ctx;
};

// One region's part of a wave (follow the sun).
struct wave_region_rec {
  std::int64_t input_slots = 0;  // planned slots of this wave in this region
  std::int64_t open = 0;         // slots not finished (retries included)
  std::optional<time_point> finished;
};

struct wave_rec {
  int wave = 0;
  std::int64_t open = 0;  // slots not finished
  std::optional<time_point> first_start, finished;
  bool gates_passed = false;
  std::vector<wave_region_rec> regions;  // by dense region index
};

// The earliest of the times a pump wants to be woken at (never before now).
struct wake_up {
  time_point now;
  std::optional<time_point> at;
  void want(time_point t) {
    t = std::max(t, now);
    if (!at || t < *at) at = t;
  }
};

// "errorCode: message", or the message alone.
inline std::string error_text(const std::string& error_code, const std::string& message) {
  return (error_code.empty() ? std::string{} : error_code + ": ") + message;
}

struct executor_state {
  executor_config cfg;
  journal_sink* journal = nullptr;
  std::vector<org_rec> orgs;
  position_index org_index;  // org key -> position in orgs
  static std::uint64_t key_hash(std::string_view key) { return std::hash<std::string_view>{}(key); }
  std::optional<std::uint32_t> find_org(std::string_view key) const {
    return org_index.find(key_hash(key), [&](std::uint32_t o) { return orgs[o].key == key; });
  }
  // Cache hints for a find_org(key) soon: stage 1 fetches its index entry, stage 2 (once that is in cache) the
  // org record it names first. Results never change.
  void prefetch_org_index(std::string_view key) const { org_index.prefetch(key_hash(key)); }
  void prefetch_org(std::string_view key) const {
    if (const auto o = org_index.first_probe(key_hash(key)); o != position_index::empty) __builtin_prefetch(&orgs[o]);
  }
  // ErrorTypes of failed orgs, each once (error_types[0] is "": none), and job ids longer than a Salesforce id.
  std::vector<std::string> error_types{std::string()};
  std::map<std::string, std::uint32_t, std::less<>> error_type_index;
  std::map<std::uint32_t, std::string> long_job_ids;
  std::unordered_map<std::uint32_t, std::string> messages;  // by org; absent: none
  std::string_view message(std::uint32_t o) const {
    // The flag spares the map lookup (a cache miss an org) for the orgs without one.
    if (!orgs[o].has_message) return {};
    const auto it = messages.find(o);
    return it == messages.end() ? std::string_view{} : std::string_view{it->second};
  }
  void set_message(std::uint32_t o, std::string text) {
    orgs[o].has_message = !text.empty();
    if (text.empty()) {
      messages.erase(o);
    } else {
      messages.insert_or_assign(o, std::move(text));
    }
  }
  std::string_view job_id(std::uint32_t o) const {
    const org_rec& r = orgs[o];
    if (r.job_id_size == job_id_spilled) return long_job_ids.at(o);
    return {r.job_id_chars.data(), r.job_id_size};
  }
  void set_job_id(std::uint32_t o, std::string_view id) {
    org_rec& r = orgs[o];
    if (r.job_id_size == job_id_spilled) long_job_ids.erase(o);
    if (id.size() <= inline_job_id_max) {
      std::copy(id.begin(), id.end(), r.job_id_chars.begin());
      r.job_id_size = static_cast<std::uint8_t>(id.size());
    } else {
      long_job_ids[o] = std::string(id);
      r.job_id_size = job_id_spilled;
    }
  }
  std::string_view error_type(std::uint32_t o) const { return error_types[orgs[o].error_type]; }
  void set_error_type(std::uint32_t o, std::string_view type) {
    if (type.empty()) {
      orgs[o].error_type = 0;
      return;
    }
    auto it = error_type_index.find(type);
    if (it == error_type_index.end()) {
      it = error_type_index.emplace(std::string(type), static_cast<std::uint32_t>(error_types.size())).first;
      error_types.emplace_back(type);
    }
    orgs[o].error_type = it->second;
  }
  std::vector<std::string> instances;
  std::deque<slot_rec> slots;  // deque: references stay valid when retry slots are added
  std::size_t input_slots = 0;
  std::vector<std::uint32_t> retry_slots;                  // retry slots waiting to start
  std::map<std::uint64_t, std::uint32_t> wave_retry_slot;  // retry_key(wave, region) -> newest waiting retry slot
  std::vector<wave_rec> waves;
  std::size_t allowed_wave = 0;  // newest wave every region may run
  // Follow the sun: regions (push_slot::region values, densely numbered in order of first appearance), the
  // newest wave each region may run (>= allowed_wave once advanced), and each region's input slots in
  // (wave, start) order with a cursor. Without follow_the_sun_waves every region just follows allowed_wave.
  std::vector<int> region_ids;
  std::vector<std::size_t> region_allowed;
  std::vector<std::vector<std::uint32_t>> region_slots;
  std::vector<std::size_t> region_next;
  slot_set active;
  std::vector<std::uint32_t> pump_scratch;  // pump's copy of active (slots may finish while it walks them)
  std::map<std::uint64_t, call_ctx> in_flight;
  std::vector<delayed_call> delayed;  // min-heap on (at, seq)
  std::uint64_t delayed_seq = 0;
  std::uint64_t last_call_id = 0;
  call_budget budget;
  // Concurrency.
  std::int64_t jobs_reserved = 0;
  std::vector<std::int64_t> jobs_reserved_per_instance;
  // Gates.
  bool halted = false;
  std::string halt_reason;
  std::optional<time_point> paused_until;  // a tripped gate's review pause (gate_review_pause)
  std::int64_t gate_pauses = 0;
  bool paused(time_point now) const { return paused_until && now < *paused_until; }
  gate_tally tally;
  std::set<std::string> transient_types;  // ErrorTypes whose failed jobs are re-pushed
  retry_backoff backoff;
  // Report bits.
  std::int64_t api_calls = 0;
  std::map<std::string, std::int64_t> calls_by_endpoint;
  std::vector<stuck_job_report> stuck;
  std::set<std::string> stuck_ids;
  std::vector<std::string> requests_created;
  std::set<std::string> known_requests;
  std::vector<std::string> requests_not_canceled;
  // Resume.
  bool reconciling = false;
  bool reconcile_started = false;
  journal_state resume_from;
  std::map<std::string, request_row> recon_requests;
  std::vector<job_row> recon_jobs;
  int recon_jobs_pending = 0;

  executor_output out;  // calls handed out since the last pump

  executor_state(executor_config config, journal_sink* journal_to);
  // The input slots, sorted by (wave, start), become slots, orgs, waves and regions (executor.cpp).
  void load(std::vector<push_slot> input);

  // ---- the pump (executor.cpp): due calls, wave hand-over, slot starts, active slots, next wake-up --------------
  executor_output pump(time_point now);
  void drive_active_slots(time_point now);
  std::optional<time_point> next_wake(time_point now);
  executor_output take_output(std::optional<time_point> wake_at);
  bool is_done() const;

  // ---- calls (executor_calls.cpp): issue within the budget (intent journaled), defer, route results, retry ------
  static bool essential(const call_ctx& c) { return c.p == purpose::patch_cancel; }
  static bool later(const delayed_call& a, const delayed_call& b);
  void write_journal(const journal_record& r);
  void issue(call_ctx ctx, time_point now);
  void defer(call_ctx ctx, time_point at);
  void issue_due_calls(time_point now);
  void issue_deferred(call_ctx ctx, time_point now);
  void on_result(std::uint64_t call_id, const api_result& result, time_point now);
  // False when the result's type does not match the call.
  bool route_result(call_ctx& ctx, const api_result& result, time_point now);
  void on_error(call_ctx ctx, const api_error& e, time_point now);
  void on_call_failed(const call_ctx& ctx, const api_error& e, time_point now);

  // ---- slots (executor_slots.cpp): start, create, add jobs, activate, cancel, finish, re-push slots -------------
  enum class start_result { started, skipped, wait };
  enum class add_step { done, again_later, again_now };  // what becomes of one org of a job-creation batch
  void start_due_slots(time_point now);
  void start_due_retry_slots(time_point now);
  void finish_waiting_slots(time_point now);
  // Wants the next slot starts; true when a slot is due but waits for the caps or the budget.
  bool want_slot_starts(wake_up& wake) const;
  // Tries to start a waiting slot now: wait when the caps or the budget say so.
  start_result try_start(std::uint32_t si, time_point now);
  bool fits(const std::map<std::uint32_t, std::int64_t>& need, std::int64_t total) const;
  void reserve(slot_rec& s, std::map<std::uint32_t, std::int64_t> need);
  void release(slot_rec& s);
  void on_created(call_ctx& ctx, const request_created& r, time_point now);
  // After an ambiguous create failure: adopt the request if the server made it, else create it now.
  void on_create_check(call_ctx& ctx, const requests_page& p, time_point now);
  void issue_batch(std::uint32_t si, std::vector<std::uint32_t> batch, int attempt, time_point now,
                   std::optional<time_point> at = std::nullopt);
  void drive_adding(std::uint32_t si, time_point now);
  void on_jobs_added(call_ctx& ctx, const jobs_added& r, time_point now);
  add_step apply_outcome(std::uint32_t si, std::uint32_t o, const job_outcome& oc, journal_add_jobs_result& journaled);
  void start_cancel(std::uint32_t si, time_point now);
  void on_canceled(std::uint32_t si, time_point now);
  void set_final(std::uint32_t o, org_final_state st, std::string msg, std::string_view type = {});
  void finish_slot(std::uint32_t si, time_point now);
  static std::uint64_t retry_key(std::uint32_t wave_idx, std::uint32_t region);
  std::uint32_t retry_slot_for(std::uint32_t wave_idx, std::uint32_t region, time_point now);

  // ---- monitoring (monitoring.cpp): status polls, failure reads, stuck jobs -------------------------------------
  void start_monitoring(std::uint32_t si, time_point now);
  // After a halt, cancels a request none of whose jobs has started.
  void drive_monitoring(std::uint32_t si, time_point now);
  void want_polls(wake_up& wake) const;
  // Polls every monitored request due now (and those due within the shortest interval) in batched queries.
  void issue_due_polls(time_point now);
  // One status count query for these slots' requests.
  void issue_poll(std::vector<std::uint32_t> batch, time_point now);
  void issue_fetch(std::uint32_t si, std::vector<std::string> statuses, bool with_errors, purpose p, bool final,
                   time_point now, std::optional<time_point> ended_at_or_after = std::nullopt);
  // A batched poll's answer, split by request.
  void on_status_counts(const call_ctx& ctx, const status_counts_page& p, time_point now);
  // One request's job counts: gates, the next poll, failure reads, stuck checks, the end of the request.
  void on_request_counts(std::uint32_t si, const status_counts& c, time_point now);
  // Every job is final: finish, or read the failures not known yet.
  void read_final_failures(std::uint32_t si, const status_counts& c, time_point now);
  void on_jobs_page(call_ctx& ctx, const jobs_page& p, time_point now);
  void note_stuck_jobs(std::uint32_t si, const std::vector<job_row>& rows, time_point now);
  void apply_job_rows(const call_ctx& ctx, const std::vector<job_row>& rows, time_point now);
  void apply_job_row(std::uint32_t si, const job_row& row, time_point now);
  void apply_job_failure(std::uint32_t si, std::uint32_t o, const job_row& row, time_point now);
  void issue_next_jobs_page(const call_ctx& ctx, const std::string& locator, time_point now);
  // A read of failed jobs has been answered in full: move the watermark; a final read finishes the request.
  void end_fetch(const call_ctx& ctx, time_point now);
  // A monitored request is over and every failed or canceled job has been applied: its other orgs upgraded.
  void finish_monitored(std::uint32_t si, time_point now);

  // ---- resume (resume.cpp): reconcile the journal with the API's requests and jobs -------------------------------
  void begin_resume(const journal_state& state);
  void start_reconcile(time_point now);
  void on_recon_requests(const requests_page& p, time_point now);
  void issue_recon_job_queries(time_point now);
  void on_recon_jobs(const jobs_page& p, time_point now);
  void apply_reconciliation(time_point now);
  std::map<std::string, std::uint32_t> requests_by_slot() const;
  std::map<std::uint32_t, const job_row*> choose_recon_jobs();
  void take_back_members(std::uint32_t si, const std::vector<std::uint32_t>& members);
  std::uint32_t slot_for_unplanned_request(const std::vector<std::uint32_t>& members, std::optional<time_point> sched,
                                           time_point now);
  void cancel_orphan(const std::string& request_id, time_point now);
  void adopt(std::uint32_t si, const std::string& request_id, const std::string& status,
             std::optional<time_point> sched, time_point now);
  void reserve_adopted(std::uint32_t si);
  void adopt_created(std::uint32_t si);
  void move_unpushed_to_retry(std::uint32_t si, time_point now);

  // ---- waves and halts (waves.cpp) --------------------------------------------------------------------------------
  void halt(std::string reason, time_point now);
  // The gates of wave index w: the plan's override for that wave, else the plan's.
  const gate_config& gates_of(std::size_t w) const;
  // The gates in force: those of the newest wave allowed to run (in any region).
  const gate_config& gates_now() const;
  void check_gates(time_point now) { check_gates(now, gates_now()); }
  void check_gates(time_point now, const gate_config& g);
  // The newest wave a region may run.
  std::size_t allowed_in(std::uint32_t region) const { return std::max(allowed_wave, region_allowed[region]); }
  duration bake_of(int wave) const;
  void advance_waves(time_point now);
  bool advance_everywhere(time_point now);
  bool advance_region(std::uint32_t r, time_point now);
  // When a wave's (or a region's part of a follow_the_sun wave's) bake time ends.
  void want_bake_ends(wake_up& wake) const;
};

}  // namespace pushsim::scheduler::detail
